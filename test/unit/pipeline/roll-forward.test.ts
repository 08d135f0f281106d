import { exitCodeFor, exitCodes } from '../../../cli/exit-codes.js';
import { learn, outcomeOf, releaseVerdict } from '../../../lambdas/core/pipeline/learn.js';
import { observe } from '../../../lambdas/core/pipeline/observe.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { intentStatus } from '../../../lambdas/core/pipeline/status.js';
import { concludedIntents, doraFigures, valueReport } from '../../../lambdas/core/value-report.js';
import {
  errorRateFault,
  type Harness,
  intentAt,
  launchFlagsBusinessHours,
  pipelineHarness,
  runRelease,
  runToVerify,
} from './helpers/pipeline-harness.js';

/** An irreversible launch-flags change that asks to roll forward on a regression, and regresses at 20 %. */
async function rolledForward(h: Harness): Promise<PipelineState> {
  const intent = intentAt(h, (d) => {
    d.constraints = { reversibility: 'irreversible', onRegression: 'roll-forward', checks: [] };
    Object.assign(d, { simulation: errorRateFault(20) });
  });
  let state = await runToVerify(h, intent);
  state = await runRelease(h, state);
  state = { ...state, observation: await observe(state, h.deps) };
  return { ...state, learning: await learn(state, h.deps) };
}

describe('onRegression roll-forward: not reverted, and not released either', () => {
  test('a stepped release that rolls forward from a regression concludes rolled-forward, with no time to value', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    // Act
    const state = await rolledForward(h);
    // Assess
    expect(state.release!.escalation).toMatchObject({ response: 'roll-forward', cause: 'regression' });
    expect(state.release!.exposure!.percentage).toBeLessThan(100);
    expect(outcomeOf(state)).toBe('rolled-forward');
    expect(releaseVerdict(state)).toBe('regressed');
    expect(state.learning).toMatchObject({ outcome: 'rolled-forward', timeToValueSeconds: null });
    const status = intentStatus(
      state.declared!.intentId,
      await h.ledger.forIntent('test', state.declared!.intentId),
    )!;
    expect(status.status).toBe('rolled-forward');
    expect(exitCodeFor(status)).toBe(exitCodes.notReleased);
    expect(status.reasons.join('\n')).toMatch(/submit the fix-forward change/);
  });

  test('the value report counts it as a failed change that reached users, not as value or a deployment', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    const state = await rolledForward(h);
    // Act
    const concluded = concludedIntents(await h.ledger.forIntent('test', state.declared!.intentId));
    const [group] = valueReport(concluded, []);
    const dora = doraFigures(concluded);
    // Assess
    expect(concluded).toEqual([expect.objectContaining({ outcome: 'rolled-forward' })]);
    expect(group).toMatchObject({ intents: 1, released: 0, valuePerHourUsd: 0 });
    expect(dora.changeFailureRate).toBe(1);
    expect(dora.deploymentsPerDay).toBeNull();
    expect(dora.leadTimeSeconds).toBeNull();
  });
});
