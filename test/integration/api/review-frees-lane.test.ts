import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/index.js';
import { demoStartInstant } from '../../../cli/demo-clock.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { type InFlightRecord, stateKeys } from '../../../lambdas/core/state-keys.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { setupMs } from '../../support/time-budget.js';

const review = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
);

/**
 * Non-interference while a person decides: a change waiting for its reviewer of record holds no lane, so a change
 * to the same service that arrives meanwhile is admitted at once instead of queueing behind a person. The approval
 * takes the first back through admission (the lane, freezes and deadlines are judged again), and it releases with
 * the decision, checks and review it already has.
 */
describe('a change waiting for its reviewer holds no lane, locally', () => {
  let home: string;
  let api: LocalApiServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-review-frees-lane-'));
    for (const who of ['victor', 'xavier']) tokens[who] = issueToken(home, who);
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

  const call = async (path: string, who: string, body: unknown) => {
    const response = await fetch(`${api.base}${path}`, {
      method: 'POST',
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
  const place = (id: string) => {
    const key = stateKeys.inFlightIntent(id);
    return api.stack.deps.state.get<InFlightRecord>(key.pk, key.sk);
  };

  test('a later change to the same lane is admitted at once; the approved one is admitted again and released', async () => {
    // Prepare: the first change parks for its reviewer.
    expect((await call('/intents', 'victor', { ...review, id: 'held-first' })).status).toBe(202);
    await until(async () => (await types('held-first')).includes('review.requested'));
    const placeWhileReviewed = await place('held-first');

    // Act: a second change to the same service arrives while the first waits; then both are approved in turn.
    const second = { ...review, id: 'held-second', title: 'Tighten the audit log retention too' };
    expect((await call('/intents', 'victor', second)).status).toBe(202);
    await until(async () => (await types('held-second')).includes('review.requested'));
    const secondWhileFirstWaits = await types('held-second');
    expect((await call('/intents/held-first/review', 'xavier', { decision: 'approve' })).status).toBe(200);
    await until(async () => (await types('held-first')).includes('intent.concluded'));
    expect((await call('/intents/held-second/review', 'xavier', { decision: 'approve' })).status).toBe(200);
    await until(async () => (await types('held-second')).includes('intent.concluded'));

    // Assess: the second never queued behind the first's review.
    expect(placeWhileReviewed).toBeUndefined();
    expect(secondWhileFirstWaits.filter((type) => type.startsWith('admission.'))).toEqual([
      'admission.admitted',
    ]);
    const first = await entries('held-first');
    const firstTypes = first.map((stored) => stored.entry.type);
    const requested = first.find((stored) => stored.entry.type === 'review.requested')!;
    expect(requested.entry.payload).toMatchObject({ laneReleased: 'patient-records-prod' });
    // Admitted again after the approval, then released without a second decision, verification or review.
    const order = ['admission.admitted', 'review.approved', 'admission.admitted', 'release.started'];
    let at = -1;
    for (const type of order) {
      const next = firstTypes.indexOf(type, at + 1);
      expect({ type, after: at, found: next > at }).toEqual({ type, after: at, found: true });
      at = next;
    }
    for (const once of ['decision.signed', 'verification.passed', 'review.requested', 'review.approved']) {
      expect({ once, count: firstTypes.filter((type) => type === once).length }).toEqual({ once, count: 1 });
    }
    for (const id of ['held-first', 'held-second']) {
      const concluded = (await entries(id)).find((stored) => stored.entry.type === 'intent.concluded')!;
      expect({ id, outcome: (concluded.entry.payload as { outcome: string }).outcome }).toEqual({
        id,
        outcome: 'released',
      });
      expect(await place(id)).toBeUndefined();
    }
  });
});
