import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { IntentStoppedError, NotInControlError } from '../../../lambdas/core/errors.js';
import { applyReleaseDecision } from '../../../lambdas/core/pipeline/apply-release-decision.js';
import { endedUnreleased } from '../../../lambdas/core/pipeline/attempts.js';
import { learn, outcomeOf, releaseVerdict } from '../../../lambdas/core/pipeline/learn.js';
import { observe } from '../../../lambdas/core/pipeline/observe.js';
import { holdForStop, requestReleaseDecision } from '../../../lambdas/core/pipeline/release-decision.js';
import { NotRetryableError, planRetry } from '../../../lambdas/core/pipeline/retry-intent.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { intentStatus } from '../../../lambdas/core/pipeline/status.js';
import {
  honourStop,
  IntentNotInFlightError,
  requestStop,
  stoppedAtStage,
} from '../../../lambdas/core/pipeline/stop-intent.js';
import { stateKeys } from '../../../lambdas/core/state-keys.js';
import {
  type Harness,
  intentAt,
  launchFlagsBusinessHours,
  ledgerTypes,
  pipelineHarness,
  runRelease,
  runToVerify,
} from './helpers/pipeline-harness.js';

const stopAs = (h: Harness, intentId: string, who = 'alice', reason = 'wrong audience') =>
  requestStop({ intentId, reason, caller: namedLocally(who, 'test') }, h.deps);

/** Observe and Learn after a release, as the state machine runs them. */
async function conclude(h: Harness, state: PipelineState): Promise<PipelineState> {
  const observed = { ...state, observation: await observe(state, h.deps) };
  return { ...observed, learning: await learn(observed, h.deps) };
}

describe('a stop request, honoured by the stages', () => {
  test('before any release: the stage throws IntentStoppedError naming itself; Learn concludes stopped', async () => {
    // Prepare: alice's change is verified, then she stops it.
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const intentId = verified.declared!.intentId;
    const { request, status, repeated } = await stopAs(h, intentId);
    // Act
    const thrown = await honourStop(intentId, 'StartRelease', h.deps).catch((error: unknown) => error);
    const caught = {
      ...verified,
      stopped: { Error: (thrown as Error).name, Cause: (thrown as Error).message },
    };
    const learned = await learn(caught, h.deps);
    // Assess
    expect(status.status).not.toBe('stopped');
    expect(repeated).toBe(false);
    expect(thrown).toBeInstanceOf(IntentStoppedError);
    expect(stoppedAtStage((thrown as Error).message)).toBe('StartRelease');
    expect(learned.outcome).toBe('stopped');
    const entries = await h.ledger.forIntent('test', intentId);
    const stopped = entries.find((s) => s.entry.type === 'intent.stopped')!.entry.payload;
    expect(stopped).toMatchObject({
      by: 'alice',
      reason: request.reason,
      action: 'withdrawn',
      stage: 'StartRelease',
      authenticatedAs: { method: 'local' },
    });
    expect((await ledgerTypes(h, intentId)).slice(-2)).toEqual(['intent.stopped', 'intent.concluded']);
    const place = stateKeys.inFlightIntent(intentId);
    expect(await h.store.get(place.pk, place.sk)).toBeUndefined();
  });

  test('a reversible release is stopped and rolled back by CheckRelease, and concludes stopped', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const intentId = verified.declared!.intentId;
    let polls = 0;
    // Act: the stop arrives at the second poll, mid-rollout.
    const released = await runRelease(h, verified, async () => {
      if (++polls === 2) await stopAs(h, intentId);
    });
    const concluded = await conclude(h, released);
    // Assess
    expect(released.release).toMatchObject({ state: 'ROLLED_BACK', stoppedBy: 'alice' });
    expect(released.release!.stopReason).toBe('stopped by alice: wrong audience');
    expect(outcomeOf(concluded)).toBe('stopped');
    expect(releaseVerdict(concluded)).toBe('not-judged');
    const types = await ledgerTypes(h, intentId);
    expect(types).toEqual(expect.arrayContaining(['release.stopped', 'intent.stopped', 'intent.concluded']));
    const entries = await h.ledger.forIntent('test', intentId);
    expect(entries.find((s) => s.entry.type === 'intent.stopped')!.entry.payload).toMatchObject({
      action: 'rolled-back',
      stage: 'CheckRelease',
    });
  });

  test('a release that must not be reverted is held, not rolled back, and its wait is answered hold', async () => {
    // Prepare: an irreversible stepped release, stopped at its second poll.
    const h = pipelineHarness(launchFlagsBusinessHours);
    const intent = intentAt(h, (d) =>
      Object.assign(d, {
        constraints: { reversibility: 'irreversible', onRegression: 'freeze', checks: [] },
      }),
    );
    const verified = await runToVerify(h, intent);
    const intentId = verified.declared!.intentId;
    let polls = 0;
    // Act
    const held = await runRelease(h, verified, async () => {
      if (++polls === 2) await stopAs(h, intentId, 'alice', 'customer escalation');
    });
    await requestReleaseDecision(intentId, 'token-1', held, h.deps);
    const decided = await holdForStop(intentId, h.deps);
    const applied = {
      ...held,
      release: await applyReleaseDecision({ ...held, releaseDecision: { decided } }, h.deps),
    };
    const concluded = await conclude(h, applied);
    // Assess
    expect(held.release).toMatchObject({
      action: 'await-decision',
      escalation: { response: 'freeze', cause: 'stop' },
    });
    expect(decided).toMatchObject({ decision: 'hold', decider: 'alice', stop: true });
    expect(outcomeOf(concluded)).toBe('stopped');
    const types = await ledgerTypes(h, intentId);
    expect(types).not.toContain('release.stopped');
    expect(types).toEqual(expect.arrayContaining(['release.frozen', 'release.decided', 'intent.stopped']));
    const entries = await h.ledger.forIntent('test', intentId);
    expect(entries.find((s) => s.entry.type === 'intent.stopped')!.entry.payload).toMatchObject({
      action: 'held',
    });
  });

  test('a stopped release held where it stood is not retried nor run again by a resubmission', async () => {
    // Prepare: as above, an irreversible release held by a stop, concluded.
    const h = pipelineHarness(launchFlagsBusinessHours);
    const intent = intentAt(h, (d) =>
      Object.assign(d, {
        constraints: { reversibility: 'irreversible', onRegression: 'freeze', checks: [] },
      }),
    );
    const verified = await runToVerify(h, intent);
    const intentId = verified.declared!.intentId;
    let polls = 0;
    const held = await runRelease(h, verified, async () => {
      if (++polls === 2) await stopAs(h, intentId, 'alice', 'customer escalation');
    });
    await requestReleaseDecision(intentId, 'token-1', held, h.deps);
    const decided = await holdForStop(intentId, h.deps);
    await conclude(h, {
      ...held,
      release: await applyReleaseDecision({ ...held, releaseDecision: { decided } }, h.deps),
    });
    const entries = await h.ledger.forIntent('test', intentId);
    const percentage = intentStatus(intentId, entries)!.rolloutPercentage;

    // Act
    const retry = await planRetry(intentId, namedLocally('alice', 'test'), h.deps).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(retry).toBeInstanceOf(NotRetryableError);
    expect((retry as Error).message).toBe(
      `intent ${intentId} was stopped by alice, and its release, which must not be reverted, is held at ${percentage}% of users: a retry would take it to everyone with no owner deciding; moving its configuration on, forward or back, is a new change to submit`,
    );
    expect(endedUnreleased(entries)).toBe(false);
  });
});

