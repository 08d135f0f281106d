import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { NotAServiceOwnerError } from '../../../lambdas/core/errors.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { applyReleaseDecision } from '../../../lambdas/core/pipeline/apply-release-decision.js';
import { checkRelease } from '../../../lambdas/core/pipeline/check-release.js';
import { learn, outcomeOf, releaseVerdict } from '../../../lambdas/core/pipeline/learn.js';
import { observe } from '../../../lambdas/core/pipeline/observe.js';
import { releasedContent } from '../../../lambdas/core/pipeline/release-configuration.js';
import {
  NotAwaitingDecisionError,
  pendingReleaseDecision,
  recordReleaseDecision,
  releaseDecisionTimeoutSeconds,
  requestReleaseDecision,
} from '../../../lambdas/core/pipeline/release-decision.js';
import { NotRetryableError, planRetry } from '../../../lambdas/core/pipeline/retry-intent.js';
import { rollbackTarget } from '../../../lambdas/core/pipeline/rollback-target.js';
import { startRelease } from '../../../lambdas/core/pipeline/start-release.js';
import type { PipelineState, ReleaseDecisionKind } from '../../../lambdas/core/pipeline/state.js';
import { makeIntent, submittedBy } from '../core/fixtures.js';
import {
  errorRateFault,
  type Harness,
  intentAt,
  launchFlagsBusinessHours,
  ledgerTypes,
  pipelineHarness,
  runToVerify,
} from './helpers/pipeline-harness.js';

const irreversible = { reversibility: 'irreversible' as const, onRegression: 'freeze' as const, checks: [] };

/** Polls a release (as WaitForRelease → CheckRelease does) until it is done or waits for a decision. */
async function pollUntilSettled(h: Harness, state: PipelineState): Promise<PipelineState> {
  let current = state;
  for (let poll = 0; poll < 500; poll++) {
    const release = current.release!;
    if (release.done || release.action === 'await-decision') return current;
    h.clock.advance(release.pollSeconds * 1000);
    current = { ...current, release: await checkRelease(current, h.deps) };
  }
  throw new Error('release did not settle in 500 polls');
}

/** An irreversible launch-flags change whose fault shows from 20 % exposure, run until it is held. */
async function heldRelease(h: Harness): Promise<{ state: PipelineState; intentId: string }> {
  const intent = intentAt(h, (d) =>
    Object.assign(d, { constraints: irreversible, simulation: errorRateFault(20) }),
  );
  const verified = await runToVerify(h, intent);
  const started = { ...verified, release: await startRelease(verified, h.deps) };
  const state = await pollUntilSettled(h, started);
  return { state, intentId: verified.declared!.intentId };
}

/** AwaitReleaseDecision's task: records the request and keeps the token. */
async function awaitDecision(h: Harness, held: { state: PipelineState; intentId: string }) {
  return requestReleaseDecision(held.intentId, 'token-1', held.state, h.deps);
}

const decide = (h: Harness, intentId: string, decision: ReleaseDecisionKind, as = 'alice') =>
  recordReleaseDecision(
    {
      intentId,
      decision,
      reason: `${decision} after looking at the errors`,
      decider: namedLocally(as, 'test'),
    },
    h.deps,
  );

/** ApplyReleaseDecision, then the polls and the end of the pipeline (Observe, Learn). */
async function conclude(h: Harness, state: PipelineState): Promise<PipelineState> {
  let current: PipelineState = { ...state, release: await applyReleaseDecision(state, h.deps) };
  current = await pollUntilSettled(h, current);
  current = { ...current, observation: await observe(current, h.deps) };
  return { ...current, learning: await learn(current, h.deps) };
}

