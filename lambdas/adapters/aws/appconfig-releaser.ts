import {
  type AppConfigClient,
  CreateHostedConfigurationVersionCommand,
  type Deployment,
  type DeploymentSummary,
  GetDeploymentCommand,
  GetEnvironmentCommand,
  ListDeploymentsCommand,
  StartDeploymentCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-appconfig';
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
} from '@aws-sdk/client-cloudwatch';
import type { Service } from '../../core/catalog-schema.js';
import { ConfigurationError, InvalidInputError, LaneBusyError } from '../../core/errors.js';
import { alarmName, serviceMetrics } from '../../core/release/alarms.js';
import { isInProgress } from '../../core/release/deployment-status.js';
import {
  DeploymentNotFoundError,
  DeploymentNotStoppableError,
  StopRefusedError,
} from '../../core/release/errors.js';
import { featureFlagExposure, freeformExposure } from '../../core/release/exposure-document.js';
import { type FeatureFlagDocument, featureFlagDocument } from '../../core/release/feature-flag-document.js';
import type {
  DeploymentEvent,
  DeploymentStatus,
  LaneMonitors,
  MonitorState,
  ReleaseRequest,
  Releaser,
  TrippedMonitor,
} from '../../ports/releaser.js';
import { transientOr } from './transient-errors.js';

/**
 * `Releaser` on AWS AppConfig gradual deployments: the content becomes a hosted configuration version, then
 * StartDeployment with the chosen strategy; the environment's
 * CloudWatch alarm monitors roll it back. A free-form profile hosts the payload itself, checked by the profile's
 * JSON Schema validator; a feature-flag profile takes only AppConfig's own flag format, which AWS validates
 * (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-type-reference-feature-flags.html), so
 * the payload is written as that document, with attribute constraints from the catalog's contract
 * (`featureFlagDocument`). The deployment id is AppConfig's deployment number. Events are
 * returned oldest first (AppConfig lists them newest first).
 *
 * A release that must not be rolled back (`rollbackOnAlarm: false`): AppConfig's monitors belong to the
 * environment, not the deployment, and "a deployment doesn't automatically roll back if actions have been
 * disabled" on the alarm (https://docs.aws.amazon.com/appconfig/latest/userguide/monitoring-deployments.html).
 * So, with the environment idle, the monitors' alarm actions are disabled (DisableAlarmActions), the deployment
 * is started with a marker in its description, each poll reads the monitors (DescribeAlarms) and reports the
 * first one out of OK, and once the deployment ends the actions are enabled again. The marker lets any later
 * poll, from any Lambda, know the actions are its to restore. Needs the `cloudwatch` option.
 *
 * Every path out of a release restores them, not only a poll that sees the end: the pipeline's failure path
 * (RestoreMonitors) and the reconciler read `monitors` — the alarms' `ActionsEnabled` and the environment's
 * latest deployment — and call `enableMonitors` once no observe-only deployment is in progress. Between
 * DisableAlarmActions and StartDeployment a restorer sees disabled monitors and no observe-only deployment yet,
 * so a start disables them once more after StartDeployment: whichever of the two writes last, the actions end
 * disabled while the deployment runs (each side writes, then reads what the other wrote).
 */

/** Marks a deployment whose monitors' alarm actions this adapter disabled. */
export const observeOnlyMarker = '[itv: monitors observe only]';

export interface AppConfigReleaserOptions {
  client: AppConfigClient;
  applicationId: string;
  /** Service → AppConfig environment id. */
  environments: Readonly<Record<string, string>>;
  /** 'service/profile' → configuration profile id. */
  profiles: Readonly<Record<string, string>>;
  /** Strategy name → deployment strategy id; AWS's predefined `AppConfig.*` strategies use their name as id. */
  strategies: Readonly<Record<string, string>>;
  /** The catalog's services: each profile's type and contracts decide what content AppConfig hosts. */
  services: Readonly<Record<string, Pick<Service, 'profiles'>>>;
  /** For releases with `rollbackOnAlarm: false`; without it they are refused. */
  cloudwatch?: CloudWatchClient;
  /** Alarm names a service's environment monitors; default the stack's `alarmName` for each service metric. */
  monitorsFor?: (service: string) => string[];
  /** The stack's name prefix its rollback alarms carry (`ITV_NAME_PREFIX`); default `itv`, the default stack's. */
  alarmPrefix?: string;
}

