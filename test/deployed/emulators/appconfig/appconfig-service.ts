import type { ValidateFunction } from 'ajv';
import type { AlarmMonitor } from '../../../../lambdas/adapters/local/appconfig-simulator.js';
import { LocalAppConfig } from '../../../../lambdas/adapters/local/appconfig-simulator.js';
import {
  type SimulatedDeployment,
  simulatorKeys,
} from '../../../../lambdas/adapters/local/simulated-deployment.js';
import { InvalidInputError, LaneBusyError } from '../../../../lambdas/core/errors.js';
import { validateStrategy } from '../../../../lambdas/core/release/timeline.js';
import type { Clock } from '../../../../lambdas/ports/clock.js';
import type { DeploymentStatus, DeploymentStrategy } from '../../../../lambdas/ports/releaser.js';
import { MemoryStateStore } from '../../../unit/release/helpers/memory-state-store.js';
import type { AlarmStateSource } from '../alarm-state-source.js';
import { type DeploymentRecord, deploymentView } from './deployment-view.js';
import {
  BadRequestException,
  ConflictException,
  type InvalidConfigurationDetail,
  ResourceNotFoundException,
} from './errors.js';
import { featureFlagsViolations } from './feature-flags-format.js';
import { compileJsonSchemaValidator, jsonSchemaViolations } from './json-schema-validators.js';
import { predefinedStrategies } from './predefined-strategies.js';

/**
 * The AppConfig control plane the endpoint serves, in memory, with deployments run by the project's local
 * simulator (`LocalAppConfig`: the documented timeline, one deployment per environment, rollback on the first
 * alarm evaluation that finds a monitor out of OK) on the clock it is given. What AWS enforces and where it
 * says so is noted at each rule.
 */

type Json = Record<string, unknown>;

export const featureFlagsType = 'AWS.AppConfig.FeatureFlags';
export const freeformType = 'AWS.Freeform';

/** "AWS AppConfig only allows a revert within 72 hours of deployment completion" (API_StopDeployment). */
const revertWindowMs = 72 * 3_600_000;

interface Environment {
  ApplicationId: string;
  Id: string;
  Name: string;
  Description?: string;
  Monitors: Array<{ AlarmArn: string; AlarmRoleArn?: string }>;
  simulator: LocalAppConfig;
  deployments: DeploymentRecord[];
}

interface Profile {
  ApplicationId: string;
  Id: string;
  Name: string;
  Description?: string;
  LocationUri: string;
  Type: string;
  Validators: Array<{ Type: string; Content: string }>;
  schemaValidators: ValidateFunction[];
  versions: HostedVersion[];
}

export interface HostedVersion {
  ApplicationId: string;
  ConfigurationProfileId: string;
  VersionNumber: number;
  Description?: string;
  ContentType: string;
  VersionLabel?: string;
  content: Buffer;
}

interface Strategy extends DeploymentStrategy {
  Id: string;
  Description?: string;
  ReplicateTo: string;
}

/** CloudWatch alarm ARN: the monitor names its alarm by it. */
const alarmArnPattern = /^arn:aws[\w-]*:cloudwatch:[\w-]+:\d{12}:alarm:(.+)$/;

