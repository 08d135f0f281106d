import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { rawIntent } from '../../unit/core/fixtures.js';

/** A Wednesday afternoon outside every freeze. */
const NOW = new Date('2026-11-04T15:00:00Z');

/**
 * Who may stop and retry, over the local API: the catalog's release steward (heidi) stops bob's change, which bob
 * alone may then not retry (403 naming who stopped it and who may); the steward may.
 */
describe('a release steward stops a change, and who may retry it after', () => {
  let home: string;
  let api: LocalApiServer;
  let scheduler: DiscreteEventScheduler;
  // The test holds the virtual clock while it acts: otherwise, with nothing else at work, it moves straight to the
  // change's due instant and the change may release before the stop arrives.
  let leave: () => void = () => {};
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-stop-authority-'));
    for (const who of ['bob', 'heidi']) tokens[who] = issueToken(home, who);
    api = await startLocalApi(home, bearerCaller(home), NOW, (stack) => {
      scheduler = new DiscreteEventScheduler(stack.clock);
      return scheduler;
    });
    leave = scheduler.join();
  });
  afterAll(async () => {
    leave();
    await api.close();
    rmSync(home, { recursive: true, force: true });
  });

  const post = async (path: string, who: string, body?: unknown) => {
    const response = await fetch(`${api.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const entries = (id: string) => api.stack.deps.ledger.forIntent('main', id);
  const types = async (id: string) => (await entries(id)).map((stored) => stored.entry.type);
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 600 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  test('stopped by the steward: the requester is refused a retry, the steward is not', async () => {
    // Prepare: bob's change to launch-flags, scheduled for tomorrow, parks until it is due.
    const intent = rawIntent();
    intent.authority = { requester: 'bob', team: 'growth', role: 'engineer' };
    intent.timestamp = NOW.toISOString();
    intent.constraints = { ...intent.constraints, notBefore: '2026-11-05T15:00:00Z' };
    expect((await post('/intents', 'bob', { ...intent, id: 'steward-stop' })).status).toBe(202);
    await until(
      async () =>
        (await types('steward-stop')).includes('admission.scheduled') && scheduler.load.sleeping === 1,
    );

    // Act
    const stopped = await post('/intents/steward-stop/stop', 'heidi', { reason: 'incident on launch-flags' });
    await until(async () => (await types('steward-stop')).at(-1) === 'checkpoint.signed');
    const byRequester = await post('/intents/steward-stop/retry', 'bob');
    // Submitting it again would run it again too: one rule, and nothing written when it refuses.
    const resubmitted = await post('/intents', 'bob', { ...intent, id: 'steward-stop' });
    const attemptAfterResubmission = await api.stack.deps.state.get(
      stateKeys.attempt('steward-stop').pk,
      stateKeys.attempt('steward-stop').sk,
    );
    const attempt2AfterResubmission = await entries('steward-stop:attempt-2');
    const bySteward = await post('/intents/steward-stop/retry', 'heidi');

    // Assess: the stop names its authority, on the answer and the ledger.
    expect(stopped.status).toBe(202);
    expect(stopped.body).toMatchObject({ stop: { by: 'heidi', as: 'release-steward' } });
    const recorded = (await entries('steward-stop')).find((s) => s.entry.type === 'intent.stopped');
    expect(recorded?.entry.payload).toMatchObject({
      by: 'heidi',
      as: 'release-steward',
      action: 'withdrawn',
    });
    expect(byRequester.status).toBe(403);
    expect(byRequester.body).toMatchObject({ error: 'NotInControlError' });
    expect(String(byRequester.body.detail)).toBe(
      'bob may not retry intent steward-stop: it was stopped by heidi (a release steward); only an owner of launch-flags (alice) or a release steward (heidi) may retry it',
    );
    expect(resubmitted.status).toBe(403);
    expect(String(resubmitted.body.detail)).toBe(
      'bob may not retry intent steward-stop: it was stopped by heidi (a release steward); only an owner of launch-flags (alice) or a release steward (heidi) may retry it; submitting it again would run it again as a retry does, so it is refused too',
    );
    expect(attemptAfterResubmission).toBeUndefined();
    expect(attempt2AfterResubmission).toEqual([]);
    expect(bySteward.status).toBe(202);
    expect(bySteward.body).toMatchObject({ intentId: 'steward-stop:attempt-2', retriedBy: 'heidi' });
  });
});
