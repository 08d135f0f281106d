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

/**
 * Two changes to one lane on the local runtime, the first parked for its reviewer: the second waits for the
 * lane without polling, so neither the ledger nor the stack's virtual clock runs on while nobody acts, and the
 * stage that frees the lane wakes it.
 */
describe('an intent queued behind one waiting for review, locally', () => {
  let home: string;
  let api: LocalApiServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-queued-review-'));
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

  const call = async (path: string, who: string, body: unknown) => {
    const response = await fetch(`${api.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const types = async (id: string) =>
    (await api.stack.deps.ledger.forIntent('main', id)).map((stored) => stored.entry.type);
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 600 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  test('waits without writing or moving the clock, and is admitted when the review frees the lane', async () => {
    // Prepare: the first change parks for its reviewer; the second, to the same service, queues behind it.
    expect((await call('/intents', 'victor', { ...review, id: 'records-first' })).status).toBe(202);
    await until(async () => (await types('records-first')).includes('review.requested'));
    const second = { ...review, id: 'records-second', title: 'Tighten the audit log retention too' };
    expect((await call('/intents', 'victor', second)).status).toBe(202);
    await until(async () => (await types('records-second')).includes('admission.queued'));
    const queuedAt = api.stack.clock.now().getTime();

    // Act: nobody acts for two seconds of wall time, then the reviewer approves the first.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const clockWhileWaiting = api.stack.clock.now().getTime() - queuedAt;
    const whileWaiting = await types('records-second');
    expect((await call('/intents/records-first/review', 'xavier', { decision: 'approve' })).status).toBe(200);
    await until(async () => (await types('records-second')).includes('admission.admitted'));

    // Assess
    expect(clockWhileWaiting).toBeLessThan(60_000);
    expect(whileWaiting.filter((type) => type.startsWith('admission.'))).toEqual(['admission.queued']);
    expect(await types('records-first')).toContain('intent.concluded');
    expect((await types('records-second')).filter((type) => type.startsWith('admission.'))).toEqual([
      'admission.queued',
      'admission.admitted',
    ]);
  });
});
