import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { expectIdempotency, idempotencyScenario } from '../../support/idempotency-cases.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { setupMs } from '../../support/time-budget.js';

/** A Wednesday afternoon outside every freeze. */
const NOW = new Date('2026-11-04T15:00:00Z');

/**
 * `Idempotency-Key` on the local API (the control plane and `itv serve`), with the same scenario the
 * deployed-stack suite sends through API Gateway: one submission whatever the retries, kept 24 hours.
 */
describe('Idempotency-Key on the local API', () => {
  let home: string;
  let api: LocalApiServer;
  let alice: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-idempotency-'));
    alice = issueToken(home, 'alice');
    api = await startLocalApi(home, bearerCaller(home), NOW);
  }, setupMs);
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test('the same request again is answered the first answer and runs once; another under the key is 422', async () => {
    // Act
    const seen = await idempotencyScenario(
      async (method, path, init) => {
        const response = await fetch(`${api.base}${path}`, {
          method,
          headers: { authorization: `Bearer ${alice}`, ...(init.headers ?? {}) },
          ...(init.body === undefined ? {} : { body: init.body }),
        });
        return {
          status: response.status,
          header: (name) => response.headers.get(name),
          body: (await response.json()) as Record<string, unknown>,
        };
      },
      NOW,
      'local',
    );
    await api.executions.idle();
    // Assess: the answers, one execution and its ledger, and the key kept with a 24-hour expiry.
    expectIdempotency(seen);
    const intentId = String(seen.first.body.intentId);
    const declared = (await api.stack.deps.ledger.forIntent('main', intentId)).filter(
      (stored) => stored.entry.type === 'intent.declared',
    );
    expect(declared).toHaveLength(1);
    const kept = await api.stack.deps.state.get<{ expiresAt: number; answer?: { statusCode: number } }>(
      stateKeys.idempotency('alice', 'local-7c0a2a7e-5a0b-4bde-9f55-1f4d8e1c2b33').pk,
      stateKeys.idempotency('alice', 'local-7c0a2a7e-5a0b-4bde-9f55-1f4d8e1c2b33').sk,
    );
    expect(kept?.data.answer?.statusCode).toBe(202);
    expect(kept!.data.expiresAt - api.stack.clock.now().getTime()).toBeLessThanOrEqual(24 * 3600 * 1000);
    expect(kept!.data.expiresAt - NOW.getTime()).toBeGreaterThanOrEqual(24 * 3600 * 1000 - 60_000);
  });

  test('a key is the caller’s own: another caller’s same key runs its own request', async () => {
    const xavier = issueToken(home, 'xavier');
    const key = { 'Idempotency-Key': 'shared-key-1', 'content-type': 'application/json' };
    const stop = (token: string) =>
      fetch(`${api.base}/intents/not-there/stop`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, ...key },
        body: JSON.stringify({ reason: 'x' }),
      });
    const mine = await stop(alice);
    const mineAgain = await stop(alice);
    const theirs = await stop(xavier);
    expect([mine.status, mine.headers.get('idempotent-replayed')]).toEqual([404, null]);
    expect([mineAgain.status, mineAgain.headers.get('idempotent-replayed')]).toEqual([404, 'true']);
    expect([theirs.status, theirs.headers.get('idempotent-replayed')]).toEqual([404, null]);
  });
});