describe('a held release waits for its owners to decide', () => {
  test('a held step that has completed asks for a decision instead of concluding', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);

    // Act
    const held = await heldRelease(h);
    const decided = await awaitDecision(h, held);

    // Assess
    expect(held.state.release).toMatchObject({ state: 'COMPLETE', done: false, action: 'await-decision' });
    expect(decided).toBeUndefined();
    const asked = (await h.ledger.forIntent('test', held.intentId)).find(
      (s) => s.entry.type === 'release.decision-requested',
    )!.entry.payload;
    const { percentage, cause } = held.state.release!.escalation!;
    expect(asked).toMatchObject({ deciders: ['alice'], team: 'growth', percentage, cause });
    expect(Date.parse((asked as { expiresAt: string }).expiresAt) - h.clock.now().getTime()).toBe(
      releaseDecisionTimeoutSeconds * 1000,
    );
  });

  test('only an owner of the service may decide; anyone else is refused and nothing is written', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    const held = await heldRelease(h);
    await awaitDecision(h, held);

    // Act
    const refused = decide(h, held.intentId, 'roll-forward', 'judy');

    // Assess
    await expect(refused).rejects.toThrow(NotAServiceOwnerError);
    await expect(refused).rejects.toThrow(/judy is not an owner of launch-flags: alice may decide/);
    expect(await ledgerTypes(h, held.intentId)).not.toContain('release.decided');
  });

  test('the same decision again is a retry; a different one is refused once a decision stands', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    const held = await heldRelease(h);
    await awaitDecision(h, held);
    const first = await decide(h, held.intentId, 'hold');

    // Act
    const retried = await decide(h, held.intentId, 'hold');
    const other = decide(h, held.intentId, 'roll-back');

    // Assess
    expect(first.retried).toBe(false);
    expect(retried).toMatchObject({ retried: true, decided: first.decided });
    await expect(other).rejects.toThrow(NotAwaitingDecisionError);
    const decidedEntries = (await ledgerTypes(h, held.intentId)).filter((t) => t === 'release.decided');
    expect(decidedEntries).toHaveLength(1);
  });

  test('hold: the exposure stays where it was and the release concludes held, with no further step', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    const held = await heldRelease(h);
    await awaitDecision(h, held);
    await decide(h, held.intentId, 'hold');

    // Act
    const concluded = await conclude(h, held.state);

    // Assess
    expect(concluded.release).toMatchObject({
      deploymentId: held.state.release!.deploymentId,
      exposure: held.state.release!.exposure,
      decision: { decision: 'hold', decider: 'alice', timedOut: false },
    });
    expect(outcomeOf(concluded)).toBe('held');
    const types = await ledgerTypes(h, held.intentId);
    expect(types.filter((t) => t === 'release.step-started')).toHaveLength(
      held.state.release!.exposure!.index,
    );
    expect(types.slice(-2)).toEqual(['observation.recorded', 'intent.concluded']);
    // Applied: a second decision finds nothing to decide.
    expect(await pendingReleaseDecision(held.intentId, h.deps)).toBeUndefined();
    await expect(decide(h, held.intentId, 'roll-forward')).rejects.toThrow(NotAwaitingDecisionError);
  });

  test('roll-forward: the steps go on to 100 %, the accepted monitor holds them no more, and the change regressed', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    const held = await heldRelease(h);
    await awaitDecision(h, held);
    await decide(h, held.intentId, 'roll-forward');

    // Act
    const concluded = await conclude(h, held.state);

    // Assess
    const { steps } = held.state.release!.exposure!;
    expect(concluded.release).toMatchObject({ state: 'COMPLETE', exposure: { percentage: 100 } });
    expect(concluded.release!.escalation).toBeUndefined();
    expect(outcomeOf(concluded)).toBe('released');
    expect(releaseVerdict(concluded)).toBe('regressed');
    const stepsStarted = (await ledgerTypes(h, held.intentId)).filter(
      (t) => t === 'release.started' || t === 'release.step-started',
    );
    expect(stepsStarted).toHaveLength(steps.length);
    expect(await releasedContent('launch-flags', 'flags', h.deps)).toEqual({
      'dark-mode': { enabled: true },
    });
  });

  test('roll-back: the configuration before the change goes to everyone in a new deployment, and nothing is kept as released', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    const held = await heldRelease(h);
    await awaitDecision(h, held);
    await decide(h, held.intentId, 'roll-back');

    // Act
    const concluded = await conclude(h, held.state);

    // Assess
    expect(outcomeOf(concluded)).toBe('rolled-back');
    expect(concluded.release!.deploymentId).not.toBe(held.state.release!.deploymentId);
    const redeployed = (await h.ledger.forIntent('test', held.intentId)).find(
      (s) => s.entry.type === 'release.previous-redeployed',
    )!.entry.payload;
    // itv released nothing to the profile before: the change's flags go back to off.
    expect(redeployed).toMatchObject({
      heldDeploymentId: held.state.release!.deploymentId,
      previous: 'flags-disabled',
    });
    expect(concluded.release).toMatchObject({ state: 'COMPLETE', decision: { decision: 'roll-back' } });
    expect(await releasedContent('launch-flags', 'flags', h.deps)).toBeUndefined();
  });

  test('after a roll-back, the observation covers the whole release from its first step, regression included', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    const held = await heldRelease(h);
    await awaitDecision(h, held);
    await decide(h, held.intentId, 'roll-back');

    // Act
    const concluded = await conclude(h, held.state);

    // Assess: from the first deployment's start, not the roll-back's, so the fault that held it is in it.
    const entries = (await h.ledger.forIntent('test', held.intentId)).map((s) => s.entry);
    const started = entries.find((e) => e.type === 'release.started')!.payload as { startedAt: string };
    const observed = entries.find((e) => e.type === 'observation.recorded')!.payload as {
      snapshot: { windowStart: string };
      slosMet: boolean;
    };
    expect(observed.snapshot.windowStart).toBe(started.startedAt);
    expect(observed.slosMet).toBe(false);
    expect(concluded.observation?.slosMet).toBe(false);
  });

  test('nobody decides before the wait expires: the release stays held and concludes held', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    const held = await heldRelease(h);
    await awaitDecision(h, held);
    h.clock.advance(releaseDecisionTimeoutSeconds * 1000);

    // Act
    const late = decide(h, held.intentId, 'roll-forward');
    const concluded = await conclude(h, { ...held.state, releaseDecisionError: { Error: 'States.Timeout' } });

    // Assess
    await expect(late).rejects.toThrow(/was due by/);
    expect(concluded.release).toMatchObject({
      deploymentId: held.state.release!.deploymentId,
      decision: { decision: 'hold', decider: null, timedOut: true },
    });
    expect(outcomeOf(concluded)).toBe('held');
    const types = await ledgerTypes(h, held.intentId);
    expect(types).toContain('release.decision-timed-out');
    expect(types).not.toContain('release.decided');
  });

  test('once it has concluded held, a retry is refused: moving its configuration on is a new change, not a decision', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    const held = await heldRelease(h);
    await awaitDecision(h, held);
    await decide(h, held.intentId, 'hold');
    await conclude(h, held.state);

    // Act
    const retry = planRetry(held.intentId, submittedBy(held.state.intent as IntentInput), h.deps);

    // Assess
    await expect(retry).rejects.toThrow(NotRetryableError);
    const refusal = await retry.catch((error: Error) => error.message);
    expect(refusal).toBe(
      `intent ${held.intentId} ended held: its release stays where it was held; moving its configuration on, forward or back, is a new change to submit`,
    );
    expect(refusal).not.toMatch(/decide/);
  });

  test('a decision recorded just before the wait timed out is still carried out', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    const held = await heldRelease(h);
    await awaitDecision(h, held);
    await decide(h, held.intentId, 'hold');

    // Act
    const concluded = await conclude(h, { ...held.state, releaseDecisionError: { Error: 'States.Timeout' } });

    // Assess
    expect(concluded.release!.decision).toMatchObject({
      decision: 'hold',
      decider: 'alice',
      timedOut: false,
    });
    expect(await ledgerTypes(h, held.intentId)).not.toContain('release.decision-timed-out');
  });
});

describe('what a roll-back deploys', () => {
  test('a freeform profile itv never released to has nothing to roll back to', async () => {
    // Prepare
    const h = pipelineHarness();
    const intent = makeIntent((d) => {
      d.change.service = 'access-review';
      d.change.profile = 'campaign';
    });

    // Act
    const target = await rollbackTarget(intent, h.deps);

    // Assess
    expect(target).toBeUndefined();
  });

  test('a feature-flag profile goes back to what itv last released, the change’s other flags off', async () => {
    // Prepare
    const h = pipelineHarness();
    await h.store.put('RELEASED#launch-flags', 'flags', { content: { 'new-checkout': { enabled: true } } });
    const intent = makeIntent();

    // Act
    const target = await rollbackTarget(intent, h.deps);

    // Assess
    expect(target).toEqual({
      previous: 'released',
      content: { 'dark-mode': { enabled: false }, 'new-checkout': { enabled: true } },
    });
  });
});
