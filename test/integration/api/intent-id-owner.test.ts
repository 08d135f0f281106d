import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { setupMs } from '../../support/time-budget.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/**
 * An intent id belongs to the principal who first submitted under it: before, anybody submitting under it was
 * answered as a duplicate of that change (theirs never ran), or, once it ended unreleased, ran as its next
 * attempt — one attempt history mixing two requesters and two changes.
 */
describe("an intent id is its first requester's", () => {
  let home: string;
  let api: LocalApiServer;
  const tokens: Record<string, string> = {};
  const submit = async (who: string, body: unknown) => {
    const response = await fetch(`${api.base}/intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const runs = async () =>
    new Set(
      (await api.stack.deps.ledger.read(api.stack.deps.ledgerName, 0)).map((stored) => stored.entry.intentId),
    );

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-intent-id-owner-'));
    for (const principal of ['alice', 'bob']) tokens[principal] = issueToken(home, principal);
    api = await startLocalApi(home, bearerCaller(home), new Date('2026-11-04T15:00:00Z'));
  }, setupMs);
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test('another principal under it is refused with 403 naming id, in flight or after it ended unreleased; its owner goes on', async () => {
    // Prepare: bob's onboarding change under the id `squat-1`; it rolls back (an outcome that may be retried).
    const bobs = { ...example('05-slo-regression.json'), id: 'squat-1' };
    const alices = { ...example('01-low-risk-flag.json'), id: 'squat-1' };
    expect((await submit('bob', bobs)).status).toBe(202);
    while (!(await runs()).has('squat-1')) await new Promise((resolve) => setTimeout(resolve, 10));
    const inFlight = await submit('alice', alices);
    await api.executions.idle();
    const before = await runs();

    // Act
    const afterItEnded = await submit('alice', alices);
    await api.executions.idle();
    const after = await runs();
    const bobAgain = await submit('bob', bobs);
    await api.executions.idle();

    // Assess
    for (const refused of [inFlight, afterItEnded]) {
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        field: 'id',
        issues: [
          { path: 'id', message: expect.stringMatching(/^intent id squat-1 is bob's change, not alice's/) },
        ],
      });
    }
    expect(after).toEqual(before);
    expect([...after]).not.toContain('squat-1:attempt-2');
    expect(bobAgain).toMatchObject({
      status: 202,
      body: { intentId: 'squat-1:attempt-2', previousIntentId: 'squat-1' },
    });
  });

  test('the same id with other content is 409 naming id while its change stands; the same content again is its duplicate; after it ended unreleased, other content is its next attempt', async () => {
    // Prepare: alice's flag change under `mine-1` releases.
    const first: Record<string, unknown> = { ...example('01-low-risk-flag.json'), id: 'mine-1' };
    const changed = {
      ...first,
      title: 'go to 100%',
      change: {
        ...(first.change as object),
        payload: { 'new-checkout': { enabled: true, rolloutPercent: 100 } },
      },
    };
    expect((await submit('alice', first)).status).toBe(202);
    await api.executions.idle();

    // Act
    const other = await submit('alice', changed);
    const same = await submit('alice', first);
    const simulated = await submit('alice', {
      ...first,
      simulation: { fault: { metric: 'errorRate', value: 0.5 } },
    });
    await api.executions.idle();

    // Assess
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({
      error: 'IntentIdConflictError',
      issues: [
        {
          path: 'id',
          message: expect.stringMatching(
            /^intent id mine-1 already names another change \(declared at seq \d+, released\): give this change an id of its own$/,
          ),
        },
      ],
    });
    expect(same).toMatchObject({ status: 200, body: { intentId: 'mine-1', duplicate: true } });
    expect(simulated).toMatchObject({ status: 200, body: { duplicate: true } });
    expect([...(await runs())].filter((id) => id.startsWith('mine-1'))).toEqual(['mine-1']);

    // Act: a change that rolled back is resubmitted corrected, under its id: its next attempt.
    const rolling = { ...example('05-slo-regression.json'), id: 'mine-2' };
    expect((await submit('bob', rolling)).status).toBe(202);
    await api.executions.idle();
    const corrected = await submit('bob', { ...rolling, title: 'onboarding, corrected' });
    await api.executions.idle();

    // Assess
    expect(corrected).toMatchObject({ status: 202, body: { intentId: 'mine-2:attempt-2' } });

    // Act: the corrected attempt released without its injected fault; other content again is refused, naming the
    // id as given and the attempt that holds it.
    const fixed = await submit('bob', { ...rolling, title: 'onboarding, fixed', simulation: undefined });
    await api.executions.idle();
    const third = await submit('bob', { ...rolling, title: 'onboarding, once more' });

    // Assess
    expect(fixed).toMatchObject({ status: 202, body: { intentId: 'mine-2:attempt-3' } });
    expect(third.status).toBe(409);
    expect((third.body.issues as Array<{ message: string }>)[0]!.message).toMatch(
      /^intent id mine-2 already names another change \(its attempt 3, mine-2:attempt-3, declared at seq \d+, released\)/,
    );
  });
});
