import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/index.js';
import { demoStartInstant } from '../../../cli/demo-clock.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';

const review = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
);
// Its check's result is left for CI to report, not attached: its fail-fast gate parks it in AwaitChecks, on its lane.
const { testResults: _attached, ...withoutResults } = review;
const check = 'hipaa-audit-controls';

/**
 * Two changes to one lane on the local runtime, the first parked for CI's check results (a wait that keeps the
 * lane, unlike a review's): the second waits for the lane without polling, so neither the ledger nor the stack's
 * virtual clock runs on while nobody acts, and the stage that frees the lane (here the first's AwaitReview, once
 * its check is reported) wakes it.
 */
describe('an intent queued behind one waiting for its checks, locally', () => {
  let home: string;
  let api: LocalApiServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-queued-checks-'));
    for (const who of ['victor', 'xavier']) tokens[who] = issueToken(home, who);
    const start = demoStartInstant(
      new Date('2026-11-03T14:00:00Z'),
      [intentSchema.parse(review)],
      loadCatalog(),
    );
    api = await startLocalApi(home, bearerCaller(home), start);
  });
  afterAll(async () => {
    await api.close();
    rmSync(home, { recursive: true, force: true });
  });

  const call = async (path: string, who: string, body: unknown, method = 'POST') => {
    const response = await fetch(`${api.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const entries = (id: string) => api.stack.deps.ledger.forIntent('main', id);
  const types = async (id: string) => (await entries(id)).map((stored) => stored.entry.type);
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 600 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  test('waits without writing or moving the clock, and is admitted when the holder frees the lane', async () => {
    // Prepare: the first change parks for its check results, holding the lane; the second, to the same service,
    // queues behind it.
    const first = { ...withoutResults, id: 'records-first' };
    expect((await call('/intents', 'victor', first)).status).toBe(202);
    await until(async () => (await types('records-first')).includes('verification.awaiting-checks'));
    const second = { ...review, id: 'records-second', title: 'Tighten the audit log retention too' };
    expect((await call('/intents', 'victor', second)).status).toBe(202);
    await until(async () => (await types('records-second')).includes('admission.queued'));
    const queuedAt = api.stack.clock.now().getTime();
    const queuedWith = await types('records-second');
    const firstWhileQueued = await types('records-first');

    // Act: nobody acts for two seconds of wall time, then victor reports the first's check: it is verified and
    // waits for its reviewer, which gives up the lane.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const clockWhileWaiting = api.stack.clock.now().getTime() - queuedAt;
    const whileWaiting = await types('records-second');
    const firstWhileWaiting = await types('records-first');
    const reported = await call(
      `/intents/records-first/checks/${check}`,
      'victor',
      { status: 'passed' },
      'PUT',
    );
    expect(reported.status).toBe(201);
    await until(async () => (await types('records-second')).includes('admission.admitted'));

    // Assess: while nobody acted, neither waiter wrote anything and the clock stood still.
    expect(clockWhileWaiting).toBeLessThan(60_000);
    expect(whileWaiting).toEqual(queuedWith);
    expect(firstWhileWaiting).toEqual(firstWhileQueued);
    expect(whileWaiting.filter((type) => type.startsWith('admission.'))).toEqual(['admission.queued']);
    // The first's review wait freed the lane, and that woke the second.
    const requested = (await entries('records-first')).find(
      (stored) => stored.entry.type === 'review.requested',
    );
    expect(requested?.entry.payload).toMatchObject({ laneReleased: 'patient-records-prod' });
    expect(await types('records-first')).not.toContain('intent.concluded');
    expect((await types('records-second')).filter((type) => type.startsWith('admission.'))).toEqual([
      'admission.queued',
      'admission.admitted',
    ]);
  });
});
