import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/index.js';
import { demoStartInstant } from '../../../cli/demo-clock.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { intentsBudgetMs, setupMs } from '../../support/time-budget.js';

const review = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
);
// Its check's result is left for CI to report, not attached.
const { testResults: _attached, ...withoutResults } = review;

/** Shaped as an AWS access key id (not AWS's documented `…EXAMPLE`, which the rule allows). */
const awsKey = `AKIA${'QWERTY234567ZXCV'}`;

/**
 * `PUT /intents/{id}/checks/{name}` on the local API: a change queued behind one that waits for its CI's check
 * results (a wait that keeps the lane) has not been verified yet, so the result its CI reports is the one its
 * Verify counts.
 */
describe('PUT /intents/{id}/checks/{name}, locally', () => {
  let home: string;
  let api: LocalApiServer;
  const tokens: Record<string, string> = {};
  const check = 'hipaa-audit-controls';
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-report-check-'));
    for (const who of ['victor', 'xavier', 'ci-sre']) tokens[who] = issueToken(home, who);
    const start = demoStartInstant(
      new Date('2026-11-03T14:00:00Z'),
      [intentSchema.parse(review)],
      loadCatalog(),
    );
    api = await startLocalApi(home, bearerCaller(home), start);
  }, setupMs);
  afterAll(async () => {
    await api.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const call = async (method: string, path: string, who: string, body: unknown) => {
    const response = await fetch(`${api.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  const put = (id: string, name: string, who: string, body: unknown) =>
    call('PUT', `/intents/${id}/checks/${name}`, who, body);
  const entries = (id: string) => api.stack.deps.ledger.forIntent('main', id);
  const types = async (id: string) => (await entries(id)).map((stored) => stored.entry.type);
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 600 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  test(
    'refused before anything is written, recorded once as the caller, counted by Verify, closed after it',
    async () => {
      // Prepare: the first change parks for its check results, holding the lane; the second, to the same
      // service, queues behind it.
      const first = { ...withoutResults, id: 'checked-first' };
      expect((await call('POST', '/intents', 'victor', first)).status).toBe(202);
      await until(async () => (await types('checked-first')).includes('verification.awaiting-checks'));
      const second = {
        ...withoutResults,
        id: 'checked-second',
        title: 'Tighten the audit log retention too',
      };
      expect((await call('POST', '/intents', 'victor', second)).status).toBe(202);
      await until(async () => (await types('checked-second')).includes('admission.queued'));
      const before = await types('checked-second');
      expect(before.filter((type) => type.startsWith('admission.'))).toEqual(['admission.queued']);

      // Act: refusals first, then the report, again, and a different one.
      const otherCi = await put('checked-second', check, 'ci-sre', { status: 'passed' });
      const bad = await put('checked-second', check, 'victor', { status: 'green', reporter: 'victor' });
      const secret = await put('checked-second', check, 'victor', {
        status: 'passed',
        detail: `ran with ${awsKey}`,
      });
      const unnamed = await put('checked-second', 'lint', 'victor', { status: 'passed' });
      const unknown = await put('no-such-intent', check, 'victor', { status: 'passed' });
      const afterRefusals = await types('checked-second');
      const reported = await put('checked-second', check, 'victor', {
        status: 'failed',
        detail: 'control AU-2 has no test',
        url: 'https://ci.example.com/runs/77',
      });
      const again = await put('checked-second', check, 'victor', {
        status: 'failed',
        detail: 'control AU-2 has no test',
        url: 'https://ci.example.com/runs/77',
      });
      const different = await put('checked-second', check, 'victor', { status: 'passed' });

      // Assess: the refusals.
      expect(otherCi.status).toBe(403);
      expect(otherCi.body).toMatchObject({ error: 'NotACheckReporterError' });
      expect(String(otherCi.body.message)).toContain('only its requester (victor)');
      expect(bad.status).toBe(400);
      expect((bad.body.issues as Array<{ path: string }>).map((issue) => issue.path).sort()).toEqual([
        'reporter',
        'status',
      ]);
      expect(secret.status).toBe(400);
      expect(JSON.stringify(secret.body)).not.toContain(awsKey);
      expect(secret.body.issues).toEqual([
        { path: 'detail', message: expect.stringContaining('holds a secret (rule aws-access-token)') },
      ]);
      expect(unnamed.status).toBe(404);
      expect(String(unnamed.body.message)).toContain(`it names ${check}`);
      expect(unknown.status).toBe(404);
      expect(afterRefusals).toEqual(before);
      const key = stateKeys.check('checked-second', 'lint');
      expect(await api.stack.deps.state.get(key.pk, key.sk)).toBeUndefined();
      // The report, once.
      expect(reported.status).toBe(201);
      expect(reported.location).toBe(`/intents/checked-second/checks/${check}`);
      expect(reported.body).toMatchObject({
        intentId: 'checked-second',
        check,
        status: 'failed',
        reportedBy: 'victor',
        standing: 'requester',
        repeated: false,
      });
      // Its Location answers GET with the result as recorded; a check the intent names but nobody reported is 404.
      const read = async (path: string) => {
        const response = await fetch(`${api.base}${path}`, {
          headers: { authorization: `Bearer ${tokens.xavier}` },
        });
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      const followed = await read(reported.location ?? '');
      expect([followed.status, followed.body]).toEqual([
        200,
        {
          intentId: 'checked-second',
          check,
          status: 'failed',
          detail: 'control AU-2 has no test',
          url: 'https://ci.example.com/runs/77',
          reportedBy: 'victor',
          standing: 'requester',
          reportedAt: reported.body.reportedAt,
          seq: reported.body.seq,
        },
      ]);
      const unreported = await read(`/intents/checked-first/checks/${check}`);
      expect([unreported.status, unreported.body.issues]).toEqual([
        404,
        [expect.objectContaining({ path: 'path.name' })],
      ]);
      expect([again.status, again.location]).toEqual([200, null]);
      expect(again.body).toEqual({ ...reported.body, repeated: true });
      expect(different.status).toBe(409);
      expect(different.body).toMatchObject({ error: 'CheckReportConflictError' });
      const recorded = (await entries('checked-second')).filter((s) => s.entry.type === 'check.reported');
      expect(recorded).toHaveLength(1);
      expect(recorded[0]!.entry.payload).toMatchObject({
        reportedBy: 'victor',
        authenticatedAs: { method: 'local' },
        url: 'https://ci.example.com/runs/77',
      });

      // Act: victor reports the first's check; it passes Verify and waits for its reviewer, which frees the lane:
      // the second is admitted and verified with the result reported for it while it queued.
      expect((await put('checked-first', check, 'victor', { status: 'passed' })).status).toBe(201);
      await until(async () => (await types('checked-second')).includes('intent.concluded'));
      const late = await put('checked-second', check, 'victor', { status: 'passed', detail: 'fixed' });

      // Assess
      expect(await types('checked-first')).toContain('review.requested');
      expect((await types('checked-second')).filter((type) => type.startsWith('admission.'))).toEqual([
        'admission.queued',
        'admission.admitted',
      ]);
      const verification = (await entries('checked-second')).find(
        (s) => s.entry.type === 'verification.failed',
      )?.entry.payload as { results: Array<{ check: string; passed: boolean; detail: string }> };
      expect(verification.results.find((r) => r.check === check)).toEqual({
        check,
        passed: false,
        detail: 'reported failed by victor: control AU-2 has no test',
        source: 'reported',
        reportedBy: 'victor',
      });
      expect(late.status).toBe(409);
      expect(String(late.body.message)).toContain('was reported failed by victor');
    },
    intentsBudgetMs(3),
  );
});
