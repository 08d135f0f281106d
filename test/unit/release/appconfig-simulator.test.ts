import { LocalAppConfig } from '../../../lambdas/adapters/local/appconfig-simulator.js';
import { LocalCloudWatch, type MetricSource } from '../../../lambdas/adapters/local/cloudwatch-simulator.js';
import { simulatorKeys } from '../../../lambdas/adapters/local/simulated-deployment.js';
import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';
import { InvalidInputError, LaneBusyError } from '../../../lambdas/core/errors.js';
import { defaultAlarmRule } from '../../../lambdas/core/release/alarms.js';
import {
  DeploymentNotFoundError,
  DeploymentNotStoppableError,
} from '../../../lambdas/core/release/errors.js';
import { strategyByName } from '../../../lambdas/core/release/strategies.js';
import { deploymentStateAt, deploymentTimeline } from '../../../lambdas/core/release/timeline.js';
import type { DeploymentStatus } from '../../../lambdas/ports/releaser.js';
import { localRelease, minutes, paymentsBaseline, releaseRequest, t0 } from './helpers/local-release.js';
import { MemoryStateStore } from './helpers/memory-state-store.js';

const errorFault = (atPercent: number) => ({ metric: 'errorRate' as const, value: 0.2, atPercent });

describe('LocalAppConfig timeline', () => {
  test('percentages, states and events follow the pure timeline at every poll, and events only grow', async () => {
    // Prepare
    const { releaser, clock } = localRelease();
    const strategy = strategyByName('AppConfig.Canary10Percent20Minutes');
    const started = await releaser.start(releaseRequest(strategy.name));
    let previous: DeploymentStatus = started;
    // Act + Assess at every 30 s of virtual time until complete
    for (let elapsed = 30_000; elapsed <= minutes(31); elapsed += 30_000) {
      clock.advance(30_000);
      const status = await releaser.check('payments', 'payments-prod', started.deploymentId);
      const expected = deploymentStateAt(strategy, t0, clock.now());
      expect([status.state, status.percentageComplete]).toEqual([expected.state, expected.percentage]);
      expect(status.events.slice(0, previous.events.length)).toEqual(previous.events);
      previous = status;
    }
    // Assess the full event log
    const timeline = deploymentTimeline(strategy);
    const offsets = (s: number) => new Date(t0.getTime() + s * 1000).toISOString();
    expect(previous.events.map((e) => [e.type, e.at, e.percentage])).toEqual([
      ['DEPLOYMENT_STARTED', offsets(0), 0],
      ...timeline.steps.map((s) => ['PERCENTAGE_UPDATED', offsets(s.atSeconds), s.percentage]),
      ['BAKE_TIME_STARTED', offsets(1200), 100],
      ['DEPLOYMENT_COMPLETED', offsets(1800), 100],
    ]);
    expect(previous.completedAt).toBe(offsets(1800));
  });

  test('itv.Immediate is COMPLETE at 100 % as soon as it starts, and frees its lane', async () => {
    const { releaser } = localRelease();
    const status = await releaser.start(releaseRequest('itv.Immediate'));
    expect([status.state, status.percentageComplete]).toEqual(['COMPLETE', 100]);
    expect(status.events.map((e) => e.type)).toEqual([
      'DEPLOYMENT_STARTED',
      'PERCENTAGE_UPDATED',
      'DEPLOYMENT_COMPLETED',
    ]);
    await expect(releaser.start(releaseRequest('itv.Immediate'))).resolves.toMatchObject({
      state: 'COMPLETE',
    });
  });

  test('a strategy outside AWS limits is rejected and leaves the lane free', async () => {
    const { releaser } = localRelease();
    const bad = { ...strategyByName('itv.Linear25Percent8Minutes'), growthFactor: 0 };
    await expect(releaser.start(releaseRequest('itv.Immediate', { strategy: bad }))).rejects.toThrow(
      InvalidInputError,
    );
    await expect(releaser.start(releaseRequest('itv.Linear25Percent8Minutes'))).resolves.toMatchObject({
      state: 'DEPLOYING',
    });
  });

  test('an unknown deployment, or one asked for in another environment, is not found', async () => {
    const { releaser } = localRelease();
    const { deploymentId } = await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    await expect(releaser.check('payments', 'payments-prod', 'nope')).rejects.toThrow(
      DeploymentNotFoundError,
    );
    await expect(releaser.check('payments', 'other-env', deploymentId)).rejects.toThrow(
      DeploymentNotFoundError,
    );
  });
});