/** What the releaser reads of a monitor: the fields metric and composite alarms share. */
interface DescribedMonitor {
  AlarmName?: string;
  ActionsEnabled?: boolean;
  StateValue?: string;
  StateUpdatedTimestamp?: Date;
}

interface NamedError {
  name?: string;
  message?: string;
}

function errorName(error: unknown): string {
  return (error as NamedError | null)?.name ?? '';
}

function errorMessage(error: unknown): string {
  return (error as NamedError | null)?.message ?? String(error);
}

export class AppConfigReleaser implements Releaser {
  constructor(private readonly options: AppConfigReleaserOptions) {}

  /** CreateHostedConfigurationVersion of the request's content; its VersionNumber. */
  async prepare(request: ReleaseRequest): Promise<string> {
    const profileKey = `${request.service}/${request.profile}`;
    const profileId = this.profileId(profileKey);
    const content = this.hostedContent(request, profileKey);
    const version = await this.call('CreateHostedConfigurationVersion', () =>
      this.options.client.send(
        new CreateHostedConfigurationVersionCommand({
          ApplicationId: this.options.applicationId,
          ConfigurationProfileId: profileId,
          Content: new TextEncoder().encode(JSON.stringify(content)),
          ContentType: 'application/json',
          Description: request.description.slice(0, 1024),
        }),
      ),
    ).catch((error: unknown) => {
      if (errorName(error) === 'BadRequestException' || errorName(error) === 'PayloadTooLargeException') {
        throw new InvalidInputError(`AppConfig rejected the configuration for ${profileKey}`, [
          { path: 'content', message: errorMessage(error) },
        ]);
      }
      throw error;
    });
    if (version.VersionNumber === undefined) {
      throw new ConfigurationError(
        `AppConfig created a configuration version for ${profileKey} without a number`,
      );
    }
    return String(version.VersionNumber);
  }

  private profileId(profileKey: string): string {
    const profileId = this.options.profiles[profileKey];
    if (!profileId) throw new ConfigurationError(`no AppConfig configuration profile id for ${profileKey}`);
    return profileId;
  }

  async start(request: ReleaseRequest): Promise<DeploymentStatus> {
    const environmentId = this.environmentId(request.service);
    const profileKey = `${request.service}/${request.profile}`;
    const profileId = this.profileId(profileKey);
    const strategyId =
      this.options.strategies[request.strategy.name] ??
      (request.strategy.name.startsWith('AppConfig.') ? request.strategy.name : undefined);
    if (!strategyId)
      throw new ConfigurationError(`no AppConfig deployment strategy id for ${request.strategy.name}`);
    const observeOnly = request.rollbackOnAlarm === false;
    if (observeOnly && !this.options.cloudwatch) {
      throw new ConfigurationError(
        `a release of ${request.service} that must not roll back needs the CloudWatch client to disable its monitors' alarm actions`,
      );
    }

    const description = observeOnly ? `${observeOnlyMarker} ${request.description}` : request.description;
    if (request.configurationVersion !== undefined) {
      const own = await this.ownDeployment(request, environmentId, profileId, description.slice(0, 1024));
      if (own) return toStatus(own);
    }
    const version = request.configurationVersion ?? (await this.prepare(request));
    if (observeOnly) {
      // Never strip the monitors of a deployment already running in the environment.
      await this.assertEnvironmentIdle(request.service, environmentId);
      await this.setAlarmActions(request.service, false);
    }
    let deployment: Deployment;
    try {
      deployment = await this.call(
        'StartDeployment',
        () =>
          this.options.client.send(
            new StartDeploymentCommand({
              ApplicationId: this.options.applicationId,
              EnvironmentId: environmentId,
              DeploymentStrategyId: strategyId,
              ConfigurationProfileId: profileId,
              ConfigurationVersion: version,
              Description: description.slice(0, 1024),
              Tags: { 'itv:intent': request.intentId },
            }),
          ),
        `environment of ${request.service}`,
      );
    } catch (error) {
      if (observeOnly) await this.setAlarmActions(request.service, true);
      throw error;
    }
    // A restorer may have enabled them between the first disable and the start (see the opening comment).
    if (observeOnly) await this.setAlarmActions(request.service, false);
    return toStatus(deployment);
  }

