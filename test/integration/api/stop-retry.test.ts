import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/index.js';
import { demoStartInstant } from '../../../cli/demo-clock.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';

const review = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
);
// Its check's result is left for CI to report, not attached: its fail-fast gate parks it in AwaitChecks, on its lane.
const { testResults: _attached, ...withoutResults } = review;

/**
 * Stop and retry over the local API, on the real ASL: an intent queued for its lane (behind one that waits for
 * CI's check results, which keeps the lane) and one parked for its reviewer are stopped where they wait (no park
 * left behind, the lane freed), each concludes `stopped`, sealed; then the stopped one runs again as its next
 * attempt.
 */
describe('POST /intents/{id}/stop and /retry, locally', () => {
  let home: string;
  let api: LocalApiServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-stop-retry-'));
    // victor requests and owns patient-records; xavier is its reviewer of record, not an owner.
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

  const post = async (path: string, who: string, body?: unknown, method = 'POST') => {
    const response = await fetch(`${api.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const status = async (id: string) =>
    (await (
      await fetch(`${api.base}/intents/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${tokens.victor}` },
      })
    ).json()) as Record<string, unknown>;
  const entries = (id: string) => api.stack.deps.ledger.forIntent('main', id);
  const types = async (id: string) => (await entries(id)).map((stored) => stored.entry.type);
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 600 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const sealed = (id: string) => async () => (await types(id)).at(-1) === 'checkpoint.signed';

  test('a queued intent and one waiting for review are withdrawn where they wait; then one is retried', async () => {
    // Prepare: the first parks for its check results, holding the lane; the second, to the same service, queues
    // behind it.
    expect((await post('/intents', 'victor', { ...withoutResults, id: 'stop-first' })).status).toBe(202);
    await until(async () => (await types('stop-first')).includes('verification.awaiting-checks'));
    const second = { ...review, id: 'stop-second', title: 'Tighten the audit log retention too' };
    expect((await post('/intents', 'victor', second)).status).toBe(202);
    await until(async () => (await types('stop-second')).includes('admission.queued'));
    const queuedBefore = (await status('stop-second')).status;

    // Act: refusals, then victor stops the queued one, then the one awaiting review.
    const notInControl = await post('/intents/stop-second/stop', 'xavier', { reason: 'not mine to stop' });
    const noReason = await post('/intents/stop-second/stop', 'victor', {});
    const namingSomebody = await post('/intents/stop-second/stop', 'victor', { reason: 'x', by: 'xavier' });
    const unknown = await post('/intents/no-such-intent/stop', 'victor', { reason: 'x' });
    const queued = await post('/intents/stop-second/stop', 'victor', { reason: 'superseded by stop-first' });
    await until(sealed('stop-second'));
    // Act: victor reports the first's check; it is verified and waits for its reviewer, where he stops it.
    const check = 'hipaa-audit-controls';
    const reported = await post(`/intents/stop-first/checks/${check}`, 'victor', { status: 'passed' }, 'PUT');
    await until(async () => (await types('stop-first')).includes('review.requested'));
    const awaitingReview = await post('/intents/stop-first/stop', 'victor', { reason: 'the audit moved' });
    await until(sealed('stop-first'));
    const again = await post('/intents/stop-first/stop', 'victor', { reason: 'once more' });
    const lateReview = await post('/intents/stop-first/review', 'xavier', {
      decision: 'reject',
      reason: 'too risky',
    });

    // Assess: the refusals wrote nothing and named why.
    expect(notInControl.status).toBe(403);
    expect(notInControl.body).toMatchObject({ error: 'NotInControlError' });
    expect(String(notInControl.body.detail)).toMatch(/xavier may not stop .*its requester victor/);
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues).toEqual([{ path: 'reason', message: 'is required' }]);
    expect(namingSomebody.status).toBe(400);
    expect(JSON.stringify(namingSomebody.body.issues)).toContain('"path":"by"');
    expect(unknown.status).toBe(404);
    // Assess: each stop answered 202, was honoured where the intent waited, and concluded sealed.
    expect(queuedBefore).toBe('admission.queued');
    expect(reported.status).toBe(201);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ was: 'admission.queued', stop: { by: 'victor' }, repeated: false });
    expect(awaitingReview.status).toBe(202);
    expect(awaitingReview.body).toMatchObject({ was: 'awaiting-review' });
    expect(await status('stop-second')).toMatchObject({ status: 'stopped', outcome: 'stopped' });
    expect(await status('stop-first')).toMatchObject({ status: 'stopped', outcome: 'stopped' });
    const stoppedOf = async (id: string) =>
      (await entries(id)).find((stored) => stored.entry.type === 'intent.stopped')?.entry.payload;
    expect(await stoppedOf('stop-second')).toMatchObject({
      by: 'victor',
      reason: 'superseded by stop-first',
      action: 'withdrawn',
      stage: 'AdmitPolicy',
    });
    expect(await stoppedOf('stop-first')).toMatchObject({ action: 'withdrawn', stage: 'AwaitReview' });
    expect((await types('stop-second')).slice(-3)).toEqual([
      'intent.stopped',
      'intent.concluded',
      'checkpoint.signed',
    ]);
    expect(again.status).toBe(409);
    // problem+json (RFC 9457): `status` is the HTTP status, the intent's is `intentStatus`.
    expect(again.body).toMatchObject({
      status: 409,
      intentStatus: 'stopped',
      error: 'IntentNotInFlightError',
    });
    // A review after the stop is refused as for an intent that never waited, and the intent stays sealed.
    expect(lateReview.status).toBe(409);
    expect(lateReview.body).toMatchObject({ error: 'NotAwaitingReviewError' });
    expect((await types('stop-first')).at(-1)).toBe('checkpoint.signed');
    expect(await types('stop-first')).not.toContain('review.rejected');
    // No lane place is left behind: the lane is free.
    const inFlight = await api.stack.deps.state.list(stateKeys.inFlight().pk);
    expect(inFlight.map((item) => item.sk)).not.toEqual(expect.arrayContaining(['stop-first']));
    expect(inFlight.map((item) => item.sk)).not.toEqual(expect.arrayContaining(['stop-second']));

    // Act: victor retries the queued one; a second retry while it runs is refused.
    const notTheirs = await post('/intents/stop-second/retry', 'xavier');
    const retried = await post('/intents/stop-second/retry', 'victor');
    await until(async () => (await types('stop-second:attempt-2')).includes('review.requested'));
    const whileInFlight = await post('/intents/stop-second/retry', 'victor');
    const withFields = await post('/intents/stop-second/retry', 'victor', { intent: {} });

    // Assess
    expect(notTheirs.status).toBe(403);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({
      intentId: 'stop-second:attempt-2',
      previousIntentId: 'stop-second',
      retriedBy: 'victor',
    });
    const declared = (await entries('stop-second:attempt-2')).find(
      (stored) => stored.entry.type === 'intent.declared',
    )?.entry.payload as { attempt?: Record<string, unknown>; authority: { requester: string } };
    expect(declared.attempt).toMatchObject({
      intentId: 'stop-second',
      number: 2,
      previousIntentId: 'stop-second',
      retriedBy: { principal: 'victor' },
    });
    expect(declared.authority.requester).toBe('victor');
    expect(whileInFlight.status).toBe(409);
    expect(whileInFlight.body).toMatchObject({ status: 409, intentStatus: 'awaiting-review' });
    // The route that stops it names the attempt running, not a placeholder.
    expect(whileInFlight.body).toMatchObject({
      message: expect.stringContaining('stop it first (POST /intents/stop-second:attempt-2/stop)'),
    });
    expect(withFields.status).toBe(400);
  });
});