function required<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null || value === '') {
    throw new BadRequestException(`${field} is required`);
  }
  return value;
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BadRequestException(`${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export class AppConfigService {
  private readonly applications = new Map<string, Json>();
  private readonly environments = new Map<string, Environment>();
  private readonly profiles = new Map<string, Profile>();
  private readonly strategies = new Map<string, Strategy>();
  private readonly store = new MemoryStateStore();
  private counter = 0;

  constructor(
    private readonly clock: Clock,
    private readonly alarms: AlarmStateSource,
  ) {}

  /** Ids match AppConfig's pattern `[a-z0-9]{4,7}`. */
  private nextId(): string {
    this.counter += 1;
    return `e${this.counter.toString(36).padStart(6, '0')}`;
  }

  createApplication(body: Json): Json {
    const application = {
      Id: this.nextId(),
      Name: required(body.Name as string | undefined, 'Name'),
      ...(body.Description ? { Description: body.Description } : {}),
    };
    this.applications.set(application.Id, application);
    return application;
  }

  getApplication(applicationId: string): Json {
    const application = this.applications.get(applicationId);
    if (!application) {
      throw new ResourceNotFoundException(`Application ${applicationId} not found`, 'Application');
    }
    return application;
  }

  /**
   * Monitors: "AlarmArn … Amazon Resource Name (ARN) of the Amazon CloudWatch alarm", at most 5
   * (https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_Monitor.html,
   * https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateEnvironment.html).
   */
  createEnvironment(applicationId: string, body: Json): Json {
    this.getApplication(applicationId);
    const monitors = (body.Monitors as Environment['Monitors'] | undefined) ?? [];
    if (monitors.length > 5) throw new BadRequestException('Monitors must hold at most 5 items');
    for (const monitor of monitors) {
      if (!alarmArnPattern.test(required(monitor.AlarmArn, 'Monitors.AlarmArn'))) {
        throw new BadRequestException(`Monitors.AlarmArn ${monitor.AlarmArn} is not a CloudWatch alarm ARN`);
      }
    }
    const id = this.nextId();
    const alarmNames = monitors.map((m) => alarmArnPattern.exec(m.AlarmArn)?.[1] ?? m.AlarmArn);
    let number = 0;
    const environment: Environment = {
      ApplicationId: applicationId,
      Id: id,
      Name: required(body.Name as string | undefined, 'Name'),
      ...(body.Description ? { Description: body.Description as string } : {}),
      Monitors: monitors.map((m) => ({
        AlarmArn: m.AlarmArn,
        ...(m.AlarmRoleArn ? { AlarmRoleArn: m.AlarmRoleArn } : {}),
      })),
      simulator: new LocalAppConfig({
        store: this.store,
        clock: this.clock,
        // AppConfig numbers deployments per environment from 1.
        ids: { next: () => String(++number) },
        alarms: this.monitorOf(alarmNames),
      }),
      deployments: [],
    };
    this.environments.set(`${applicationId}/${id}`, environment);
    return this.environmentView(environment);
  }

  /** The simulator's alarm side for one environment: its monitors' alarms, as the alarm-state source says. */
  private monitorOf(alarmNames: readonly string[]): AlarmMonitor {
    const names = () => [...alarmNames];
    const notOffered = async () => {
      // AppConfig has no per-deployment switch for its monitors; alarm actions change through CloudWatch.
      throw new Error('the AppConfig endpoint never starts a deployment with its monitors observing only');
    };
    return {
      monitorsFor: names,
      // Alarm actions are CloudWatch's; the alarm-state source reads them itself.
      actionsEnabled: async () => true,
      disableAlarmActions: notOffered,
      enableAlarmActions: notOffered,
      alarmHistory: (_service, afterMs, throughMs, only) =>
        this.alarms.alarmHistory(only ?? names(), afterMs, throughMs),
    };
  }

  private environment(applicationId: string, environmentId: string): Environment {
    this.getApplication(applicationId);
    const environment = this.environments.get(`${applicationId}/${environmentId}`);
    if (!environment) {
      throw new ResourceNotFoundException(`Environment ${environmentId} not found`, 'Environment');
    }
    return environment;
  }

  /** The environment's State follows its latest deployment (EnvironmentState in the API reference). */
  async getEnvironment(applicationId: string, environmentId: string): Promise<Json> {
    const environment = this.environment(applicationId, environmentId);
    const latest = environment.deployments.at(-1);
    let state = 'READY_FOR_DEPLOYMENT';
    if (latest) {
      const view = await this.view(environment, latest);
      const deploymentState = view.State as string;
      if (deploymentState === 'DEPLOYING' || deploymentState === 'BAKING') state = 'DEPLOYING';
      else if (deploymentState === 'ROLLED_BACK' || deploymentState === 'REVERTED') state = deploymentState;
    }
    return { ...this.environmentView(environment), State: state };
  }

  private environmentView(environment: Environment): Json {
    const { simulator: _simulator, deployments: _deployments, ...view } = environment;
    return { ...view, State: 'READY_FOR_DEPLOYMENT' };
  }

  /**
   * Type is AWS.AppConfig.FeatureFlags or AWS.Freeform (API_CreateConfigurationProfile). A feature-flag profile
   * "must use hosted for the location URI"
   * (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-feature-flag-configuration-commandline.html).
   * At most two validators; JSON Schema validators are "Supported for free form configurations" only, and
   * are read as draft-04 (json-schema-validators.ts)
   * (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-configuration-and-profile-validators.html).
   */
  createConfigurationProfile(applicationId: string, body: Json): Json {
    this.getApplication(applicationId);
    const type = (body.Type as string | undefined) ?? freeformType;
    if (type !== featureFlagsType && type !== freeformType) {
      throw new BadRequestException(`Type must be ${featureFlagsType} or ${freeformType}, got ${type}`);
    }
    const locationUri = required(body.LocationUri as string | undefined, 'LocationUri');
    if (type === featureFlagsType && locationUri !== 'hosted') {
      throw new BadRequestException(
        'A feature flag configuration profile must use hosted for the location URI',
      );
    }
    const validators = (body.Validators as Profile['Validators'] | undefined) ?? [];
    if (validators.length > 2) throw new BadRequestException('Validators must hold at most 2 items');
    const schemaValidators: ValidateFunction[] = [];
    for (const validator of validators) {
      if (validator.Type === 'JSON_SCHEMA') {
        if (type === featureFlagsType) {
          throw new BadRequestException(
            'JSON Schema validators are supported for free form configurations only; AppConfig validates feature flags itself',
          );
        }
        schemaValidators.push(compileJsonSchemaValidator(required(validator.Content, 'Validators.Content')));
      } else if (validator.Type === 'LAMBDA') {
        throw new NotEmulatedError('LAMBDA validators are not emulated');
      } else {
        throw new BadRequestException(`Validators.Type must be JSON_SCHEMA or LAMBDA, got ${validator.Type}`);
      }
    }
    const profile: Profile = {
      ApplicationId: applicationId,
      Id: this.nextId(),
      Name: required(body.Name as string | undefined, 'Name'),
      ...(body.Description ? { Description: body.Description as string } : {}),
      LocationUri: locationUri,
      Type: type,
      Validators: validators.map((v) => ({ Type: v.Type, Content: v.Content })),
      schemaValidators,
      versions: [],
    };
    this.profiles.set(`${applicationId}/${profile.Id}`, profile);
    return this.profileView(profile);
  }

  private profile(applicationId: string, profileId: string): Profile {
    this.getApplication(applicationId);
    const profile = this.profiles.get(`${applicationId}/${profileId}`);
    if (!profile) {
      throw new ResourceNotFoundException(
        `Configuration profile ${profileId} not found`,
        'ConfigurationProfile',
      );
    }
    return profile;
  }

  getConfigurationProfile(applicationId: string, profileId: string): Json {
    return this.profileView(this.profile(applicationId, profileId));
  }

  private profileView(profile: Profile): Json {
    const { schemaValidators: _compiled, versions: _versions, ...view } = profile;
    return view;
  }

  /**
   * Limits from API_CreateDeploymentStrategy: DeploymentDurationInMinutes 0–1440, GrowthFactor 1–100,
   * FinalBakeTimeInMinutes 0–1440, GrowthType LINEAR or EXPONENTIAL (the core's `validateStrategy`).
   */
  createDeploymentStrategy(body: Json): Json {
    const strategy: Strategy = {
      Id: this.nextId(),
      name: required(body.Name as string | undefined, 'Name'),
      growthType: ((body.GrowthType as string | undefined) ?? 'LINEAR') as Strategy['growthType'],
      growthFactor: required(body.GrowthFactor as number | undefined, 'GrowthFactor'),
      deploymentDurationInMinutes: integerIn(
        required(body.DeploymentDurationInMinutes, 'DeploymentDurationInMinutes'),
        'DeploymentDurationInMinutes',
        0,
        1440,
      ),
      finalBakeTimeInMinutes: integerIn(body.FinalBakeTimeInMinutes ?? 0, 'FinalBakeTimeInMinutes', 0, 1440),
      ReplicateTo: (body.ReplicateTo as string | undefined) ?? 'NONE',
      ...(body.Description ? { Description: body.Description as string } : {}),
    };
    try {
      validateStrategy(strategy);
    } catch (error) {
      if (error instanceof InvalidInputError) {
        throw new BadRequestException(error.issues.map((i) => `${i.path} ${i.message}`).join('; '));
      }
      throw error;
    }
    this.strategies.set(strategy.Id, strategy);
    return strategyView(strategy);
  }

  /** A strategy by id, or one of AWS's predefined ones by name. */
  getDeploymentStrategy(strategyId: string): Json {
    return strategyView(this.strategy(strategyId));
  }

  private strategy(strategyId: string): Strategy {
    const created = this.strategies.get(strategyId);
    if (created) return created;
    const predefined = predefinedStrategies.get(strategyId);
    if (predefined) return { ...predefined, Id: predefined.name, ReplicateTo: 'NONE' };
    throw new ResourceNotFoundException(`Deployment strategy ${strategyId} not found`, 'DeploymentStrategy');
  }

  /**
   * The profile's checks on content: a feature-flag profile's own format (feature-flags-format.ts), a free-form
   * profile's JSON Schema validators. AppConfig runs them on CreateHostedConfigurationVersion and again on
   * StartDeployment ("Verifies the configuration data is syntactically and semantically correct by using the
   * validators", https://docs.aws.amazon.com/appconfig/latest/userguide/deploying-feature-flags.html).
   */
  private assertValid(profile: Profile, content: Buffer): void {
    const text = content.toString('utf8');
    const details: InvalidConfigurationDetail[] =
      profile.Type === featureFlagsType
        ? featureFlagsViolations(text)
        : profile.schemaValidators.flatMap((validate) => jsonSchemaViolations(validate, text));
    if (details.length > 0) {
      const summary = details.map((d) => `${d.Location} ${d.Reason}`).join('; ');
      throw new BadRequestException(
        profile.Type === featureFlagsType
          ? `Content does not conform to the ${featureFlagsType} schema: ${summary}`
          : `Content failed validation by the JSON_SCHEMA validator: ${summary}`,
        details,
      );
    }
  }

  /**
   * LatestVersionNumber is "an optional locking token used to prevent race conditions from overwriting
   * configuration updates" (API_CreateHostedConfigurationVersion): a stale one is a ConflictException.
   */
  createHostedConfigurationVersion(
    applicationId: string,
    profileId: string,
    content: Buffer,
    headers: {
      contentType?: string;
      description?: string;
      latestVersionNumber?: number;
      versionLabel?: string;
    },
  ): HostedVersion {
    const profile = this.profile(applicationId, profileId);
    if (profile.LocationUri !== 'hosted') {
      throw new BadRequestException(
        `Configuration profile ${profileId} is not in the hosted configuration store`,
      );
    }
    const latest = profile.versions.at(-1)?.VersionNumber ?? 0;
    if (headers.latestVersionNumber !== undefined && headers.latestVersionNumber !== latest) {
      throw new ConflictException(
        `LatestVersionNumber ${headers.latestVersionNumber} is not the latest version (${latest})`,
      );
    }
    this.assertValid(profile, content);
    const version: HostedVersion = {
      ApplicationId: applicationId,
      ConfigurationProfileId: profileId,
      VersionNumber: latest + 1,
      ContentType: required(headers.contentType, 'Content-Type'),
      ...(headers.description ? { Description: headers.description } : {}),
      ...(headers.versionLabel ? { VersionLabel: headers.versionLabel } : {}),
      content: Buffer.from(content),
    };
    profile.versions.push(version);
    return version;
  }

  getHostedConfigurationVersion(
    applicationId: string,
    profileId: string,
    versionNumber: number,
  ): HostedVersion {
    const version = this.profile(applicationId, profileId).versions.find(
      (v) => v.VersionNumber === versionNumber,
    );
    if (!version) {
      throw new ResourceNotFoundException(
        `Hosted configuration version ${versionNumber} not found`,
        'HostedConfigurationVersion',
      );
    }
    return version;
  }

  /**
   * "You can only deploy one configuration at a time to an environment"
   * (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-deploying.html): the simulator's
   * `LaneBusyError` is AppConfig's ConflictException.
   */
  async startDeployment(applicationId: string, environmentId: string, body: Json): Promise<Json> {
    const environment = this.environment(applicationId, environmentId);
    const profile = this.profile(
      applicationId,
      required(body.ConfigurationProfileId as string | undefined, 'ConfigurationProfileId'),
    );
    const strategy = this.strategy(
      required(body.DeploymentStrategyId as string | undefined, 'DeploymentStrategyId'),
    );
    const versionText = required(body.ConfigurationVersion as string | undefined, 'ConfigurationVersion');
    const version = this.getHostedConfigurationVersion(applicationId, profile.Id, Number(versionText));
    this.assertValid(profile, version.content);
    const description = (body.Description as string | undefined) ?? '';
    let status: DeploymentStatus;
    try {
      status = await environment.simulator.start({
        intentId: description,
        service: environment.Id,
        environment: environment.Id,
        profile: profile.Id,
        content: { hostedVersion: version.VersionNumber },
        strategy: {
          name: strategy.name,
          growthType: strategy.growthType,
          growthFactor: strategy.growthFactor,
          deploymentDurationInMinutes: strategy.deploymentDurationInMinutes,
          finalBakeTimeInMinutes: strategy.finalBakeTimeInMinutes,
        },
        description,
      });
    } catch (error) {
      if (error instanceof LaneBusyError) throw new ConflictException(error.message);
      throw error;
    }
    const record: DeploymentRecord = {
      ApplicationId: applicationId,
      EnvironmentId: environment.Id,
      DeploymentStrategyId: strategy.Id,
      ConfigurationProfileId: profile.Id,
      ConfigurationName: profile.Name,
      ConfigurationLocationUri: profile.LocationUri,
      ConfigurationVersion: String(version.VersionNumber),
      Description: description,
      strategy,
      deploymentNumber: Number(status.deploymentId),
      ...(version.VersionLabel ? { VersionLabel: version.VersionLabel } : {}),
    };
    environment.deployments.push(record);
    return this.view(environment, record, status);
  }

  private deploymentRecord(environment: Environment, deploymentNumber: number): DeploymentRecord {
    const record = environment.deployments.find((d) => d.deploymentNumber === deploymentNumber);
    if (!record) {
      throw new ResourceNotFoundException(`Deployment ${deploymentNumber} not found`, 'Deployment');
    }
    return record;
  }

  async getDeployment(applicationId: string, environmentId: string, deploymentNumber: number): Promise<Json> {
    const environment = this.environment(applicationId, environmentId);
    return this.view(environment, this.deploymentRecord(environment, deploymentNumber));
  }

  async listDeployments(applicationId: string, environmentId: string): Promise<Json> {
    const environment = this.environment(applicationId, environmentId);
    const items = [];
    for (const record of [...environment.deployments].reverse()) {
      const {
        EventLog: _events,
        ApplicationId: _a,
        EnvironmentId: _e,
        DeploymentStrategyId: _s,
        Description: _d,
        ConfigurationLocationUri: _l,
        ...summary
      } = await this.view(environment, record);
      items.push(summary);
    }
    return { Items: items };
  }

  /**
   * StopDeployment "works only on deployments that have a status of DEPLOYING, unless an AllowRevert parameter
   * is supplied. If the AllowRevert parameter is supplied, the status of an in-progress deployment will be
   * ROLLED_BACK. The status of a completed deployment will be REVERTED. AWS AppConfig only allows a revert
   * within 72 hours of deployment completion."
   * (https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_StopDeployment.html). Anything else is a
   * BadRequestException.
   */
  async stopDeployment(
    applicationId: string,
    environmentId: string,
    deploymentNumber: number,
    allowRevert: boolean,
  ): Promise<Json> {
    const environment = this.environment(applicationId, environmentId);
    const record = this.deploymentRecord(environment, deploymentNumber);
    const id = String(deploymentNumber);
    const current = record.revertedAt
      ? undefined
      : await environment.simulator.check(environment.Id, environment.Id, id);
    const state = record.revertedAt ? 'REVERTED' : current!.state;
    if (state === 'DEPLOYING' || (state === 'BAKING' && allowRevert)) {
      return this.view(
        environment,
        record,
        await environment.simulator.stop(environment.Id, environment.Id, id),
      );
    }
    if (state === 'COMPLETE' && allowRevert) {
      const completedMs = Date.parse(current!.completedAt!);
      if (this.clock.now().getTime() - completedMs > revertWindowMs) {
        throw new BadRequestException(
          `Deployment ${deploymentNumber} completed more than 72 hours ago and can no longer be reverted`,
        );
      }
      record.revertedAt = this.clock.now().toISOString();
      return this.view(environment, record, current);
    }
    throw new BadRequestException(
      state === 'BAKING' || state === 'COMPLETE'
        ? `Deployment ${deploymentNumber} is ${state}: only a DEPLOYING deployment can be stopped unless AllowRevert is set`
        : `Deployment ${deploymentNumber} is ${state} and cannot be stopped`,
    );
  }

  /** The deployment as AppConfig returns it, settled to now (alarm evaluations applied). */
  private async view(
    environment: Environment,
    record: DeploymentRecord,
    status?: DeploymentStatus,
  ): Promise<Json> {
    const id = String(record.deploymentNumber);
    const settled = status ?? (await environment.simulator.check(environment.Id, environment.Id, id));
    const simulated = await this.store.get<SimulatedDeployment>(
      simulatorKeys.deploymentPartition(environment.Id),
      id,
    );
    return deploymentView(record, settled, simulated?.data, (alarm) => this.alarmArn(environment, alarm));
  }

  private alarmArn(environment: Environment, alarmName: string): string {
    return (
      environment.Monitors.find((monitor) => alarmArnPattern.exec(monitor.AlarmArn)?.[1] === alarmName)
        ?.AlarmArn ?? alarmName
    );
  }
}

/** An AppConfig feature this endpoint does not emulate; the endpoint answers 501 rather than pretend. */
export class NotEmulatedError extends Error {
  readonly status = 501;

  constructor(message: string) {
    super(message);
    this.name = 'NotEmulatedError';
  }
}

function strategyView(strategy: Strategy): Json {
  return {
    Id: strategy.Id,
    Name: strategy.name,
    ...(strategy.Description ? { Description: strategy.Description } : {}),
    DeploymentDurationInMinutes: strategy.deploymentDurationInMinutes,
    GrowthType: strategy.growthType,
    GrowthFactor: strategy.growthFactor,
    FinalBakeTimeInMinutes: strategy.finalBakeTimeInMinutes,
    ReplicateTo: strategy.ReplicateTo,
  };
}