  /** What AppConfig hosts for the profile: AppConfig's flag document for a feature-flag profile, else the payload. */
  private hostedContent(request: ReleaseRequest, profileKey: string): Record<string, unknown> {
    const profile = this.options.services[request.service]?.profiles[request.profile];
    if (!profile) throw new ConfigurationError(`no catalog profile ${profileKey}`);
    const exposure = request.exposure;
    if (profile.type !== 'feature-flags') {
      return exposure
        ? { ...freeformExposure(request.content, exposure.previous, exposure.percentage, request.intentId) }
        : request.content;
    }
    const version =
      request.contractVersion ??
      Object.keys(profile.contracts)
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
        .at(-1);
    // A version a schema update released comes with the request; the catalog holds the others.
    const contract = request.contract ?? (version === undefined ? undefined : profile.contracts[version]);
    if (!contract) {
      throw new InvalidInputError(`no contract ${version} for ${profileKey}`, [
        { path: 'contractVersion', message: `must be a contract version of ${profileKey} in the catalog` },
      ]);
    }
    const document = featureFlagDocument(request.content, contract);
    if (!exposure) return { ...document };
    const previous = exposure.previous as FeatureFlagDocument['values'] | undefined;
    return { ...featureFlagExposure(document, previous, exposure.percentage) };
  }

  async check(service: string, environment: string, deploymentId: string): Promise<DeploymentStatus> {
    const deployment = await this.getDeployment(service, environment, deploymentNumber(deploymentId));
    return this.watched(service, deployment);
  }

  /**
   * StopDeployment "works only on deployments that have a status of DEPLOYING, unless an AllowRevert parameter
   * is supplied. If the AllowRevert parameter is supplied, the status of an in-progress deployment will be
   * ROLLED_BACK. The status of a completed deployment will be REVERTED"
   * (https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_StopDeployment.html). So a deployment
   * found BAKING is stopped again with AllowRevert, which rolls it back; should it complete in between, that
   * call reverts it, which is still what the stop asked for. A COMPLETE one is not in progress: not stoppable.
   */
  async stop(service: string, environment: string, deploymentId: string): Promise<DeploymentStatus> {
    try {
      return await this.stopDeployment(service, environment, deploymentId, false);
    } catch (error) {
      if (errorName(error) !== 'BadRequestException') throw error;
      const status = await this.refusedStop(service, environment, deploymentId, error, 'BAKING');
      if (status.state !== 'BAKING') return status;
      try {
        return await this.stopDeployment(service, environment, deploymentId, true);
      } catch (again) {
        if (errorName(again) !== 'BadRequestException') throw again;
        return this.refusedStop(service, environment, deploymentId, again);
      }
    }
  }

  /**
   * What a refused StopDeployment leaves: a rolled-back or reverted deployment (already where a stop takes it),
   * one in the state the caller can still stop another way (`retryable`: BAKING, with AllowRevert), or else an
   * error naming what it is — COMPLETE is not stoppable, anything still in progress refused the stop.
   */
  private async refusedStop(
    service: string,
    environment: string,
    deploymentId: string,
    refusal: unknown,
    retryable?: DeploymentStatus['state'],
  ): Promise<DeploymentStatus> {
    const status = await this.check(service, environment, deploymentId);
    if (status.state === 'ROLLED_BACK' || status.state === 'REVERTED' || status.state === retryable) {
      return status;
    }
    const what = `deployment ${deploymentId} in environment ${environment} is ${status.state}: ${errorMessage(refusal)}`;
    if (status.state === 'COMPLETE') throw new DeploymentNotStoppableError(what, { cause: refusal });
    throw new StopRefusedError(`AppConfig refused to stop ${what}`, { cause: refusal });
  }