describe('LocalAppConfig lanes: one deployment per environment', () => {
  test('a second start while one is DEPLOYING or BAKING throws LaneBusyError, like ConflictException', async () => {
    // Prepare
    const { releaser, clock } = localRelease();
    await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    // Act + Assess: rollout, then bake
    await expect(releaser.start(releaseRequest('itv.Immediate'))).rejects.toThrow(LaneBusyError);
    clock.advance(minutes(9));
    await expect(releaser.start(releaseRequest('itv.Immediate'))).rejects.toThrow(LaneBusyError);
    // Another environment is another lane
    await expect(
      releaser.start(releaseRequest('itv.Immediate', { service: 'search', environment: 'search-prod' })),
    ).resolves.toMatchObject({ state: 'COMPLETE' });
    // After the bake the lane is free
    clock.advance(minutes(4));
    await expect(releaser.start(releaseRequest('itv.Immediate'))).resolves.toMatchObject({
      state: 'COMPLETE',
    });
  });

  test('two simulators sharing one store see the same deployments and the same lane', async () => {
    // Prepare: two processes, one store, clocks at the same instant
    const store = new MemoryStateStore();
    const first = localRelease({ store });
    const second = localRelease({ store });
    const secondReleaser = new LocalAppConfig({
      store,
      clock: second.clock,
      alarms: second.cloudwatch,
      ids: { next: (prefix) => `${prefix}-other` },
    });
    // Act
    const started = await first.releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    second.clock.advance(minutes(3));
    // Assess
    await expect(secondReleaser.start(releaseRequest('itv.Immediate'))).rejects.toThrow(LaneBusyError);
    const seen = await secondReleaser.check('payments', 'payments-prod', started.deploymentId);
    expect([seen.state, seen.percentageComplete]).toEqual(['DEPLOYING', 25]);
  });

  test('two starts racing for one lane: exactly one wins, the loser leaves no deployment behind', async () => {
    // Prepare
    const store = new MemoryStateStore();
    const first = localRelease({ store });
    const second = localRelease({ store });
    const rival = new LocalAppConfig({
      store,
      clock: second.clock,
      alarms: second.cloudwatch,
      ids: { next: (prefix) => `${prefix}-rival` },
    });
    // Act
    const results = await Promise.allSettled([
      first.releaser.start(releaseRequest('itv.Linear25Percent8Minutes')),
      rival.start(releaseRequest('itv.Linear25Percent8Minutes')),
    ]);
    // Assess
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => r.reason)).toEqual([expect.any(LaneBusyError)]);
    expect(await store.list('appconfig#deployments#payments')).toHaveLength(1);
  });
});

