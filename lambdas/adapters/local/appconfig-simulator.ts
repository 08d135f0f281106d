import { LaneBusyError, VersionConflictError } from '../../core/errors.js';
import { canonicalDigest } from '../../core/ledger/canonical-json.js';
import { isInProgress } from '../../core/release/deployment-status.js';
import { DeploymentNotFoundError, DeploymentNotStoppableError } from '../../core/release/errors.js';
import type { ServiceBaseline } from '../../core/release/slo.js';
import { deploymentTimeline, percentageAt } from '../../core/release/timeline.js';
import type { Clock, IdSource } from '../../ports/clock.js';
import type {
  DeploymentStatus,
  LaneMonitors,
  MonitorState,
  ReleaseRequest,
  Releaser,
} from '../../ports/releaser.js';
import type { StateItem, StateStore } from '../../ports/state-store.js';
import { type AlarmTick, LocalCloudWatch } from './cloudwatch-simulator.js';
import {
  type FaultSource,
  type HostedContent,
  type LaneRecord,
  type SimulatedDeployment,
  simulatorKeys,
} from './simulated-deployment.js';
import { simulatedStatus } from './simulated-status.js';
import { SyntheticMetrics, SyntheticTelemetry } from './synthetic-telemetry.js';

/**
 * AWS AppConfig gradual deployments, simulated for the local runtime on a (virtual) clock. What it follows:
 * - Timeline: growth steps and final bake exactly as "Working with deployment strategies" documents
 *   (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-deployment-strategy.html);
 *   percentages and instants come from the pure `deploymentTimeline`.
 * - One deployment per environment: a second StartDeployment while one is DEPLOYING or BAKING gets
 *   ConflictException, here `LaneBusyError`.
 * - Automatic rollback ("Monitoring deployments for automatic rollback",
 *   https://docs.aws.amazon.com/appconfig/latest/userguide/monitoring-deployments.html): "if one or more
 *   CloudWatch alarms go into the ALARM or INSUFFICIENT_DATA state during a deployment" — rollout and final bake
 *   — it rolls back; "a deployment doesn't automatically roll back if actions have been disabled" on the alarm.
 *   Alarms are evaluated once a minute, so a rollback lands on the first evaluation that sees the alarm.
 * - No pause: AppConfig has no call that holds a deployment at its current percentage (StopDeployment rolls
 *   back). A release that must not be reverted (`rollbackOnAlarm: false`) is started with its monitors' alarm
 *   actions disabled, so it runs its documented schedule; the first monitor seen out of OK is reported as
 *   `trippedMonitor`, and the actions are enabled again once the deployment ends.
 * - StopDeployment on an in-progress deployment (DEPLOYING or BAKING) rolls it back; on a COMPLETE one it is
 *   refused (AWS needs AllowRevert, which the Releaser port does not carry). Stopping an already rolled-back
 *   deployment returns it unchanged, so a retried stop is harmless.
 * - Event log with AppConfig's event types, oldest first.
 * What it does not simulate: hosted configuration versions and their validators (ValidateStructure checks
 * the contract), the ROLLING_BACK interval (rollback is instantaneous), AllowRevert/REVERTED, extensions.
 * State lives in the StateStore, so several processes sharing one store see the same deployments; alarm
 * evaluations are applied once and recorded (`evaluatedThrough`), so the event log only ever grows.
 */

/** The alarm side the simulator needs: which alarms an environment monitors, and their per-minute states. */
export interface AlarmMonitor {
  monitorsFor(service: string): string[];
  actionsEnabled(alarmName: string): Promise<boolean>;
  disableAlarmActions(alarmNames: readonly string[]): Promise<void>;
  enableAlarmActions(alarmNames: readonly string[]): Promise<void>;
  alarmHistory(
    service: string,
    afterMs: number,
    throughMs: number,
    names?: readonly string[],
  ): Promise<AlarmTick[]>;
}

export interface LocalAppConfigOptions {
  store: StateStore;
  clock: Clock;
  alarms: AlarmMonitor;
  ids: IdSource;
  /** The fault each intent's release shows in the synthetic telemetry; none when absent. */
  faults?: FaultSource;
}

const maxAttempts = 5;

/** The content's digest and size, as the simulator records a hosted version (`HostedContent`). */
function hostedContent(content: Record<string, unknown>): HostedContent {
  return { sha256: canonicalDigest(content), bytes: Buffer.byteLength(JSON.stringify(content), 'utf8') };
}

export class LocalAppConfig implements Releaser {
  constructor(private readonly options: LocalAppConfigOptions) {}

