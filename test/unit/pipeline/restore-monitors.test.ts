import { reconcileMonitors } from '../../../lambdas/core/pipeline/reconcile-monitors.js';
import { recordFailure } from '../../../lambdas/core/pipeline/record-failure.js';
import { restoreMonitors } from '../../../lambdas/core/pipeline/restore-monitors.js';
import { startRelease } from '../../../lambdas/core/pipeline/start-release.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { intentStatus } from '../../../lambdas/core/pipeline/status.js';
import { stopRelease } from '../../../lambdas/core/pipeline/stop-release.js';
import {
  DeploymentNotStoppableError,
  MonitorsStillObservingError,
  StopRefusedError,
} from '../../../lambdas/core/release/errors.js';
import type { DeploymentStatus, Releaser } from '../../../lambdas/ports/releaser.js';
import {
  type Harness,
  intentAt,
  launchFlagsBusinessHours,
  ledgerTypes,
  pipelineHarness,
  runToVerify,
} from './helpers/pipeline-harness.js';

const businessHours = launchFlagsBusinessHours;
const minutes = (n: number) => n * 60_000;

/** An irreversible release of launch-flags, started: its monitors observe only. */
async function observeOnlyStarted(h: Harness): Promise<PipelineState> {
  const intent = intentAt(h, (d) => {
    d.constraints = { reversibility: 'irreversible', onRegression: 'rollback', checks: [] };
  });
  const verified = await runToVerify(h, intent);
  return { ...verified, release: await startRelease(verified, h.deps) };
}

/** The state RecordFailure and RestoreMonitors receive when a stage fails: the Catch puts the error at $.error. */
function caught(state: PipelineState, error = 'TransientError'): PipelineState {
  return { ...state, error: { Error: error, Cause: 'ledger unreachable' } };
}

async function actionsEnabled(h: Harness): Promise<boolean[]> {
  return Promise.all(
    h.cloudwatch.monitorsFor('launch-flags').map((name) => h.cloudwatch.actionsEnabled(name)),
  );
}

describe('RestoreMonitors: the failure path gives a lane its alarm actions back', () => {
  test('while the observe-only deployment still rolls out it refuses, and leaves the actions disabled', async () => {
    // Prepare
    const h = pipelineHarness(businessHours);
    const started = await observeOnlyStarted(h);
    h.clock.advance(minutes(2));
    // Act
    const attempt = restoreMonitors(caught(started), h.deps);
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(MonitorsStillObservingError);
    expect(await actionsEnabled(h)).toEqual([false, false]);
    expect(await ledgerTypes(h, started.declared!.intentId)).not.toContain('release.monitors-restored');
  });

  test('once the deployment has ended it enables them and records it, once', async () => {
    // Prepare: no poll saw the end (the execution failed before), so nothing restored them yet.
    const h = pipelineHarness(businessHours);
    const started = await observeOnlyStarted(h);
    h.clock.advance(minutes(24 * 60));
    // Act
    const restored = await restoreMonitors(caught(started), h.deps);
    const again = await restoreMonitors(caught(started), h.deps);
    // Assess
    expect(restored).toMatchObject({ outcome: 'restored', alarms: h.cloudwatch.monitorsFor('launch-flags') });
    expect(again).toEqual({ outcome: 'enabled', alarms: [] });
    expect(await actionsEnabled(h)).toEqual([true, true]);
    const entries = await h.ledger.forIntent('test', started.declared!.intentId);
    const restorations = entries.filter((s) => s.entry.type === 'release.monitors-restored');
    expect(restorations.map((s) => s.entry.payload)).toEqual([
      {
        service: 'launch-flags',
        environment: started.release!.environment,
        alarms: h.cloudwatch.monitorsFor('launch-flags'),
        deploymentId: started.release!.deploymentId,
        trigger: 'failure-path',
      },
    ]);
  });

  test('finds the deployment from the lane when StartRelease failed before recording it', async () => {
    // Prepare: the state has no $.release (StartRelease threw after the deployment began).
    const h = pipelineHarness(businessHours);
    const started = await observeOnlyStarted(h);
    const { release: _release, ...withoutRelease } = started;
    // Act
    await expect(restoreMonitors(caught(withoutRelease), h.deps)).rejects.toBeInstanceOf(
      MonitorsStillObservingError,
    );
    h.clock.advance(minutes(24 * 60));
    const after = await restoreMonitors(caught(withoutRelease), h.deps);
    // Assess
    expect(after.outcome).toBe('restored');
    expect(await actionsEnabled(h)).toEqual([true, true]);
  });

  test('a release that rolls back on alarm, or an intent never admitted, has nothing to restore', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const started = { ...verified, release: await startRelease(verified, h.deps) };
    const { admission: _admission, ...notAdmitted } = verified;
    // Act
    const reversible = await restoreMonitors(caught(started), h.deps);
    const never = await restoreMonitors(caught(notAdmitted), h.deps);
    // Assess
    expect([reversible, never]).toEqual([
      { outcome: 'none', alarms: [] },
      { outcome: 'none', alarms: [] },
    ]);
    expect(await ledgerTypes(h, verified.declared!.intentId)).not.toContain('release.monitors-restored');
  });
});

