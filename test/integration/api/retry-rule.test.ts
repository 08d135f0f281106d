import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { endedUnreleased } from '../../../lambdas/core/pipeline/attempts.js';
import { retryableOutcomes } from '../../../lambdas/core/pipeline/retry-intent.js';
import { outcomes } from '../../../lambdas/core/pipeline/state.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';

const policyReject = readFileSync(
  new URL('../../../examples/03-policy-reject.json', import.meta.url),
  'utf8',
);

/** A Wednesday afternoon outside every freeze. */
const NOW = new Date('2026-11-04T15:00:00Z');

/**
 * One rule for running an intent id again: `itv retry` (POST /intents/{id}/retry) and submitting the same intent
 * again start its next attempt after the same outcomes, and both refuse after the same others.
 */
describe('running an intent again: one rule for retrying and resubmitting', () => {
  test('every outcome after which a resubmission starts a new attempt is one a retry accepts, and no other', () => {
    const concluded = (outcome: string): StoredEntry[] => [
      { entry: { type: 'intent.concluded', payload: { outcome } } } as unknown as StoredEntry,
    ];
    const resubmittable = outcomes.filter((outcome) => endedUnreleased(concluded(outcome)));
    expect([...retryableOutcomes].sort()).toEqual([...resubmittable].sort());
    // Never after a release, a reviewer's rejection, or a frozen or held release.
    for (const outcome of ['released', 'rejected-review', 'frozen', 'held'])
      expect(retryableOutcomes).not.toContain(outcome);
  });

  describe('after a policy rejection, locally', () => {
    let home: string;
    let api: LocalApiServer;
    let token: string;
    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), 'itv-retry-rule-'));
      token = issueToken(home, 'rachel');
      api = await startLocalApi(home, bearerCaller(home), NOW);
    });
    afterAll(async () => {
      await api.close();
      rmSync(home, { recursive: true, force: true });
    });

    const post = async (path: string, body?: string) => {
      const response = await fetch(`${api.base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const types = async (id: string) =>
      (await api.stack.deps.ledger.forIntent('main', id)).map((stored) => stored.entry.type);
    const sealed = async (id: string) => {
      for (let i = 0; i < 600 && (await types(id)).at(-1) !== 'checkpoint.signed'; i++)
        await new Promise((r) => setTimeout(r, 50));
    };
    const outcomeOf = async (id: string) =>
      (await api.stack.deps.ledger.forIntent('main', id)).find(
        (stored) => stored.entry.type === 'intent.concluded',
      )?.entry.payload.outcome;

    test('a retry runs it again as its next attempt, as submitting it again does', async () => {
      // Prepare: rachel's change is rejected by policy.
      const first = await post('/intents', policyReject);
      expect(first.status).toBe(202);
      const id = String(first.body.intentId);
      await sealed(id);
      expect(await outcomeOf(id)).toBe('rejected-policy');

      // Act: she retries it (the rules may have changed since); then submits it again.
      const retried = await post(`/intents/${encodeURIComponent(id)}/retry`);
      expect(retried.status).toBe(202);
      await sealed(`${id}:attempt-2`);
      const again = await post('/intents', policyReject);
      await sealed(`${id}:attempt-3`);

      // Assess: each is the next attempt, linked to the one before, and meets the same rule again.
      expect(retried.body).toMatchObject({ intentId: `${id}:attempt-2`, previousIntentId: id });
      expect(again.status).toBe(202);
      expect(again.body).toMatchObject({ intentId: `${id}:attempt-3` });
      expect(await outcomeOf(`${id}:attempt-2`)).toBe('rejected-policy');
      expect(await outcomeOf(`${id}:attempt-3`)).toBe('rejected-policy');
    });
  });
});
