import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { loadCatalog } from '../../../catalog/index.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { EvidencePayloadStore } from '../../../lambdas/adapters/evidence-payload-store.js';
import { type IntentSubmittedEvent, intakeEvent } from '../../../lambdas/api/intake-event.js';
import { saltedDigest } from '../../../lambdas/core/intake/secret-scan.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { RecordingExecutions } from '../../support/recording-executions.js';
import { setupMs } from '../../support/time-budget.js';
import { WriteOnceEvidence } from '../../unit/evidence/helpers/write-once-evidence.js';
import { MemoryLedgerStore } from '../../unit/pipeline/helpers/memory-ledger.js';
import { pipelineHarness } from '../../unit/pipeline/helpers/pipeline-harness.js';
import { MemoryStateStore } from '../../unit/release/helpers/memory-state-store.js';

/*
 * Secrets never persisted: every string of an intent, keys included, is scanned with the vendored rule set
 * before anything is written; a match is refused, and only its rule, path and salted digest are kept — in the
 * answer, the log, the ledger — never the literal, in the ledger or the write-once evidence.
 */

const NOW = new Date('2026-11-04T15:00:00Z');
type Json = Record<string, unknown>;
const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Json & {
    change: Json;
  };

// Built from parts so the sources hold no credential-shaped literal.
const githubToken = `ghp_${'a1B2c3D4e5'.repeat(3)}x9Y8z7`;
const slackToken = `xoxb-${'1234567890'}-${'9876543210'}-${'AbCdEfGhIjKlMnOp'}`;
const awsKey = `AKIA${'QWERTY234567ZXCV'}`;
const stripeKey = `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`;
const pem = ['-----BEGIN', 'EC PRIVATE KEY-----\nMHcCAQEEIBkg\n-----END EC', 'PRIVATE KEY-----'].join(' ');
// Shaped as `itv token` prints one (itv_ and 43 base64url characters), and an Authorization header's value.
const itvToken = `itv_${'C12V-x_9aQ'.repeat(4)}Zk0`;
const bearerValue = `${'hhJ2aZ09'.repeat(4)}.Qx7`;
const bearerHeader = `Authorization: Bearer ${bearerValue}`;

const cases: Array<{ name: string; literal: string; rule: string; path: RegExp; intent: () => Json }> = [
  {
    name: 'a token in tags',
    literal: githubToken,
    rule: 'github-pat',
    path: /^tags\.ci$/,
    intent: () => ({ ...example('01-low-risk-flag.json'), tags: { ci: githubToken } }),
  },
  {
    name: 'a token in testResults[].detail',
    literal: slackToken,
    rule: 'slack-bot-token',
    path: /^testResults\.0\.detail$/,
    intent: () => ({
      ...example('01-low-risk-flag.json'),
      testResults: [{ check: 'smoke', passed: true, detail: `posted with ${slackToken}` }],
    }),
  },
  {
    name: 'an AWS key as a payload key',
    literal: awsKey,
    rule: 'aws-access-token',
    path: /^change\.payload\.\{key 0\}$/,
    intent: () => {
      const intent = example('01-low-risk-flag.json');
      intent.change.payload = { [awsKey]: { enabled: true } };
      return intent;
    },
  },
  {
    name: 'an AWS key as a payload value',
    literal: awsKey,
    rule: 'aws-access-token',
    path: /^change\.payload\.exporter$/,
    intent: () => {
      const intent = example('01-low-risk-flag.json');
      intent.change.payload = { exporter: awsKey };
      return intent;
    },
  },
  {
    name: 'a private-key PEM in the payload',
    literal: 'MHcCAQEEIBkg',
    rule: 'private-key',
    path: /^change\.payload\.tls$/,
    intent: () => {
      const intent = example('01-low-risk-flag.json');
      intent.change.payload = { tls: pem };
      return intent;
    },
  },
  {
    name: 'a key in the title of an intent policy would reject anyway',
    literal: stripeKey,
    rule: 'stripe-access-token',
    path: /^title$/,
    intent: () => ({ ...example('03-policy-reject.json'), title: `Rotate ${stripeKey}` }),
  },
  {
    name: "itv's own token in the title",
    literal: itvToken,
    rule: 'itv:itv-token',
    path: /^title$/,
    intent: () => ({ ...example('01-low-risk-flag.json'), title: `my token is ${itvToken}` }),
  },
  {
    name: 'an Authorization header pasted into testResults[].detail',
    literal: bearerValue,
    rule: 'itv:bearer-token',
    path: /^testResults\.0\.detail$/,
    intent: () => ({
      ...example('01-low-risk-flag.json'),
      testResults: [{ check: 'smoke', passed: true, detail: `curl -H '${bearerHeader}' failed` }],
    }),
  },
];