  /**
   * The environment's latest deployment when it is the one this request started before (see `Releaser.start`):
   * ListDeployments lists the newest first, with each one's configuration version, which was hosted for this intent
   * alone; GetDeployment then confirms the profile and the description only on a match.
   */
  private async ownDeployment(
    request: ReleaseRequest,
    environmentId: string,
    profileId: string,
    description: string,
  ): Promise<Deployment | undefined> {
    const latest = await this.latestDeployment(environmentId, `environment of ${request.service}`);
    if (latest?.DeploymentNumber === undefined) return undefined;
    if (latest.ConfigurationVersion !== request.configurationVersion) return undefined;
    if (String(latest.DeploymentNumber) === request.supersedes) return undefined;
    const deployment = await this.getDeployment(
      request.service,
      request.environment,
      latest.DeploymentNumber,
    );
    const own = deployment.ConfigurationProfileId === profileId && deployment.Description === description;
    return own ? deployment : undefined;
  }

  /** The environment's latest deployment: ListDeployments lists the newest first. */
  private async latestDeployment(
    environmentId: string,
    subject: string,
  ): Promise<DeploymentSummary | undefined> {
    const listed = await this.call(
      'ListDeployments',
      () =>
        this.options.client.send(
          new ListDeploymentsCommand({
            ApplicationId: this.options.applicationId,
            EnvironmentId: environmentId,
            MaxResults: 1,
          }),
        ),
      subject,
    );
    return listed.Items?.[0];
  }

  private getDeployment(service: string, environment: string, number: number): Promise<Deployment> {
    return this.call(
      'GetDeployment',
      () =>
        this.options.client.send(
          new GetDeploymentCommand({
            ApplicationId: this.options.applicationId,
            EnvironmentId: this.environmentId(service),
            DeploymentNumber: number,
          }),
        ),
      `deployment ${number} in environment ${environment}`,
    );
  }

  private async stopDeployment(
    service: string,
    environment: string,
    deploymentId: string,
    allowRevert: boolean,
  ): Promise<DeploymentStatus> {
    const deployment = await this.call(
      'StopDeployment',
      () =>
        this.options.client.send(
          new StopDeploymentCommand({
            ApplicationId: this.options.applicationId,
            EnvironmentId: this.environmentId(service),
            DeploymentNumber: deploymentNumber(deploymentId),
            ...(allowRevert ? { AllowRevert: true } : {}),
          }),
        ),
      `deployment ${deploymentId} in environment ${environment}`,
    );
    return this.watched(service, deployment);
  }

  /**
   * The status, and for a deployment whose alarm actions this adapter disabled: the first monitor out of OK
   * while it runs, or the actions enabled again once it has ended (idempotent, so every later poll may do it).
   */
  private async watched(service: string, deployment: Deployment): Promise<DeploymentStatus> {
    const status = toStatus(deployment);
    if (!deployment.Description?.startsWith(observeOnlyMarker) || !this.options.cloudwatch) return status;
    if (!isInProgress(status.state)) {
      await this.setAlarmActions(service, true);
      return status;
    }
    const tripped = await this.trippedMonitor(service, status);
    return tripped ? { ...status, trippedMonitor: tripped } : status;
  }

