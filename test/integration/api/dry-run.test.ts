import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { intentsBudgetMs, setupMs } from '../../support/time-budget.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/** What the tests read of an answer: a dry-run report or a problem. */
interface Answer {
  verdict?: string;
  structure: { verdict: string; errors: Array<{ path: string }> };
  policy: { rules: unknown[]; failed: Array<{ rule: string; reason: string; remedy?: string }> };
  issues: Array<{ path: string }>;
}

/** A Wednesday afternoon outside every freeze. */
const NOW = new Date('2026-11-04T15:00:00Z');

/**
 * `POST /intents?dryRun=true`: declaration, structure and policy, answered with what the pipeline would decide,
 * and nothing written: every table item and evidence file is counted before and after.
 */
describe('POST /intents?dryRun=true', () => {
  let home: string;
  let api: LocalApiServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-dry-run-'));
    for (const who of ['alice', 'dana', 'rachel', 'quinn']) tokens[who] = issueToken(home, who);
    api = await startLocalApi(home, bearerCaller(home), NOW);
    // Something on the ledger and in the state table first, so "nothing written" is not "nothing there".
    expect((await post('alice', { ...example('01-low-risk-flag.json'), id: 'dry-run-real-1' })).status).toBe(
      202,
    );
    await api.executions.idle();
  }, intentsBudgetMs(1));
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  async function post(who: string, intent: unknown, query = '') {
    const response = await fetch(`${api.base}/intents${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(intent),
    });
    return { status: response.status, body: (await response.json()) as Answer };
  }

  /** Every item of every table, and every evidence object: what a write anywhere would change. */
  async function everything(): Promise<Record<string, number>> {
    const client = api.stack.dynamo;
    const counts: Record<string, number> = {};
    for (const table of (await client.send(new ListTablesCommand({}))).TableNames ?? []) {
      counts[table] = (await client.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count ?? 0;
    }
    counts.evidenceObjects = (await api.stack.deps.evidence.list('')).length;
    return counts;
  }

  test('an admissible intent: admitted at its tier with each rule, and nothing written or started', async () => {
    const before = await everything();
    const answer = await post(
      'alice',
      { ...example('01-low-risk-flag.json'), id: 'dry-run-low-1' },
      '?dryRun=true',
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      dryRun: true,
      intentId: 'dry-run-low-1',
      verdict: 'admitted',
      structure: { verdict: 'valid' },
      policy: { verdict: 'admitted', failed: [], lane: expect.any(String) },
    });
    expect(answer.body.policy.rules.length).toBeGreaterThan(0);
    expect(await everything()).toEqual(before);
    expect(before['itv-ledger']).toBeGreaterThan(0);
    expect(before['itv-state']).toBeGreaterThan(0);
    expect(before.evidenceObjects).toBeGreaterThan(0);
    expect(await api.stack.deps.ledger.forIntent('main', 'dry-run-low-1')).toEqual([]);
    expect(api.executions.isRunning('dry-run-low-1')).toBe(false);
  });

  test('a payload its contract refuses: rejected-structure naming the field; policy is not reached', async () => {
    const before = await everything();
    const answer = await post('dana', example('02-structural-reject.json'), '?dryRun=true');
    expect(answer.status).toBe(200);
    expect(answer.body.verdict).toBe('rejected-structure');
    expect(answer.body.structure.errors[0]?.path).toMatch(/^change\.payload/);
    expect(answer.body.policy).toBeUndefined();
    expect(await everything()).toEqual(before);
  });

  test('a requester without authority: rejected-policy, each failed rule with what would pass', async () => {
    const before = await everything();
    const answer = await post('rachel', example('03-policy-reject.json'), '?dryRun=true');
    expect(answer.status).toBe(200);
    expect(answer.body.verdict).toBe('rejected-policy');
    expect(answer.body.policy.failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rule: expect.any(String), reason: expect.any(String) }),
      ]),
    );
    expect(await everything()).toEqual(before);
  });

  test(
    'an intent dated ahead is judged as of its timestamp, as the submission is: the freeze then, not the hour now',
    async () => {
      // Prepare: the finance close change, dated inside the year-end freeze in New York; now is a Wednesday
      // morning there, inside business hours and outside every freeze.
      const dated = { ...example('12-finance-close.json'), timestamp: '2026-12-31T10:00:00-05:00' };

      // Act
      const before = await everything();
      const dry = await post('quinn', { ...dated, id: 'dry-run-dated-1' }, '?dryRun=true');
      const after = await everything();
      const submitted = await post('quinn', { ...dated, id: 'dry-run-dated-2' });
      await api.executions.idle();

      // Assess
      expect(dry.status).toBe(200);
      expect(after).toEqual(before);
      expect(dry.body).toMatchObject({
        verdict: 'rejected-policy',
        policy: { verdict: 'rejected', evaluatedAt: '2026-12-31T15:00:00.000Z' },
      });
      expect(dry.body.policy.failed.map((failed) => failed.rule)).toContain('operational-freeze-window');
      const remedies = dry.body.policy.failed.map((failed) => failed.remedy ?? '').join('\n');
      expect(remedies).toContain('2027-01-08T13:00:00.000Z (Friday 2027-01-08 08:00 in America/New_York)');
      // The submission records the same rejection, rule for rule, remedy for remedy.
      expect(submitted.status).toBe(202);
      const entries = await api.stack.deps.ledger.forIntent('main', 'dry-run-dated-2');
      const rejected = entries.find((stored) => stored.entry.type === 'admission.rejected');
      expect(rejected).toBeDefined();
      const recorded = (rejected!.entry.payload as { failed: Array<{ rule: string; remedy?: string }> })
        .failed;
      expect(dry.body.policy.failed.map(({ rule, remedy }) => ({ rule, remedy }))).toEqual(
        recorded.map(({ rule, remedy }) => ({ rule, remedy })),
      );
    },
    intentsBudgetMs(1),
  );

  test('an intent asked for three hours ahead would be scheduled for that instant, not admitted now', async () => {
    // Prepare
    const intent = example('01-low-risk-flag.json');
    const constraints = intent.constraints as Record<string, unknown>;
    const notBefore = new Date(NOW.getTime() + 3 * 3_600_000 + 250).toISOString();

    // Act
    const before = await everything();
    const dry = await post(
      'alice',
      {
        ...intent,
        id: 'dry-run-later-1',
        timestamp: NOW.toISOString(),
        constraints: { ...constraints, notBefore },
      },
      '?dryRun=true',
    );

    // Assess: due at the whole second after it, as AdmitPolicy rounds it.
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      verdict: 'scheduled',
      policy: {
        verdict: 'scheduled',
        dueAt: '2026-11-04T18:00:01Z',
        evaluatedAt: '2026-11-04T18:00:01.000Z',
        failed: [],
        waitingFor: [],
      },
    });
    expect(await everything()).toEqual(before);
  });

  test('an incomplete intent is 400 naming each field, as a submission; a bad dryRun value is 400 naming it', async () => {
    const before = await everything();
    const empty = await post('alice', {}, '?dryRun=true');
    const bad = await post('alice', example('01-low-risk-flag.json'), '?dryRun=maybe');
    expect(empty.status).toBe(400);
    expect(empty.body.issues.map((issue: { path: string }) => issue.path)).toEqual(
      expect.arrayContaining(['goal', 'change']),
    );
    expect([bad.status, bad.body.issues]).toEqual([400, [expect.objectContaining({ path: 'query.dryRun' })]]);
    expect(await everything()).toEqual(before);
  });
});