describe('LocalAppConfig automatic rollback on alarm monitors', () => {
  test('an alarm during the rollout rolls back at the first evaluation that sees it, naming the alarm', async () => {
    // Prepare: 20 % at 6 min; the 6th and 7th minutes breach, so the 8-minute evaluation is in ALARM
    const { releaser, clock } = localRelease({ fault: errorFault(0) });
    const started = await releaser.start(releaseRequest('AppConfig.Linear20PercentEvery6Minutes'));
    // Act
    clock.advance(minutes(20));
    const status = await releaser.check('payments', 'payments-prod', started.deploymentId);
    // Assess
    expect(status.state).toBe('ROLLED_BACK');
    expect(status.completedAt).toBe(new Date(t0.getTime() + minutes(8)).toISOString());
    const rollback = status.events.find((e) => e.type === 'ROLLBACK_STARTED');
    expect(rollback).toMatchObject({ alarm: 'itv-payments-error-rate', percentage: 20 });
    expect(status.events.map((e) => e.type)).toEqual([
      'DEPLOYMENT_STARTED',
      'PERCENTAGE_UPDATED',
      'ROLLBACK_STARTED',
      'ROLLBACK_COMPLETED',
    ]);
  });

  test('an alarm during the final bake rolls back too', async () => {
    // Prepare: the fault shows only at 100 %, reached at 8 min; the bake runs to 13 min
    const { releaser, clock } = localRelease({
      fault: { metric: 'latencyP99Ms', value: 5000, atPercent: 100 },
    });
    const started = await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    // Act
    clock.advance(minutes(30));
    const status = await releaser.check('payments', 'payments-prod', started.deploymentId);
    // Assess
    const types = status.events.map((e) => e.type);
    expect(status.state).toBe('ROLLED_BACK');
    expect(types.indexOf('BAKE_TIME_STARTED')).toBeLessThan(types.indexOf('ROLLBACK_STARTED'));
    expect(types).not.toContain('DEPLOYMENT_COMPLETED');
    expect(status.events.find((e) => e.type === 'ROLLBACK_STARTED')?.alarm).toBe('itv-payments-latency-p99');
    expect(status.completedAt).toBe(new Date(t0.getTime() + minutes(10)).toISOString());
  });

  test('no rollback when the alarm actions are disabled, though the alarm fires', async () => {
    // Prepare
    const { releaser, clock, cloudwatch } = localRelease({ fault: errorFault(0) });
    await cloudwatch.disableAlarmActions(cloudwatch.monitorsFor('payments'));
    const started = await releaser.start(releaseRequest('AppConfig.Linear20PercentEvery6Minutes'));
    // Act
    clock.advance(minutes(61));
    const status = await releaser.check('payments', 'payments-prod', started.deploymentId);
    const alarms = await cloudwatch.alarmStatesAt('payments', clock.now());
    // Assess
    expect(status.state).toBe('COMPLETE');
    expect(alarms.find((a) => a.name === 'itv-payments-error-rate')).toMatchObject({
      state: 'ALARM',
      actionsEnabled: false,
    });
  });

  test('a monitor in INSUFFICIENT_DATA rolls back too, as AWS documents', async () => {
    // Prepare: a metric that stops reporting, watched by an alarm that treats missing data as missing (itv's
    // own alarms treat it as not breaching, so that silence alone never rolls a release back)
    const { releaser, clock } = silentRelease({ treatMissingData: 'missing' });
    const started = await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    // Act
    clock.advance(minutes(2));
    const status = await releaser.check('payments', 'payments-prod', started.deploymentId);
    // Assess
    expect(status.state).toBe('ROLLED_BACK');
    expect(status.events.find((e) => e.type === 'ROLLBACK_STARTED')?.description).toContain(
      'INSUFFICIENT_DATA',
    );
    expect(status.completedAt).toBe(new Date(t0.getTime() + minutes(1)).toISOString());
  });

  test('a metric that stops reporting does not roll back an itv release: its alarms treat silence as healthy', async () => {
    // Prepare
    const { releaser, clock } = silentRelease();
    const started = await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    // Act
    clock.advance(minutes(14));
    const status = await releaser.check('payments', 'payments-prod', started.deploymentId);
    // Assess
    expect(status.state).toBe('COMPLETE');
  });

  test('a fault at 30 % is detected no sooner than period × datapointsToAlarm after it shows', async () => {
    // Prepare: the canary passes 10, 20, 40 %: the fault shows from 12 min
    const { releaser, clock } = localRelease({ fault: errorFault(30) });
    const strategy = strategyByName('AppConfig.Canary10Percent20Minutes');
    const started = await releaser.start(releaseRequest(strategy.name));
    const onsetSeconds = deploymentTimeline(strategy).steps.find((s) => s.percentage >= 30)!.atSeconds;
    // Act: poll every 30 s like the state machine would
    let status = started;
    while (status.state === 'DEPLOYING' || status.state === 'BAKING') {
      clock.advance(30_000);
      status = await releaser.check('payments', 'payments-prod', started.deploymentId);
    }
    // Assess
    const detectedSeconds = (Date.parse(status.completedAt!) - t0.getTime()) / 1000;
    const minimumDelay = defaultAlarmRule.periodSeconds * defaultAlarmRule.datapointsToAlarm;
    expect(status.state).toBe('ROLLED_BACK');
    expect(onsetSeconds).toBe(720);
    expect(detectedSeconds - onsetSeconds).toBeGreaterThanOrEqual(minimumDelay);
    expect(detectedSeconds - onsetSeconds).toBeLessThanOrEqual(minimumDelay + defaultAlarmRule.periodSeconds);
  });

  test('the rollback instant does not depend on how often the deployment is polled', async () => {
    const once = localRelease({ fault: errorFault(30) });
    const often = localRelease({ fault: errorFault(30) });
    const request = releaseRequest('AppConfig.Canary10Percent20Minutes');
    const a = await once.releaser.start(request);
    const b = await often.releaser.start(request);
    once.clock.advance(minutes(40));
    for (let i = 0; i < 80; i++) {
      often.clock.advance(30_000);
      await often.releaser.check('payments', 'payments-prod', b.deploymentId);
    }
    const onceStatus = await once.releaser.check('payments', 'payments-prod', a.deploymentId);
    const oftenStatus = await often.releaser.check('payments', 'payments-prod', b.deploymentId);
    expect(oftenStatus.events).toEqual(onceStatus.events);
  });
});

