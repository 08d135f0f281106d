import type { AlarmState } from '../../core/release/alarm-evaluation.js';
import type { DeploymentStrategy, TrippedMonitor } from '../../ports/releaser.js';

/**
 * The local AppConfig simulator's deployment record, kept in the StateStore so that every process sharing the
 * store sees the same deployments; the synthetic telemetry reads the same records to know which configuration
 * serves which share of traffic.
 */

/**
 * A telemetry fault the synthetic metrics show once a rollout reaches `atPercent`, weighted by the share of
 * traffic on the new configuration: an intent's `simulation.fault`, which only the local runtime reads.
 */
export interface SimulatedFault {
  metric: 'errorRate' | 'latencyP99Ms';
  value: number;
  atPercent: number;
}

/** Where the simulator learns the fault an intent's release should show, if any. */
export type FaultSource = (intentId: string) => Promise<SimulatedFault | undefined>;

/** Why and when a deployment stopped before completing. */
export interface DeploymentEnding {
  state: 'ROLLED_BACK';
  at: string;
  triggeredBy: 'USER' | 'CLOUDWATCH_ALARM';
  /** The monitor that tripped, when an alarm triggered the rollback. */
  alarm?: string;
  alarmState?: Exclude<AlarmState, 'OK'>;
  /** Percentage on the new configuration when the rollback began. */
  percentage: number;
}

export interface SimulatedDeployment {
  deploymentId: string;
  /** The hosted configuration version deployed. Records from before versions were kept lack it. */
  configurationVersion?: string;
  intentId: string;
  service: string;
  environment: string;
  profile: string;
  description: string;
  strategy: DeploymentStrategy;
  /**
   * What AppConfig would host: the content's RFC 8785 SHA-256 and its JSON size, not the content, which can be
   * larger than a state-table item holds (a payload by reference reaches 2 MB). Older records kept `content`.
   */
  content: HostedContent;
  startedAt: string;
  /** Alarm names the environment monitors, fixed when the deployment starts. */
  monitors: string[];
  fault?: SimulatedFault;
  /** A step of a stepped release: the share of users its configuration exposes the change to (else all). */
  exposurePercentage?: number;
  /** False when the monitors' alarm actions were disabled for this deployment (absent means true). */
  rollbackOnAlarm?: boolean;
  /** The first monitor seen out of OK while its actions were disabled: AppConfig did not roll back on it. */
  tripped?: TrippedMonitor;
  /** Set once the alarm actions disabled for this deployment are enabled again. */
  actionsRestored?: boolean;
  /** The last alarm-evaluation instant already applied, so alarm history is never re-judged. */
  evaluatedThrough?: string;
  ended?: DeploymentEnding;
}

/** The environment's lane: which deployment last started there. */
export interface LaneRecord {
  deploymentId: string;
  service: string;
  /**
   * The deployment as its start made it. A start claims the lane before it writes the deployment's record (the
   * two are one call, StartDeployment, on AWS): one killed between them left the deployment only here, and whoever
   * reads the lane next writes its record from this (`LocalAppConfig.laneDeployment`). Absent on older lanes.
   */
  starting?: SimulatedDeployment;
}

/** Where the simulator keeps its records in the StateStore. */
export const simulatorKeys = {
  lanePartition: 'appconfig#lane',
  deploymentPartition: (service: string) => `appconfig#deployments#${service}`,
  /**
   * One item per deployment that carries a fault (sk its id), written before its record: the synthetic
   * telemetry reads the deployments only when one of these still serves, not every deployment ever made.
   */
  faultPartition: (service: string) => `appconfig#faults#${service}`,
  /** One item per hosted configuration version of a profile, sk the version number (zero-padded). */
  versionPartition: (service: string, profile: string) => `appconfig#versions#${service}/${profile}`,
} as const;

/** A hosted configuration as the simulator keeps it: enough to tell which content was deployed. */
export interface HostedContent {
  sha256: string;
  bytes: number;
}
