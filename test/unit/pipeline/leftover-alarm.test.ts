import { learn, outcomeOf, releaseVerdict } from '../../../lambdas/core/pipeline/learn.js';
import { observe } from '../../../lambdas/core/pipeline/observe.js';
import { startRelease } from '../../../lambdas/core/pipeline/start-release.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { alarmPredatesDeployment } from '../../../lambdas/core/release/alarms.js';
import { MonitorsInAlarmError } from '../../../lambdas/core/release/errors.js';
import {
  errorRateFault,
  type Harness,
  intentAt,
  launchFlagsBusinessHours,
  pipelineHarness,
  runIntent,
  runRelease,
  runToVerify,
} from './helpers/pipeline-harness.js';

const errorAlarm = 'itv-launch-flags-error-rate';

/** A faulty change to launch-flags, rolled back by its error-rate alarm; the clock stands at its rollback. */
async function rolledBackRegression(h: Harness): Promise<PipelineState> {
  const regressed = await runIntent(
    h,
    intentAt(h, (d) => Object.assign(d, { simulation: errorRateFault(25) })),
  );
  expect(regressed.release).toMatchObject({ state: 'ROLLED_BACK', alarm: errorAlarm });
  return regressed;
}

/** A clean change to the same lane, a different payload, verified and ready to start. */
function cleanIntent(h: Harness) {
  return intentAt(h, (d) => {
    d.title = 'A clean change after the regression';
    d.change.payload = { 'new-checkout': { enabled: true, rolloutPercent: 10 } };
  });
}

/** StartRelease as the state machine retries it on MonitorsInAlarmError: a minute apart on the clock. */
async function startWhenMonitorsOk(h: Harness, state: PipelineState, attempts = 10): Promise<PipelineState> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runRelease(h, state);
    } catch (error) {
      if (!(error instanceof MonitorsInAlarmError) || attempt >= attempts) throw error;
      h.clock.advance(60_000);
    }
  }
}

describe('an alarm left over from a rolled-back release', () => {
  test('StartRelease does not start the next change while a monitor of its lane is still in ALARM', async () => {
    // Prepare
    const h = pipelineHarness();
    await rolledBackRegression(h);
    const verified = await runToVerify(h, cleanIntent(h));
    // Act
    const started = startRelease(verified, h.deps);
    // Assess
    await expect(started).rejects.toThrow(MonitorsInAlarmError);
    await expect(started).rejects.toThrow(/itv-launch-flags-error-rate in ALARM from before this release/);
    const types = (await h.ledger.forIntent('test', verified.declared!.intentId)).map((s) => s.entry.type);
    expect(types).not.toContain('release.started');
  });

  test('once the alarm is OK again the next change releases cleanly and is judged on its own', async () => {
    // Prepare
    const h = pipelineHarness();
    const regressed = await rolledBackRegression(h);
    const rolledBackAt = Date.parse(regressed.release!.completedAt!);
    let state = await runToVerify(h, cleanIntent(h));
    // Act
    state = await startWhenMonitorsOk(h, state);
    state = { ...state, observation: await observe(state, h.deps) };
    state = { ...state, learning: await learn(state, h.deps) };
    // Assess: the alarm's three one-minute datapoints hold the regression for at most three minutes
    expect(Date.parse(state.release!.startedAt) - rolledBackAt).toBeLessThanOrEqual(3 * 60_000);
    expect(state.release).toMatchObject({ state: 'COMPLETE' });
    expect(state.release!.alarm).toBeUndefined();
    expect(outcomeOf(state)).toBe('released');
    expect(releaseVerdict(state)).toBe('clean');
  });

  test('the local CloudWatch puts the alarm back to OK once the rolled-back fault has left its datapoints', async () => {
    // Prepare
    const h = pipelineHarness();
    const regressed = await rolledBackRegression(h);
    const rolledBackAt = new Date(regressed.release!.completedAt!);
    // Act
    const states = await Promise.all(
      [0, 1, 2, 3].map(async (minutes) => {
        const at = new Date(rolledBackAt.getTime() + minutes * 60_000);
        const alarms = await h.cloudwatch.alarmStatesAt('launch-flags', at);
        return alarms.find((alarm) => alarm.name === errorAlarm)?.state;
      }),
    );
    // Assess: 2 of 3 one-minute datapoints; the fault stopped at the rollback
    expect(states[0]).toBe('ALARM');
    expect(states[3]).toBe('OK');
  });
});

describe('the verdict on a release an earlier alarm rolled back or held', () => {
  /** A start that read the monitors OK an instant before the leftover alarm was evaluated: no wait happens. */
  function racingTheAlarm(h: Harness): void {
    h.deps.releaser.monitorStates = async () => [];
  }

  test('rolled back sooner than its alarm could judge it: not-judged, confidence and decision cache untouched', async () => {
    // Prepare
    const h = pipelineHarness();
    const regressed = await rolledBackRegression(h);
    const verified = await runToVerify(h, cleanIntent(h));
    racingTheAlarm(h);
    // Act
    let state = await runRelease(h, verified);
    state = { ...state, observation: await observe(state, h.deps) };
    state = { ...state, learning: await learn(state, h.deps) };
    // Assess
    expect(state.release).toMatchObject({
      state: 'ROLLED_BACK',
      alarm: errorAlarm,
      alarmPredatesRelease: true,
    });
    expect(outcomeOf(state)).toBe('rolled-back');
    expect(releaseVerdict(state)).toBe('not-judged');
    const concluded = (await h.ledger.forIntent('test', verified.declared!.intentId)).find(
      (s) => s.entry.type === 'intent.concluded',
    )!;
    expect(concluded.entry.payload).toMatchObject({ releaseVerdict: 'not-judged', decisionCache: null });
    expect(state.learning!.confidence).toBe(regressed.learning!.confidence);
  });

  test('frozen on an alarm that predates its first step: not-judged', async () => {
    // Prepare
    const h = pipelineHarness(launchFlagsBusinessHours);
    await rolledBackRegression(h);
    const verified = await runToVerify(
      h,
      intentAt(h, (d) => {
        d.title = 'An irreversible clean change after the regression';
        d.constraints = { reversibility: 'irreversible', onRegression: 'rollback', checks: [] };
        d.change.payload = { 'new-checkout': { enabled: true, rolloutPercent: 10 } };
      }),
    );
    racingTheAlarm(h);
    // Act
    const state = await runRelease(h, verified);
    // Assess
    expect(state.release!.escalation).toMatchObject({ response: 'freeze', alarm: errorAlarm });
    expect(state.release!.alarmPredatesRelease).toBe(true);
    expect(releaseVerdict(state)).toBe('not-judged');
  });

  test('an alarm its own datapoints raised still judges the change regressed', async () => {
    // Prepare
    const h = pipelineHarness();
    // Act
    const regressed = await rolledBackRegression(h);
    // Assess
    expect(regressed.release!.alarmPredatesRelease).toBeUndefined();
    expect(releaseVerdict(regressed)).toBe('regressed');
  });
});

describe('alarmPredatesDeployment (2 of 3 one-minute datapoints)', () => {
  const at = (time: string) => new Date(`2026-11-04T${time}Z`);
  test.each([
    ['15:06:00', '15:06:00', true],
    ['15:06:00', '15:07:00', true],
    ['15:06:00', '15:08:00', false],
    ['15:06:30', '15:08:00', false],
    ['15:06:30', '15:07:00', true],
  ])('started %s, out of OK at %s: predates it %s', (started, leftOk, predates) => {
    expect(alarmPredatesDeployment(at(started), at(leftOk))).toBe(predates);
  });
});