describe('secrets never persisted: through the local API', () => {
  let home: string;
  let api: LocalApiServer;
  let token: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-secrets-'));
    token = issueToken(home, 'alice');
    api = await startLocalApi(home, bearerCaller(home), NOW);
  }, setupMs);
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const post = async (body: unknown, query = '') => {
    const response = await fetch(`${api.base}/intents${query}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };

  test.each(cases)(
    '$name: 400 naming the rule, the path and a salted digest, never the literal, in a dry run too',
    async (c) => {
      const dryRun = await post(c.intent(), '?dryRun=true');
      expect(dryRun.status).toBe(400);
      expect(dryRun.text).toContain(`rule ${c.rule}`);
      expect(dryRun.text).not.toContain(c.literal);
      const answer = await post(c.intent());
      expect(answer.status).toBe(400);
      expect(answer.text).not.toContain(c.literal);
      const issues = (JSON.parse(answer.text) as { issues: Array<{ path: string; message: string }> }).issues;
      const issue = issues.find((i) => i.message.includes(`rule ${c.rule}`));
      expect(issue?.path).toMatch(c.path);
      const [, digest, salt] = /SHA-256 ([0-9a-f]{64}) \(salt ([0-9a-f]+)\)/.exec(issue?.message ?? '') ?? [];
      // Whoever holds the secret can confirm it from the digest; nobody else can read it back.
      expect(issue?.message).toContain(digest);
      expect(salt).toBeDefined();
    },
  );

  test('no literal reaches the ledger or the write-once evidence, while a clean intent runs alongside', async () => {
    const clean = await post(example('01-low-risk-flag.json'));
    expect(clean.status).toBe(202);
    for (const c of cases) expect((await post(c.intent())).status).toBe(400);
    await api.executions.idle();
    const { ledger, ledgerName, evidence } = api.stack.deps;
    const entries = await ledger.read(ledgerName);
    expect(entries.length).toBeGreaterThan(0);
    const files = await evidence.list('');
    expect(files.length).toBeGreaterThan(0);
    const stored = [JSON.stringify(entries)];
    for (const key of files)
      stored.push(Buffer.from((await evidence.getObject(key)) ?? []).toString('latin1'));
    for (const c of cases) {
      for (const text of stored) expect(text).not.toContain(c.literal);
    }
  });
});

describe('secrets never persisted: the EventBridge intake and DeclareIntent', () => {
  test('an event carrying a secret starts nothing, and its log line names the rule but not the secret', async () => {
    const executions = new RecordingExecutions();
    const lines: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      for (const c of cases) {
        const event: IntentSubmittedEvent = {
          version: '0',
          id: 'e-secret',
          'detail-type': 'Intent Submitted',
          source: 'itv.ci.growth',
          account: '123456789012',
          time: NOW.toISOString(),
          region: 'us-east-1',
          resources: [],
          detail: { intent: c.intent() },
        };
        const deps = {
          catalog: loadCatalog(),
          state: new MemoryStateStore(),
          ledger: new MemoryLedgerStore(),
          ledgerName: 'test',
          payloads: new EvidencePayloadStore(new WriteOnceEvidence()),
        };
        await intakeEvent(event, executions, deps, NOW);
      }
    } finally {
      warn.mockRestore();
    }
    expect(executions.started).toEqual([]);
    expect(lines).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      expect(lines[i]).toContain(`rule ${c.rule}`);
      expect(lines[i]).not.toContain(c.literal);
    });
  });

  test('an execution started with a secret some other way records request.refused with rule, path and digest only', async () => {
    const h = pipelineHarness();
    const caller = {
      principal: 'alice',
      authenticatedAs: { method: 'aws-iam' as const, arn: 'arn:aws:iam::123456789012:user/alice' },
      matched: 'principals.alice.identities[0]',
    };
    for (const c of cases) {
      const declared = await declareIntent({ intent: c.intent(), source: 'api', caller }, h.deps);
      expect(declared.verdict).toBe('refused');
      const entries = await h.ledger.forIntent('test', declared.intentId);
      expect(entries.map((e) => e.entry.type)).toEqual(['request.refused']);
      const text = JSON.stringify(entries);
      expect(text).not.toContain(c.literal);
      expect(text).toContain(`rule ${c.rule}`);
    }
  });

  test('the digest is salted: one secret under two salts gives two digests', () => {
    expect(saltedDigest('a', awsKey)).not.toBe(saltedDigest('b', awsKey));
    expect(saltedDigest('a', awsKey)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('secrets never persisted: the reasons people write', () => {
  let home: string;
  let api: LocalApiServer;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-secret-reasons-'));
    api = await startLocalApi(home, bearerCaller(home), NOW);
  }, setupMs);
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const call = async (method: string, path: string, who: string, body?: unknown) => {
    const response = await fetch(`${api.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${issueToken(home, who)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, text: await response.text() };
  };
  const inAWeek = new Date(NOW.getTime() + 7 * 86_400_000).toISOString();
  const grant = { to: 'bob', services: ['launch-flags'], role: 'engineer', expiresAt: inAWeek };

  test.each([
    { secret: awsKey, reason: `rotated ${awsKey} today`, rule: 'aws-access-token' },
    { secret: itvToken, reason: `my token is ${itvToken}`, rule: 'itv:itv-token' },
    { secret: bearerValue, reason: `${bearerHeader} works for me`, rule: 'itv:bearer-token' },
  ])(
    "a review's, a stop's, a release decision's and a delegation's reason holding $rule is refused, naming `reason`, and kept nowhere",
    async ({ secret, reason, rule }) => {
      // Prepare: a change in flight, and a delegation granted with a clean reason to revoke.
      const intent = { ...example('01-low-risk-flag.json'), id: `reasons-${rule.replace(/\W/g, '-')}` };
      const submitted = await call('POST', '/intents', 'alice', intent);
      expect(submitted.status).toBe(202);
      const { intentId } = JSON.parse(submitted.text) as { intentId: string };
      const granted = await call('POST', '/delegations', 'alice', { ...grant, reason: 'covering my leave' });
      expect(granted.status).toBe(201);
      const { id: delegation } = JSON.parse(granted.text) as { id: string };

      // Act
      const answers = [
        await call('POST', `/intents/${intentId}/review`, 'xavier', { decision: 'approve', reason }),
        await call('POST', `/intents/${intentId}/stop`, 'alice', { reason }),
        await call('POST', `/intents/${intentId}/release-decision`, 'alice', { decision: 'hold', reason }),
        await call('POST', '/delegations', 'alice', { ...grant, to: 'carol', reason }),
        await call(
          'DELETE',
          `/delegations/${encodeURIComponent(delegation)}?reason=${encodeURIComponent(reason)}`,
          'alice',
        ),
      ];
      await api.executions.idle();

      // Assess: each is a 400 naming the field and the rule, never the literal.
      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(answer.text).not.toContain(secret);
        const issues = (JSON.parse(answer.text) as { issues: Array<{ path: string; message: string }> })
          .issues;
        // A body's reason, or the query parameter of DELETE /delegations/{id}?reason=.
        expect(issues).toContainEqual({
          path: expect.stringMatching(/^(query\.)?reason$/),
          message: expect.stringContaining(`rule ${rule}`),
        });
      }
      const listed = await call('GET', '/delegations', 'bob');
      expect(listed.status).toBe(200);
      expect(listed.text).not.toContain(secret);
      const { ledger, ledgerName, evidence } = api.stack.deps;
      const stored = [JSON.stringify(await ledger.read(ledgerName))];
      for (const key of await evidence.list('')) {
        stored.push(Buffer.from((await evidence.getObject(key)) ?? []).toString('latin1'));
      }
      for (const text of stored) expect(text).not.toContain(secret);
    },
  );
});