describe('LocalAppConfig stop', () => {
  test('stopping an in-progress deployment rolls it back, and a second stop changes nothing', async () => {
    // Prepare
    const { releaser, clock } = localRelease();
    const started = await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    clock.advance(minutes(5));
    // Act
    const stopped = await releaser.stop('payments', 'payments-prod', started.deploymentId);
    clock.advance(minutes(1));
    const again = await releaser.stop('payments', 'payments-prod', started.deploymentId);
    // Assess
    expect([stopped.state, stopped.percentageComplete]).toEqual(['ROLLED_BACK', 0]);
    expect(stopped.events.slice(-2).map((e) => [e.type, e.percentage])).toEqual([
      ['ROLLBACK_STARTED', 50],
      ['ROLLBACK_COMPLETED', 0],
    ]);
    expect(stopped.events.at(-1)?.description).toContain('StopDeployment');
    expect(again).toEqual(stopped);
    await expect(releaser.start(releaseRequest('itv.Immediate'))).resolves.toMatchObject({
      state: 'COMPLETE',
    });
  });

  test('a start of the version an emergency stopped deploys anew when it names that deployment as superseded', async () => {
    // Prepare: the intent's deployment of its hosted version, stopped by an emergency's preemption.
    const { releaser, clock } = localRelease();
    const request = releaseRequest('itv.Linear25Percent8Minutes');
    const configurationVersion = await releaser.prepare(request);
    const first = await releaser.start({ ...request, configurationVersion });
    clock.advance(minutes(5));
    await releaser.stop('payments', 'payments-prod', first.deploymentId);
    // Act: the same start as a retry would send it, and as the intent admitted again sends it.
    const asRetry = await releaser.start({ ...request, configurationVersion });
    const anew = await releaser.start({ ...request, configurationVersion, supersedes: first.deploymentId });
    // Assess: a retry answers the deployment it started; after a preemption a new one runs.
    expect(asRetry.deploymentId).toBe(first.deploymentId);
    expect(anew.deploymentId).not.toBe(first.deploymentId);
    expect([anew.state, anew.percentageComplete]).toEqual(['DEPLOYING', 0]);
  });

  test('stopping during the bake rolls back as well', async () => {
    const { releaser, clock } = localRelease();
    const started = await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    clock.advance(minutes(10));
    await expect(releaser.stop('payments', 'payments-prod', started.deploymentId)).resolves.toMatchObject({
      state: 'ROLLED_BACK',
    });
  });

  test('a COMPLETE deployment cannot be stopped (AWS needs AllowRevert)', async () => {
    const { releaser } = localRelease();
    const started = await releaser.start(releaseRequest('itv.Immediate'));
    await expect(releaser.stop('payments', 'payments-prod', started.deploymentId)).rejects.toThrow(
      DeploymentNotStoppableError,
    );
  });
});

/** A payments release whose metric publishes nothing, its alarms following `rule` (itv's default when absent). */
function silentRelease(rule?: { treatMissingData: 'missing' }) {
  const store = new MemoryStateStore();
  const clock = new VirtualClock(t0);
  const silent: MetricSource = {
    baseline: () => paymentsBaseline,
    datapoints: async (_s, _m, _p, _from, count) => Array.from({ length: count }, () => null),
  };
  const releaser = new LocalAppConfig({
    store,
    clock,
    alarms: new LocalCloudWatch({ metrics: silent, store, ...(rule ? { rule } : {}) }),
    ids: { next: (prefix) => `${prefix}-1` },
  });
  return { releaser, clock };
}