  /**
   * Hosts the content as the profile's next configuration version, numbered from 1 as AppConfig numbers
   * them: a counter item per profile taken with a conditional write, then the version's own record.
   */
  async prepare(request: ReleaseRequest): Promise<string> {
    const { store } = this.options;
    const partition = simulatorKeys.versionPartition(request.service, request.profile);
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const counter = await store.get<{ latest: number }>(partition, 'LATEST');
      const next = (counter?.data.latest ?? 0) + 1;
      try {
        await store.put(partition, 'LATEST', { latest: next }, counter?.version ?? 0);
      } catch (error) {
        if (error instanceof VersionConflictError) continue;
        throw error;
      }
      await store.put(partition, `V#${String(next).padStart(10, '0')}`, {
        intentId: request.intentId,
        description: request.description,
        content: hostedContent(request.content),
      });
      return String(next);
    }
    throw new VersionConflictError(
      `profile ${request.service}/${request.profile}: lost ${maxAttempts} races for a version number`,
    );
  }

  async start(request: ReleaseRequest): Promise<DeploymentStatus> {
    deploymentTimeline(request.strategy); // rejects a strategy outside AWS's limits before the lane is touched
    const { store, clock, ids } = this.options;
    // The fault belongs to the change; a roll-back deploys what served before it.
    const fault = request.restoresPrevious ? undefined : await this.options.faults?.(request.intentId);
    const configurationVersion = request.configurationVersion ?? (await this.prepare(request));
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const now = clock.now();
      const lane = await store.get<LaneRecord>(simulatorKeys.lanePartition, request.environment);
      const own = lane ? await this.ownDeployment(request, lane.data) : undefined;
      if (own) return this.check(request.service, request.environment, own);
      if (lane) await this.assertLaneFree(request.environment, lane.data, now);
      const deploymentId = ids.next('deployment');
      const deployment: SimulatedDeployment = {
        deploymentId,
        configurationVersion,
        intentId: request.intentId,
        service: request.service,
        environment: request.environment,
        profile: request.profile,
        description: request.description,
        strategy: { ...request.strategy },
        content: hostedContent(request.content),
        startedAt: now.toISOString(),
        monitors: this.options.alarms.monitorsFor(request.service),
        ...(fault ? { fault: { ...fault } } : {}),
        ...(request.exposure ? { exposurePercentage: request.exposure.percentage } : {}),
        ...(request.rollbackOnAlarm === false ? { rollbackOnAlarm: false } : {}),
      };
      // The lane first, holding the deployment: a start killed before it made no deployment, and one killed after
      // it left the deployment where the next reader of the lane finds it (`laneDeployment`), its own retry
      // included. Record first, a kill in between left a deployment no lane named, which the retry made again.
      try {
        await store.put<LaneRecord>(
          simulatorKeys.lanePartition,
          request.environment,
          { deploymentId, service: request.service, starting: deployment },
          lane?.version ?? 0,
        );
      } catch (error) {
        if (error instanceof VersionConflictError) continue; // another start won the lane: look again
        throw error;
      }
      await this.writeRecord(deployment);
      // Only once the lane is ours: disabling earlier could strip another deployment of its rollback.
      if (deployment.rollbackOnAlarm === false) {
        await this.options.alarms.disableAlarmActions(deployment.monitors);
      }
      return simulatedStatus(deployment, now);
    }
    throw new LaneBusyError(
      `environment ${request.environment}: lost the race for the lane ${maxAttempts} times`,
    );
  }

  async check(service: string, environment: string, deploymentId: string): Promise<DeploymentStatus> {
    const now = this.options.clock.now();
    const item = await this.settle(service, environment, deploymentId, now);
    const status = simulatedStatus(item.data, now);
    if (!isInProgress(status.state)) await this.restoreActions(item);
    return status;
  }

  async stop(service: string, environment: string, deploymentId: string): Promise<DeploymentStatus> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const now = this.options.clock.now();
      const { data: deployment, version } = await this.settle(service, environment, deploymentId, now);
      const status = simulatedStatus(deployment, now);
      if (status.state === 'ROLLED_BACK') return status;
      if (status.state === 'COMPLETE') {
        throw new DeploymentNotStoppableError(
          `deployment ${deploymentId} in environment ${environment} is COMPLETE: only an in-progress deployment can be stopped`,
        );
      }
      const stopped: SimulatedDeployment = {
        ...deployment,
        ended: {
          state: 'ROLLED_BACK',
          at: now.toISOString(),
          triggeredBy: 'USER',
          percentage: status.percentageComplete,
        },
      };
      try {
        const saved = await this.options.store.put(
          simulatorKeys.deploymentPartition(service),
          deploymentId,
          stopped,
          version,
        );
        await this.restoreActions(saved);
        return simulatedStatus(stopped, now);
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
    throw new VersionConflictError(
      `deployment ${deploymentId}: stop lost ${maxAttempts} races with other writers`,
    );
  }

  /** The monitors whose actions are disabled, and the observe-only deployment the lane holds, if it is the latest. */
  async monitors(service: string, environment: string): Promise<LaneMonitors> {
    const { alarms, store, clock } = this.options;
    const names = alarms.monitorsFor(service);
    const enabled = await Promise.all(names.map((name) => alarms.actionsEnabled(name)));
    const disabled = names.filter((_, i) => !enabled[i]);
    if (disabled.length === 0) return { disabled };
    const lane = await store.get<LaneRecord>(simulatorKeys.lanePartition, environment);
    if (!lane) return { disabled };
    const current = await this.laneDeployment(lane.data);
    if (current?.data.rollbackOnAlarm !== false) return { disabled };
    const now = clock.now();
    const { data } = await this.settle(lane.data.service, environment, lane.data.deploymentId, now);
    return {
      disabled,
      observeOnly: {
        deploymentId: data.deploymentId,
        intentId: data.intentId,
        inProgress: isInProgress(simulatedStatus(data, now).state),
      },
    };
  }

  /** The lane's monitors after the last evaluation at or before now, as DescribeAlarms would give them. */
  async monitorStates(service: string, _environment: string): Promise<MonitorState[]> {
    const { alarms, clock } = this.options;
    // CloudWatch evaluates once a minute: the states stand from the last evaluation instant at or before now.
    const tick = Math.floor(clock.now().getTime() / 60_000) * 60_000;
    const [latest] = await alarms.alarmHistory(service, tick - 1, tick, alarms.monitorsFor(service));
    return (latest?.alarms ?? []).map(({ name, state }) => ({ name, state }));
  }

  async enableMonitors(service: string, _environment: string): Promise<string[]> {
    const names = this.options.alarms.monitorsFor(service);
    await this.options.alarms.enableAlarmActions(names);
    return names;
  }

  /** Enables the alarm actions this deployment disabled, once; a lost race means another caller did it. */
  private async restoreActions(item: StateItem<SimulatedDeployment>): Promise<void> {
    const deployment = item.data;
    if (deployment.rollbackOnAlarm !== false || deployment.actionsRestored) return;
    await this.options.alarms.enableAlarmActions(deployment.monitors);
    try {
      await this.options.store.put(
        simulatorKeys.deploymentPartition(deployment.service),
        deployment.deploymentId,
        { ...deployment, actionsRestored: true },
        item.version,
      );
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }

  /** The lane's deployment when it is this intent's, of the version asked for (see `Releaser.start`). */
  private async ownDeployment(request: ReleaseRequest, lane: LaneRecord): Promise<string | undefined> {
    if (request.configurationVersion === undefined || lane.service !== request.service) return undefined;
    if (lane.deploymentId === request.supersedes) return undefined;
    const deployment = await this.laneDeployment(lane);
    const own =
      deployment?.data.intentId === request.intentId &&
      deployment.data.configurationVersion === request.configurationVersion &&
      deployment.data.profile === request.profile;
    return own ? lane.deploymentId : undefined;
  }

  /**
   * The record of the deployment the lane holds. A start killed between claiming the lane and writing the record
   * left the deployment only in the lane (`starting`): the record is written from there, as the start would have.
   */
  private async laneDeployment(lane: LaneRecord): Promise<StateItem<SimulatedDeployment> | undefined> {
    const { store } = this.options;
    const partition = simulatorKeys.deploymentPartition(lane.service);
    const item = await store.get<SimulatedDeployment>(partition, lane.deploymentId);
    if (item || lane.starting?.deploymentId !== lane.deploymentId) return item;
    try {
      return await this.writeRecord(lane.starting);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      return store.get<SimulatedDeployment>(partition, lane.deploymentId);
    }
  }

  /**
   * Writes a started deployment's record (once: a second writer meets VersionConflictError). A faulty one's fault
   * index entry goes first, so no reader sees a faulty record it would not look for; both come after the lane
   * names the deployment, so a start killed or beaten to the lane leaves neither behind.
   */
  private async writeRecord(deployment: SimulatedDeployment): Promise<StateItem<SimulatedDeployment>> {
    const { store } = this.options;
    const { service, deploymentId } = deployment;
    if (deployment.fault)
      await store.put(simulatorKeys.faultPartition(service), deploymentId, { deploymentId });
    return store.put(simulatorKeys.deploymentPartition(service), deploymentId, deployment, 0);
  }

  private async assertLaneFree(environment: string, lane: LaneRecord, now: Date): Promise<void> {
    const current = await this.laneDeployment(lane);
    if (!current) return; // a lane from before `starting` was kept, whose start was undone after losing it
    const { data } = await this.settle(lane.service, environment, lane.deploymentId, now);
    const state = simulatedStatus(data, now).state;
    if (isInProgress(state)) {
      throw new LaneBusyError(
        `environment ${environment} is running deployment ${lane.deploymentId} (${state}); AppConfig runs one deployment per environment at a time`,
      );
    }
  }

  /**
   * Applies the alarm evaluations between the last one applied and `now` (rollout and bake only), records
   * the first that trips an enabled monitor as a rollback, and saves what it applied.
   */
  private async settle(
    service: string,
    environment: string,
    deploymentId: string,
    now: Date,
  ): Promise<StateItem<SimulatedDeployment>> {
    const partition = simulatorKeys.deploymentPartition(service);
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const item = await this.options.store.get<SimulatedDeployment>(partition, deploymentId);
      if (!item || item.data.environment !== environment) {
        throw new DeploymentNotFoundError(
          `deployment ${deploymentId} not found in environment ${environment} of service ${service}`,
        );
      }
      const updated = await this.applyAlarms(item.data, now);
      if (!updated) return item;
      try {
        return await this.options.store.put(partition, deploymentId, updated, item.version);
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
    throw new VersionConflictError(
      `deployment ${deploymentId}: settle lost ${maxAttempts} races with other writers`,
    );
  }

  private async applyAlarms(
    deployment: SimulatedDeployment,
    now: Date,
  ): Promise<SimulatedDeployment | undefined> {
    if (deployment.ended) return undefined;
    const timeline = deploymentTimeline(deployment.strategy);
    const startMs = Date.parse(deployment.startedAt);
    const afterMs = deployment.evaluatedThrough ? Date.parse(deployment.evaluatedThrough) : startMs;
    // At the end of the bake the deployment is COMPLETE and no longer eligible for automatic rollback.
    const throughMs = Math.min(now.getTime(), startMs + timeline.bakeEndSeconds * 1000 - 1);
    if (throughMs <= afterMs) return undefined;
    const ticks = await this.options.alarms.alarmHistory(
      deployment.service,
      afterMs,
      throughMs,
      deployment.monitors,
    );
    if (ticks.length === 0) return undefined;
    let watched = deployment;
    for (const tick of ticks) {
      const percentage = percentageAt(timeline, (tick.at.getTime() - startMs) / 1000);
      const tripped = tick.alarms.find((alarm) => alarm.actionsEnabled && alarm.state !== 'OK');
      if (tripped && tripped.state !== 'OK') {
        return {
          ...watched,
          evaluatedThrough: tick.at.toISOString(),
          ended: {
            state: 'ROLLED_BACK',
            at: tick.at.toISOString(),
            triggeredBy: 'CLOUDWATCH_ALARM',
            alarm: tripped.name,
            alarmState: tripped.state,
            percentage,
          },
        };
      }
      // Out of OK with its actions disabled: AppConfig goes on, the releaser reports what it saw.
      const ignored = tick.alarms.find((alarm) => !alarm.actionsEnabled && alarm.state !== 'OK');
      if (!watched.tripped && ignored && ignored.state !== 'OK') {
        watched = {
          ...watched,
          tripped: { alarm: ignored.name, state: ignored.state, at: tick.at.toISOString(), percentage },
        };
      }
    }
    return { ...watched, evaluatedThrough: ticks[ticks.length - 1]!.at.toISOString() };
  }
}

export interface LocalReleaseOptions {
  store: StateStore;
  clock: Clock;
  ids: IdSource;
  baselines: Readonly<Record<string, ServiceBaseline>>;
  defaultBaseline?: ServiceBaseline;
  noise?: number;
  faults?: FaultSource;
}

/** The whole local release side wired together: synthetic metrics → CloudWatch alarms → AppConfig, telemetry. */
export function createLocalRelease(options: LocalReleaseOptions): {
  releaser: LocalAppConfig;
  telemetry: SyntheticTelemetry;
  cloudwatch: LocalCloudWatch;
  metrics: SyntheticMetrics;
} {
  const metrics = new SyntheticMetrics({
    store: options.store,
    baselines: options.baselines,
    ...(options.defaultBaseline ? { defaultBaseline: options.defaultBaseline } : {}),
    ...(options.noise !== undefined ? { noise: options.noise } : {}),
  });
  const cloudwatch = new LocalCloudWatch({ metrics, store: options.store, clock: options.clock });
  const telemetry = new SyntheticTelemetry({ metrics, alarms: cloudwatch });
  const releaser = new LocalAppConfig({
    store: options.store,
    clock: options.clock,
    alarms: cloudwatch,
    ids: options.ids,
    ...(options.faults ? { faults: options.faults } : {}),
  });
  return { releaser, telemetry, cloudwatch, metrics };
}
