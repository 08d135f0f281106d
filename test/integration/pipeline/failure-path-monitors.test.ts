import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/index.js';
import { demoStartInstant } from '../../../cli/demo-clock.js';
import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { laneOf } from '../../../lambdas/core/lane.js';
import type { PipelineDeps } from '../../../lambdas/core/pipeline/deps.js';
import { reconcileMonitors } from '../../../lambdas/core/pipeline/reconcile-monitors.js';
import { type LocalStack, openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';
import { ledgerRefusing } from '../../support/ledger-refusing.js';

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
  let home: string;
  let stack: LocalStack;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-monitors-'));
    const start = demoStartInstant(
      new Date('2026-11-03T14:00:00Z'),
      [intentSchema.parse(intent)],
      loadCatalog(),
    );
    stack = await openLocalStack({ home, inMemory: true, clockStart: start });
  });
  afterEach(async () => {
    await stack.close();
    rmSync(home, { recursive: true, force: true });
  });

  async function run(deps: PipelineDeps) {
    const states: string[] = [];
    const pipeline = new LocalPipeline(pipelineDefinition(), deps, {
      scheduler: new DiscreteEventScheduler(stack.clock),
      onProgress: (event) => {
        if (event.phase === 'entered') states.push(event.state);
      },
    });
    const report = await pipeline.start({
      intent: { ...intent, timestamp: stack.clock.now().toISOString() },
      caller: namedLocally(intent.authority.requester, 'test'),
    });
    return { report, states };
  }

  const monitorNames = () => [`itv-${service}-error-rate`, `itv-${service}-latency-p99`];
  /** Whether each monitor of the lane has its alarm actions enabled. */
  async function actionsEnabled(): Promise<boolean[]> {
    const { disabled } = await stack.deps.releaser.monitors(service, lane);
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
      const deps = ledgerRefusing(stack.deps, refused);
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
      const entries = await stack.deps.ledger.forIntent(stack.deps.ledgerName, report.intentId!);
      const types = entries.map((e) => e.entry.type);
      expect(types).toContain('stage.failed');
      const restored = entries.find((e) => e.entry.type === 'release.monitors-restored');
      expect(restored?.entry.payload).toMatchObject({
        service,
        alarms: monitorNames(),
        trigger: 'failure-path',
      });
      // Not before the deployment ended: the restoration is dated after its whole rollout and bake.
      const deployment = await stack.deps.releaser.check(
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
    const deps = ledgerRefusing(stack.deps, 'release.deployment-started');
    const releaser = stack.deps.releaser;
    const unreachable: PipelineDeps = {
      ...deps,
      releaser: {
        prepare: releaser.prepare.bind(releaser),
        start: releaser.start.bind(releaser),
        check: releaser.check.bind(releaser),
        stop: releaser.stop.bind(releaser),
        enableMonitors: releaser.enableMonitors.bind(releaser),
        monitors: async () => {
          throw new Error('CloudWatch unreachable');
        },
      },
    };
    // Act
    const { report, states } = await run(unreachable);
    const during = await reconcileMonitors(stack.deps, 'execution-ended');
    const stillDisabled = await actionsEnabled();
    stack.clock.advance(48 * 60 * 60_000);
    const later = await reconcileMonitors(stack.deps, 'schedule');
    // Assess
    expect(report.status).toBe('failed');
    expect(states.slice(-3)).toEqual(['RecordFailure', 'RestoreMonitors', 'SignCheckpoint']);
    expect(during.find((lane) => lane.service === service)?.outcome).toBe('observing');
    expect(stillDisabled).toEqual([false, false]);
    expect(later.find((lane) => lane.service === service)).toMatchObject({ outcome: 'restored' });
    expect(await actionsEnabled()).toEqual([true, true]);
    const restored = (await stack.deps.ledger.forIntent(stack.deps.ledgerName, report.intentId!)).find(
      (e) => e.entry.type === 'release.monitors-restored',
    );
    expect(restored?.entry.payload).toMatchObject({ trigger: 'schedule' });
  });
});
