import {
  type AppConfigClient,
  CreateHostedConfigurationVersionCommand,
  type Deployment,
  GetDeploymentCommand,
  StartDeploymentCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-appconfig';
import { ConfigurationError, InvalidInputError, LaneBusyError } from '../../core/errors.js';
import { DeploymentNotFoundError, DeploymentNotStoppableError } from '../../core/release/errors.js';
import type { DeploymentEvent, DeploymentStatus, ReleaseRequest, Releaser } from '../../ports/releaser.js';
import { transientOr } from './transient-errors.js';

/**
 * `Releaser` on AWS AppConfig gradual deployments: the content becomes a hosted configuration version (the
 * profile's JSON Schema validator checks it), then StartDeployment with the chosen strategy; the environment's
 * CloudWatch alarm monitors roll it back. The deployment id is AppConfig's deployment number. Events are
 * returned oldest first (AppConfig lists them newest first). `ReleaseRequest.fault` is local-only and ignored.
 */

export interface AppConfigReleaserOptions {
  client: AppConfigClient;
  applicationId: string;
  /** Service → AppConfig environment id. */
  environments: Readonly<Record<string, string>>;
  /** 'service/profile' → configuration profile id. */
  profiles: Readonly<Record<string, string>>;
  /** Strategy name → deployment strategy id; AWS's predefined `AppConfig.*` strategies use their name as id. */
  strategies: Readonly<Record<string, string>>;
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

  async start(request: ReleaseRequest): Promise<DeploymentStatus> {
    const environmentId = this.environmentId(request.service);
    const profileKey = `${request.service}/${request.profile}`;
    const profileId = this.options.profiles[profileKey];
    if (!profileId) throw new ConfigurationError(`no AppConfig configuration profile id for ${profileKey}`);
    const strategyId =
      this.options.strategies[request.strategy.name] ??
      (request.strategy.name.startsWith('AppConfig.') ? request.strategy.name : undefined);
    if (!strategyId)
      throw new ConfigurationError(`no AppConfig deployment strategy id for ${request.strategy.name}`);

    const version = await this.call('CreateHostedConfigurationVersion', () =>
      this.options.client.send(
        new CreateHostedConfigurationVersionCommand({
          ApplicationId: this.options.applicationId,
          ConfigurationProfileId: profileId,
          Content: new TextEncoder().encode(JSON.stringify(request.content)),
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
    const deployment = await this.call(
      'StartDeployment',
      () =>
        this.options.client.send(
          new StartDeploymentCommand({
            ApplicationId: this.options.applicationId,
            EnvironmentId: environmentId,
            DeploymentStrategyId: strategyId,
            ConfigurationProfileId: profileId,
            ConfigurationVersion: String(version.VersionNumber),
            Description: request.description.slice(0, 1024),
            Tags: { 'itv:intent': request.intentId },
          }),
        ),
      `environment of ${request.service}`,
    );
    return toStatus(deployment);
  }

  async check(service: string, environment: string, deploymentId: string): Promise<DeploymentStatus> {
    const deployment = await this.call(
      'GetDeployment',
      () =>
        this.options.client.send(
          new GetDeploymentCommand({
            ApplicationId: this.options.applicationId,
            EnvironmentId: this.environmentId(service),
            DeploymentNumber: deploymentNumber(deploymentId),
          }),
        ),
      `deployment ${deploymentId} in environment ${environment}`,
    );
    return toStatus(deployment);
  }

  async stop(service: string, environment: string, deploymentId: string): Promise<DeploymentStatus> {
    try {
      const deployment = await this.call(
        'StopDeployment',
        () =>
          this.options.client.send(
            new StopDeploymentCommand({
              ApplicationId: this.options.applicationId,
              EnvironmentId: this.environmentId(service),
              DeploymentNumber: deploymentNumber(deploymentId),
            }),
          ),
        `deployment ${deploymentId} in environment ${environment}`,
      );
      return toStatus(deployment);
    } catch (error) {
      if (errorName(error) !== 'BadRequestException') throw error;
      // StopDeployment works only on in-progress deployments: a rolled-back one is already where a stop
      // would take it, a completed one needs AllowRevert, which the port does not offer.
      const status = await this.check(service, environment, deploymentId);
      if (status.state === 'ROLLED_BACK' || status.state === 'REVERTED') return status;
      throw new DeploymentNotStoppableError(
        `deployment ${deploymentId} in environment ${environment} is ${status.state}: ${errorMessage(error)}`,
        { cause: error },
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
