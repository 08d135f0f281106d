import { readFileSync } from 'node:fs';
import { loadCatalog } from '../../../catalog/index.js';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { laneOf } from '../../../lambdas/core/lane.js';
import type { PipelineDeps } from '../../../lambdas/core/pipeline/deps.js';
import { reconcileMonitors } from '../../../lambdas/core/pipeline/reconcile-monitors.js';
import { ledgerRefusing } from '../../support/ledger-refusing.js';
import { stackForEachTest } from '../../support/stack-for-each-test.js';

/** A low-risk change that asks to freeze on regression: released with its monitors observing only. */
const sample = JSON.parse(
  readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
);
const intent = { ...sample, constraints: { ...sample.constraints, onRegression: 'freeze' } };
const service: string = intent.change.service;
const lane = laneOf(loadCatalog().services[service]!);

/**
 * The failure path on the local runtime, through the real ASL: a stage that fails between StartRelease and the
 * end of an observe-only release must leave the lane's alarm actions enabled, and say so on the ledger.
 */
describe('alarm actions after a failure mid-release (local runtime)', () => {
  const local = stackForEachTest('itv-monitors-', [intent]);

  async function run(deps: PipelineDeps) {
    const states: string[] = [];
    const pipeline = new LocalPipeline(pipelineDefinition(), deps, {
      scheduler: new DiscreteEventScheduler(local.stack.clock),
      onProgress: (event) => {
        if (event.phase === 'entered') states.push(event.state);
      },
    });
    const report = await pipeline.start({
      intent: { ...intent, timestamp: local.stack.clock.now().toISOString() },
      caller: namedLocally(intent.authority.requester, 'test'),
    });
    return { report, states };
  }

  const monitorNames = () => [`itv-${service}-error-rate`, `itv-${service}-latency-p99`];
  /** Whether each monitor of the lane has its alarm actions enabled. */
  async function actionsEnabled(): Promise<boolean[]> {
    const { disabled } = await local.stack.deps.releaser.monitors(service, lane);
    return monitorNames().map((name) => !disabled.includes(name));
  }

  test.each([
    // StartRelease's deployment began, but its own entry was refused: the state holds no release.
    ['StartRelease', 'release.started'],
    // The first deployment event CheckRelease records is refused.
    ['CheckRelease', 'release.deployment-started'],
  ])(
    '%s fails (ledger refuses %s): RestoreMonitors waits for the deployment to end, then enables the actions',
    async (stage, refused) => {
      // Prepare
      const deps = ledgerRefusing(local.stack.deps, refused);
      // Act
      const { report, states } = await run(deps);
      // Assess
      expect(report.status).toBe('failed');
      const failedAt = states.indexOf('RecordFailure');
      expect(states[failedAt - 1]).toBe(stage);
      // It waited: RestoreMonitors was tried again until the deployment had ended, then the intent was sealed.
      const restores = states.slice(failedAt + 1, -1);
      expect(new Set(restores)).toEqual(new Set(['RestoreMonitors']));
      expect(restores.length).toBeGreaterThan(1);
      expect(states.at(-1)).toBe('SignCheckpoint');
      expect(await actionsEnabled()).toEqual([true, true]);
      const entries = await local.stack.deps.ledger.forIntent(local.stack.deps.ledgerName, report.intentId!);
      const types = entries.map((e) => e.entry.type);
      expect(types).toContain('stage.failed');
      const restored = entries.find((e) => e.entry.type === 'release.monitors-restored');
      expect(restored?.entry.payload).toMatchObject({
        service,
        alarms: monitorNames(),
        trigger: 'failure-path',
      });
      // Not before the deployment ended: the restoration is dated after its whole rollout and bake.
      const deployment = await local.stack.deps.releaser.check(
        service,
        lane,
        String(restored?.entry.payload.deploymentId),
      );
      expect(deployment.state).toBe('COMPLETE');
      expect(Date.parse(restored!.entry.timestamp)).toBeGreaterThanOrEqual(
        Date.parse(deployment.completedAt!),
      );
    },
  );

  test('an execution whose failure path could not run (as after StopExecution): the reconciler restores them once the deployment has ended', async () => {
    // Prepare: the first poll fails, and so does the compensation (it cannot read the monitors).
    const deps = ledgerRefusing(local.stack.deps, 'release.deployment-started');
    const releaser = local.stack.deps.releaser;
    const unreachable: PipelineDeps = {
      ...deps,
      releaser: {
        prepare: releaser.prepare.bind(releaser),
        start: releaser.start.bind(releaser),
        check: releaser.check.bind(releaser),
        stop: releaser.stop.bind(releaser),
        enableMonitors: releaser.enableMonitors.bind(releaser),
        monitorStates: releaser.monitorStates.bind(releaser),
        monitors: async () => {
          throw new Error('CloudWatch unreachable');
        },
      },
    };
    // Act
    const { report, states } = await run(unreachable);
    const during = await reconcileMonitors(local.stack.deps, 'execution-ended');
    const stillDisabled = await actionsEnabled();
    local.stack.clock.advance(48 * 60 * 60_000);
    const later = await reconcileMonitors(local.stack.deps, 'schedule');
    // Assess
    expect(report.status).toBe('failed');
    expect(states.slice(-3)).toEqual(['RecordFailure', 'RestoreMonitors', 'SignCheckpoint']);
    expect(during.find((lane) => lane.service === service)?.outcome).toBe('observing');
    expect(stillDisabled).toEqual([false, false]);
    expect(later.find((lane) => lane.service === service)).toMatchObject({ outcome: 'restored' });
    expect(await actionsEnabled()).toEqual([true, true]);
    const restored = (
      await local.stack.deps.ledger.forIntent(local.stack.deps.ledgerName, report.intentId!)
    ).find((e) => e.entry.type === 'release.monitors-restored');
    expect(restored?.entry.payload).toMatchObject({ trigger: 'schedule' });
  });
});