describe('who may stop, and when', () => {
  test('neither the requester nor an owner is refused, naming who may', async () => {
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const refused = await stopAs(h, verified.declared!.intentId, 'judy').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NotInControlError);
    expect((refused as Error).message).toMatch(
      /judy may not stop .*: only its requester alice or an owner of launch-flags/,
    );
  });

  test('a second stop answers the first; a concluded intent is not in flight', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const intentId = verified.declared!.intentId;
    const first = await stopAs(h, intentId);
    // Act
    const second = await stopAs(h, intentId, 'alice', 'another reason');
    await learn(
      { ...verified, stopped: { Error: 'IntentStoppedError', Cause: 'stopped at Verify by alice: x' } },
      h.deps,
    );
    const late = await stopAs(h, intentId).catch((error: unknown) => error);
    // Assess
    expect(second).toMatchObject({
      repeated: true,
      request: { reason: first.request.reason },
      unrecorded: { by: 'alice', reason: 'another reason' },
    });
    expect(second.note).toBe(
      `intent ${intentId} was already stopped by alice at ${first.request.requestedAt} (${first.request.reason}): this stop's reason was not recorded`,
    );
    expect(first).not.toHaveProperty('unrecorded');
    expect(late).toBeInstanceOf(IntentNotInFlightError);
    expect(late).toMatchObject({ status: 'stopped' });
  });
});

describe('a retry while the next attempt is starting', () => {
  test('is told the attempt is starting (409), not that the intent is unknown (404)', async () => {
    // Prepare: alice's change was stopped, and a retry or submission at once claimed attempt 2, whose
    // declaration is not yet on the ledger.
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const intentId = verified.declared!.intentId;
    await stopAs(h, intentId);
    const key = stateKeys.attempt(intentId);
    await h.deps.state.put(key.pk, key.sk, { number: 2, runId: `${intentId}:attempt-2` }, 0);

    // Act
    const retry = await planRetry(intentId, namedLocally('alice', 'test'), h.deps).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(retry).toBeInstanceOf(NotRetryableError);
    expect((retry as NotRetryableError).status).toBe('starting');
    expect((retry as Error).message).toBe(
      `intent ${intentId}'s next attempt, ${intentId}:attempt-2, is starting: it is in flight; stop it first (POST /intents/${intentId}:attempt-2/stop) to run it again`,
    );
  });
});
