import type { SimulatedDeployment } from '../../../../lambdas/adapters/local/simulated-deployment.js';
import type {
  DeploymentEvent,
  DeploymentStatus,
  DeploymentStrategy,
} from '../../../../lambdas/ports/releaser.js';

/**
 * A deployment as AppConfig's GetDeployment returns it (API_Deployment, API_DeploymentEvent):
 * - timestamps as ISO 8601 date-time strings (the SDK's schema reads StartedAt, CompletedAt and OccurredAt as
 *   date-time);
 * - EventLog "A list containing all events related to a deployment. The most recent events are displayed
 *   first", each with EventType, TriggeredBy (USER | APPCONFIG | CLOUDWATCH_ALARM | INTERNAL_ERROR),
 *   Description and OccurredAt; "Descriptions include … The Amazon Web Services account or the Amazon
 *   CloudWatch alarm ARN that initiated a rollback [and] the percentage of hosts that received the deployment"
 *   (https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_DeploymentEvent.html).
 */

export interface DeploymentRecord {
  ApplicationId: string;
  EnvironmentId: string;
  DeploymentStrategyId: string;
  ConfigurationProfileId: string;
  ConfigurationName: string;
  ConfigurationLocationUri: string;
  ConfigurationVersion: string;
  Description: string;
  VersionLabel?: string;
  strategy: DeploymentStrategy;
  deploymentNumber: number;
  /** Set when StopDeployment with AllowRevert reverted the completed deployment. */
  revertedAt?: string;
}

interface AppConfigEvent {
  EventType: string;
  TriggeredBy: 'USER' | 'APPCONFIG' | 'CLOUDWATCH_ALARM';
  Description: string;
  OccurredAt: string;
}

function appConfigEvent(
  event: DeploymentEvent,
  ended: SimulatedDeployment['ended'],
  alarmArn: (alarm: string) => string,
): AppConfigEvent {
  const at = event.at;
  switch (event.type) {
    case 'DEPLOYMENT_STARTED':
      return { EventType: event.type, TriggeredBy: 'USER', Description: event.description, OccurredAt: at };
    case 'ROLLBACK_STARTED':
    case 'ROLLBACK_COMPLETED': {
      const verb = event.type === 'ROLLBACK_STARTED' ? 'Rollback started' : 'Rollback completed';
      if (ended?.triggeredBy === 'CLOUDWATCH_ALARM' && ended.alarm) {
        const percentage = event.type === 'ROLLBACK_STARTED' ? ` at ${ended.percentage}%` : '';
        return {
          EventType: event.type,
          TriggeredBy: 'CLOUDWATCH_ALARM',
          Description: `${verb}${percentage}: CloudWatch alarm ${alarmArn(ended.alarm)} is in ${ended.alarmState}`,
          OccurredAt: at,
        };
      }
      const percentage = event.type === 'ROLLBACK_STARTED' && ended ? ` at ${ended.percentage}%` : '';
      return {
        EventType: event.type,
        TriggeredBy: 'USER',
        Description: `${verb}${percentage}: StopDeployment by the user`,
        OccurredAt: at,
      };
    }
    default:
      return {
        EventType: event.type,
        TriggeredBy: 'APPCONFIG',
        Description: event.description,
        OccurredAt: at,
      };
  }
}

/** The AppConfig Deployment for `record`, from the simulator's settled status and record. */
export function deploymentView(
  record: DeploymentRecord,
  status: DeploymentStatus,
  simulated: SimulatedDeployment | undefined,
  alarmArn: (alarm: string) => string,
): Record<string, unknown> {
  const events = status.events.map((event) => appConfigEvent(event, simulated?.ended, alarmArn));
  let state: string = status.state;
  let percentage = status.percentageComplete;
  if (record.revertedAt) {
    events.push({
      EventType: 'REVERT_COMPLETED',
      TriggeredBy: 'USER',
      Description:
        'Configuration reverted to the previous version: StopDeployment with AllowRevert by the user',
      OccurredAt: record.revertedAt,
    });
    state = 'REVERTED';
    percentage = 0;
  }
  return {
    ApplicationId: record.ApplicationId,
    EnvironmentId: record.EnvironmentId,
    DeploymentStrategyId: record.DeploymentStrategyId,
    ConfigurationProfileId: record.ConfigurationProfileId,
    DeploymentNumber: record.deploymentNumber,
    ConfigurationName: record.ConfigurationName,
    ConfigurationLocationUri: record.ConfigurationLocationUri,
    ConfigurationVersion: record.ConfigurationVersion,
    Description: record.Description,
    DeploymentDurationInMinutes: record.strategy.deploymentDurationInMinutes,
    GrowthType: record.strategy.growthType,
    GrowthFactor: record.strategy.growthFactor,
    FinalBakeTimeInMinutes: record.strategy.finalBakeTimeInMinutes,
    State: state,
    EventLog: events.reverse(),
    PercentageComplete: percentage,
    StartedAt: status.startedAt,
    ...(status.completedAt ? { CompletedAt: status.completedAt } : {}),
    ...(record.VersionLabel ? { VersionLabel: record.VersionLabel } : {}),
  };
}