describe('LocalAppConfig start killed between its two writes', () => {
  class Killed extends Error {}

  /**
   * Dies at the second write a start makes to the lane or the deployments (a kill -9 between them), or at the
   * `killAt`th: that write and every write after it fail, as nothing runs in a dead process, until `restart`.
   */
  class KilledBetweenStartWrites extends MemoryStateStore {
    private writes = 0;
    private dead = false;
    constructor(private readonly killAt = 2) {
      super();
    }
    restart(): void {
      this.dead = false;
    }
    override put<T = Record<string, unknown>>(pk: string, sk: string, data: T, expectedVersion?: number) {
      const startWrite =
        pk === simulatorKeys.lanePartition || pk === simulatorKeys.deploymentPartition('payments');
      if (startWrite && ++this.writes === this.killAt) this.dead = true;
      if (this.dead) return Promise.reject(new Killed('the process is gone'));
      return super.put<T>(pk, sk, data, expectedVersion);
    }
    override delete(pk: string, sk: string, expectedVersion?: number) {
      if (this.dead) return Promise.reject(new Killed('the process is gone'));
      return super.delete(pk, sk, expectedVersion);
    }
  }

  /**
   * Hosts a version for intent-1 (faulty, given a fault), then starts it with a kill between the start's two
   * writes (or at its `killAt`th), and restarts.
   */
  async function killedStart(options: { killAt?: number; fault?: ReturnType<typeof errorFault> } = {}) {
    const store = new KilledBetweenStartWrites(options.killAt);
    const { releaser } = localRelease({ store, ...(options.fault ? { fault: options.fault } : {}) });
    const request = releaseRequest('itv.Linear25Percent8Minutes');
    const configurationVersion = await releaser.prepare(request);
    await expect(releaser.start({ ...request, configurationVersion })).rejects.toThrow(Killed);
    store.restart();
    return { store, releaser, request: { ...request, configurationVersion } };
  }

  test('retried, it makes one deployment, the one it answers, which the lane holds', async () => {
    // Prepare
    const { store, releaser, request } = await killedStart();

    // Act: the stage runs again.
    const started = await releaser.start(request);

    // Assess
    const deployments = await store.list(simulatorKeys.deploymentPartition('payments'));
    expect(deployments.map((item) => item.sk)).toEqual([started.deploymentId]);
    const lane = await store.get<{ deploymentId: string }>(simulatorKeys.lanePartition, 'payments-prod');
    expect(lane?.data.deploymentId).toBe(started.deploymentId);
    expect(started.state).toBe('DEPLOYING');
  });

  test('a start of another intent meets the deployment in the lane: busy while it runs, as AppConfig is', async () => {
    // Prepare
    const { store, releaser } = await killedStart();

    // Act
    const other = releaser.start(releaseRequest('itv.Immediate', { intentId: 'intent-2' }));

    // Assess: the killed start's deployment runs on, its record written from the lane.
    await expect(other).rejects.toThrow(LaneBusyError);
    const deployments = await store.list<{ intentId: string }>(simulatorKeys.deploymentPartition('payments'));
    expect(deployments.map((item) => item.data.intentId)).toEqual(['intent-1']);
  });

  test('a faulty start killed before it claims the lane leaves no fault behind: its retry indexes its own alone', async () => {
    // Prepare: killed at the lane, its first start write.
    const { store, releaser, request } = await killedStart({ killAt: 1, fault: errorFault(30) });
    // Act
    const started = await releaser.start(request);
    // Assess
    const indexed = await store.list(simulatorKeys.faultPartition('payments'));
    expect(indexed.map((item) => item.sk)).toEqual([started.deploymentId]);
  });

  test('a faulty start killed between the lane and its record: the retry answers that deployment, indexed once', async () => {
    // Prepare
    const { store, releaser, request } = await killedStart({ fault: errorFault(30) });
    // Act
    const started = await releaser.start(request);
    // Assess
    const indexed = await store.list(simulatorKeys.faultPartition('payments'));
    const deployments = await store.list(simulatorKeys.deploymentPartition('payments'));
    expect(indexed.map((item) => item.sk)).toEqual([started.deploymentId]);
    expect(deployments.map((item) => item.sk)).toEqual([started.deploymentId]);
  });
});