describe('reconcileMonitors: lanes no state will restore', () => {
  test('restores a lane whose observe-only deployment ended after its execution was stopped, and only that', async () => {
    // Prepare: the execution was aborted mid-rollout; nothing polls the deployment any more.
    const h = pipelineHarness(businessHours);
    const started = await observeOnlyStarted(h);
    h.clock.advance(minutes(2));
    // Act
    const during = await reconcileMonitors(h.deps, 'execution-ended');
    const disabledDuring = await actionsEnabled(h);
    h.clock.advance(minutes(24 * 60));
    const after = await reconcileMonitors(h.deps, 'schedule');
    // Assess
    const lane = (results: typeof during) => results.find((r) => r.service === 'launch-flags');
    expect(lane(during)?.outcome).toBe('observing');
    expect(disabledDuring).toEqual([false, false]);
    expect(lane(after)).toMatchObject({ outcome: 'restored', deploymentId: started.release!.deploymentId });
    expect(after.filter((r) => r.outcome === 'restored')).toHaveLength(1);
    expect(await actionsEnabled(h)).toEqual([true, true]);
    const entry = (await h.ledger.forIntent('test', started.declared!.intentId)).find(
      (s) => s.entry.type === 'release.monitors-restored',
    );
    expect(entry?.entry.payload).toMatchObject({ trigger: 'schedule' });
  });

  test('restores monitors no deployment explains under the lane, and names a lane whose calls fail', async () => {
    // Prepare: someone disabled the actions by hand.
    const h = pipelineHarness();
    await h.cloudwatch.disableAlarmActions(h.cloudwatch.monitorsFor('launch-flags'));
    // Act
    const results = await reconcileMonitors(h.deps, 'control-plane-start');
    // Assess
    expect(results.find((r) => r.service === 'launch-flags')).toMatchObject({ outcome: 'restored' });
    expect(await actionsEnabled(h)).toEqual([true, true]);
    const environment = results.find((r) => r.service === 'launch-flags')!.environment;
    expect(await ledgerTypes(h, `lane/${environment}`)).toEqual(['release.monitors-restored']);

    const failing: Releaser = {
      ...h.deps.releaser,
      monitors: async () => {
        throw new Error('CloudWatch unreachable');
      },
    };
    await expect(reconcileMonitors({ ...h.deps, releaser: failing }, 'schedule')).rejects.toThrow(
      /launch-flags.*CloudWatch unreachable/,
    );
  });
});

describe('StopRelease: a refused stop is what it is', () => {
  /** The local simulator never refuses: AppConfig does, for a deployment it will not stop in its state. */
  function refusing(
    h: Harness,
    state: DeploymentStatus['state'],
    Refusal: new (message: string) => Error = StopRefusedError,
  ): Releaser {
    const releaser = h.deps.releaser;
    return {
      ...releaser,
      monitors: releaser.monitors.bind(releaser),
      enableMonitors: releaser.enableMonitors.bind(releaser),
      prepare: releaser.prepare.bind(releaser),
      start: releaser.start.bind(releaser),
      check: async (...args) => ({ ...(await releaser.check(...args)), state }),
      stop: async () => {
        throw new Refusal(`deployment is ${state}: BadRequestException`);
      },
    };
  }

  test.each([
    ['refused', StopRefusedError],
    ['not stoppable while in progress', DeploymentNotStoppableError],
  ])(
    '%s: is recorded as refused, not stopped nor completed, and thrown for the state machine to retry',
    async (_what, Refusal) => {
      // Prepare
      const h = pipelineHarness();
      const verified = await runToVerify(h, intentAt(h));
      const started = { ...verified, release: await startRelease(verified, h.deps) };
      const asked = {
        ...started,
        release: { ...started.release!, action: 'stop' as const, stopReason: 'breach' },
      };
      const deps = { ...h.deps, releaser: refusing(h, 'BAKING', Refusal) };
      // Act
      const attempt = stopRelease(asked, deps);
      // Assess
      await expect(attempt).rejects.toBeInstanceOf(StopRefusedError);
      const entries = await h.ledger.forIntent('test', verified.declared!.intentId);
      const types = entries.map((s) => s.entry.type);
      expect(types).toContain('release.stop-refused');
      expect(types).not.toContain('release.stopped');
      expect(entries.find((s) => s.entry.type === 'release.stop-refused')?.entry.payload).toEqual({
        deploymentId: started.release!.deploymentId,
        state: 'BAKING',
        reason: 'breach',
        refusal: 'deployment is BAKING: BadRequestException',
        escalatedTo: null,
        team: null,
      });
    },
  );

  test('once the retries are spent, RecordFailure escalates it to the owners', async () => {
    // Prepare
    const h = pipelineHarness();
    const verified = await runToVerify(h, intentAt(h));
    const started = { ...verified, release: await startRelease(verified, h.deps) };
    const cause = JSON.stringify({
      errorType: 'StopRefusedError',
      errorMessage: 'deployment 1 is VALIDATING',
    });
    // Act
    await recordFailure({ ...started, error: { Error: 'StopRefusedError', Cause: cause } }, h.deps);
    // Assess
    const entries = await h.ledger.forIntent('test', verified.declared!.intentId);
    expect(entries.find((s) => s.entry.type === 'release.stop-refused')?.entry.payload).toMatchObject({
      refusal: 'deployment 1 is VALIDATING',
      escalatedTo: ['alice'],
    });
    expect(intentStatus(verified.declared!.intentId, entries)!.reasons).toContain(
      `stop refused by AppConfig while ${started.release!.state}: deployment 1 is VALIDATING; escalated to ${h.deps.catalog.services['launch-flags']!.ownerTeam}: the deployment runs on unstopped`,
    );
  });
});