  /**
   * DescribeAlarms for the monitors' `ActionsEnabled`; when one is disabled, the environment's latest deployment
   * (ListDeployments lists the newest first) and whether it carries the observe-only marker.
   */
  async monitors(service: string, environment: string): Promise<LaneMonitors> {
    const disabled = (await this.describeMonitors(service))
      .filter((alarm) => alarm.ActionsEnabled === false)
      .map((alarm) => alarm.AlarmName ?? 'unknown');
    if (disabled.length === 0) return { disabled };
    const environmentId = this.environmentId(service);
    const latest = (await this.latestDeployment(environmentId, `environment ${environment}`))
      ?.DeploymentNumber;
    if (latest === undefined) return { disabled };
    const deployment = await this.getDeployment(service, environment, latest);
    const description = deployment.Description ?? '';
    if (!description.startsWith(observeOnlyMarker)) return { disabled };
    const intentId = /^([A-Za-z0-9._:-]+): /.exec(description.slice(observeOnlyMarker.length + 1))?.[1];
    return {
      disabled,
      observeOnly: {
        deploymentId: String(latest),
        ...(intentId ? { intentId } : {}),
        inProgress: deployment.State !== undefined && isInProgress(deployment.State),
      },
    };
  }

  /** DescribeAlarms for the monitors' `StateValue`, now: CloudWatch keeps no state history to ask of a past instant. */
  async monitorStates(service: string, _environment: string): Promise<MonitorState[]> {
    return (await this.describeMonitors(service)).map((alarm) => ({
      name: alarm.AlarmName ?? 'unknown',
      state:
        alarm.StateValue === 'OK' || alarm.StateValue === 'ALARM' ? alarm.StateValue : 'INSUFFICIENT_DATA',
    }));
  }

  async enableMonitors(service: string, _environment: string): Promise<string[]> {
    this.cloudwatchFor(service);
    await this.setAlarmActions(service, true);
    return this.monitorNames(service);
  }

  /** The service's monitors as DescribeAlarms has them now, metric and composite alike. */
  private async describeMonitors(service: string): Promise<DescribedMonitor[]> {
    const cloudwatch = this.cloudwatchFor(service);
    try {
      const described = await cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNames: this.monitorNames(service) }),
      );
      return [...(described.MetricAlarms ?? []), ...(described.CompositeAlarms ?? [])];
    } catch (error) {
      throw transientOr(error, 'CloudWatch DescribeAlarms');
    }
  }

  private cloudwatchFor(service: string): CloudWatchClient {
    if (!this.options.cloudwatch) {
      throw new ConfigurationError(`reading the monitors of ${service} needs the CloudWatch client`);
    }
    return this.options.cloudwatch;
  }

  private monitorNames(service: string): string[] {
    return (
      this.options.monitorsFor?.(service) ??
      serviceMetrics.map((metric) => alarmName(service, metric, this.options.alarmPrefix))
    );
  }

  private async setAlarmActions(service: string, enabled: boolean): Promise<void> {
    const client = this.options.cloudwatch;
    if (!client) return;
    const AlarmNames = this.monitorNames(service);
    try {
      await client.send(
        enabled
          ? new EnableAlarmActionsCommand({ AlarmNames })
          : new DisableAlarmActionsCommand({ AlarmNames }),
      );
    } catch (error) {
      throw transientOr(error, `CloudWatch ${enabled ? 'EnableAlarmActions' : 'DisableAlarmActions'}`);
    }
  }

  /** DescribeAlarms is a point in time: the monitor out of OK now, dated when it changed (not before the start). */
  private async trippedMonitor(
    service: string,
    status: DeploymentStatus,
  ): Promise<TrippedMonitor | undefined> {
    const alarms = await this.describeMonitors(service);
    const startedMs = Date.parse(status.startedAt);
    const tripped = alarms
      .filter((alarm) => alarm.StateValue === 'ALARM' || alarm.StateValue === 'INSUFFICIENT_DATA')
      .map((alarm) => ({
        alarm: alarm.AlarmName ?? 'unknown',
        state: alarm.StateValue as TrippedMonitor['state'],
        atMs: Math.max(startedMs, alarm.StateUpdatedTimestamp?.getTime() ?? startedMs),
      }))
      .sort((a, b) => a.atMs - b.atMs)[0];
    if (!tripped) return undefined;
    const percentage =
      [...status.events]
        .reverse()
        .find((event) => event.percentage !== undefined && Date.parse(event.at) <= tripped.atMs)
        ?.percentage ?? status.percentageComplete;
    return {
      alarm: tripped.alarm,
      state: tripped.state,
      at: new Date(tripped.atMs).toISOString(),
      percentage,
    };
  }

  private async assertEnvironmentIdle(service: string, environmentId: string): Promise<void> {
    const environment = await this.call(
      'GetEnvironment',
      () =>
        this.options.client.send(
          new GetEnvironmentCommand({
            ApplicationId: this.options.applicationId,
            EnvironmentId: environmentId,
          }),
        ),
      `environment of ${service}`,
    );
    if (environment.State === 'DEPLOYING' || environment.State === 'ROLLING_BACK') {
      throw new LaneBusyError(
        `AppConfig environment of ${service} is ${environment.State}: its monitors protect another deployment`,
      );
    }
  }

  private environmentId(service: string): string {
    const id = this.options.environments[service];
    if (!id) throw new ConfigurationError(`no AppConfig environment id for service ${service}`);
    return id;
  }

  /** Runs one AppConfig call and maps its failures to itv's errors, keeping the cause. */
  private async call<T>(operation: string, send: () => Promise<T>, subject?: string): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const name = errorName(error);
      if (name === 'ConflictException') {
        throw new LaneBusyError(
          `AppConfig ${operation}: ${subject ?? 'environment'} is busy (${errorMessage(error)})`,
          {
            cause: error,
          },
        );
      }
      if (name === 'ResourceNotFoundException') {
        if (operation === 'GetDeployment' || operation === 'StopDeployment') {
          throw new DeploymentNotFoundError(`AppConfig ${operation}: ${subject} not found`, { cause: error });
        }
        throw new ConfigurationError(`AppConfig ${operation}: ${errorMessage(error)}`, { cause: error });
      }
      throw transientOr(error, `AppConfig ${operation}`);
    }
  }
}

function deploymentNumber(deploymentId: string): number {
  const number = Number(deploymentId);
  if (!Number.isInteger(number) || number < 1) {
    throw new InvalidInputError('invalid deployment id', [
      { path: 'deploymentId', message: `must be an AppConfig deployment number, got ${deploymentId}` },
    ]);
  }
  return number;
}

const percentagePattern = /(\d+(?:\.\d+)?)\s*%/;
const alarmArnPattern = /arn:aws[\w-]*:cloudwatch:[\w-]+:\d{12}:alarm:([^\s,;)]+)/;

function toEvent(event: NonNullable<Deployment['EventLog']>[number]): DeploymentEvent {
  const description = event.Description ?? '';
  const mapped: DeploymentEvent = {
    at: (event.OccurredAt ?? new Date(0)).toISOString(),
    type: event.EventType ?? 'UNKNOWN',
    description,
  };
  const percentage = percentagePattern.exec(description);
  if (percentage) mapped.percentage = Number(percentage[1]);
  if (event.TriggeredBy === 'CLOUDWATCH_ALARM') {
    mapped.alarm = alarmArnPattern.exec(description)?.[1] ?? description;
  }
  return mapped;
}

/** AppConfig's Deployment as the port's status; the event log turned oldest first. */
export function toStatus(deployment: Deployment): DeploymentStatus {
  if (deployment.DeploymentNumber === undefined || !deployment.State || !deployment.StartedAt) {
    throw new ConfigurationError(
      'AppConfig returned a deployment without DeploymentNumber, State or StartedAt',
    );
  }
  // "The most recent events are displayed first": reversed, the list only grows at its end between polls.
  const events = [...(deployment.EventLog ?? [])].reverse().map(toEvent);
  return {
    deploymentId: String(deployment.DeploymentNumber),
    state: deployment.State,
    percentageComplete: deployment.PercentageComplete ?? 0,
    startedAt: deployment.StartedAt.toISOString(),
    ...(deployment.CompletedAt ? { completedAt: deployment.CompletedAt.toISOString() } : {}),
    events,
  };
}
