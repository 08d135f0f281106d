/** Progressive delivery: AppConfig gradual deployments on AWS, a documented-semantics simulator locally. */
export interface DeploymentStrategy {
  /** AppConfig strategy name, e.g. `AppConfig.Linear50PercentEvery30Seconds`. */
  name: string;
  growthType: 'LINEAR' | 'EXPONENTIAL';
  growthFactor: number;
  deploymentDurationInMinutes: number;
  finalBakeTimeInMinutes: number;
}

export interface ReleaseRequest {
  intentId: string;
  service: string;
  /** The AppConfig environment: one deployment at a time runs in it (the lane). */
  environment: string;
  profile: string;
  /**
   * The contract version the content was validated against. For a feature-flag profile the AWS releaser
   * derives the flags' attribute constraints from it (from the latest version when absent).
   */
  contractVersion?: string;
  /**
   * The contract itself, when `contractVersion` is one a schema update released rather than one the catalog
   * defines (`core/pipeline/released-contracts.ts`); absent, the releaser finds the version in the catalog.
   */
  contract?: Record<string, unknown>;
  /** The configuration content to deploy (JSON), as the profile's contract describes it. */
  content: Record<string, unknown>;
  strategy: DeploymentStrategy;
  description: string;
  /**
   * Whether the environment's alarm monitors roll the deployment back (AppConfig's default, and when absent).
   * `false` is for changes that must not be blindly reverted: the adapter disables the monitors' alarm actions
   * for the deployment (AppConfig does not roll back on an alarm whose actions are disabled), re-enables them
   * when it ends, and reports a monitor that leaves OK as `trippedMonitor` instead.
   */
  rollbackOnAlarm?: boolean;
  /**
   * The hosted configuration version to deploy, as `prepare` created it for this intent. A retried start (the
   * lane was busy) deploys the same version instead of creating another; absent, `start` creates one.
   */
  configurationVersion?: string;
  /**
   * A step of a stepped release (`core/release/stepped-exposure.ts`): the configuration exposes `content` to
   * `percentage` % of users and keeps `previous` (what itv last released to the profile) for the others; each
   * adapter writes that in the profile's own format. Absent: `content` for everyone.
   */
  exposure?: { percentage: number; previous?: Record<string, unknown> };
  /**
   * A deployment of this intent that an emergency stopped (`release.preempted`): it is over, so a start of the same
   * configuration version never takes it for its own (as a retried start would), and deploys anew.
   */
  supersedes?: string;
  /**
   * A roll-back a person decided after a hold: `content` is the configuration users had before the release,
   * not the intent's change (the local simulator therefore shows none of the change's injected fault on it).
   */
  restoresPrevious?: boolean;
}

export type DeploymentState =
  | 'BAKING'
  | 'VALIDATING'
  | 'DEPLOYING'
  | 'COMPLETE'
  | 'ROLLING_BACK'
  | 'ROLLED_BACK'
  | 'REVERTED';

export interface DeploymentEvent {
  at: string;
  type: string;
  description: string;
  percentage?: number;
  /** Alarm that caused a rollback, when there was one. */
  alarm?: string;
}

/** A monitor that left OK during a deployment that AppConfig does not roll back (`rollbackOnAlarm: false`). */
export interface TrippedMonitor {
  alarm: string;
  state: 'ALARM' | 'INSUFFICIENT_DATA';
  /** When the adapter first saw it out of OK. */
  at: string;
  /** Percentage on the new configuration at that instant. */
  percentage: number;
}

export interface DeploymentStatus {
  deploymentId: string;
  state: DeploymentState;
  percentageComplete: number;
  startedAt: string;
  completedAt?: string;
  events: DeploymentEvent[];
  /** Set once a monitor trips during a deployment started with `rollbackOnAlarm: false`. */
  trippedMonitor?: TrippedMonitor;
}

/** The latest deployment of a lane started with its monitors observing only (`rollbackOnAlarm: false`). */
export interface ObserveOnlyDeployment {
  deploymentId: string;
  /** The intent it releases, when the deployment names it. */
  intentId?: string;
  /** Still DEPLOYING, BAKING or ROLLING_BACK: it holds the monitors' alarm actions disabled until it ends. */
  inProgress: boolean;
}

/** A lane's rollback monitors as they stand: whose alarm actions are disabled, and which release disabled them. */
export interface LaneMonitors {
  /** The monitors (alarm names) whose alarm actions are disabled now; empty when every one can roll back. */
  disabled: string[];
  /** The lane's latest deployment, when it was started observe-only; read only when a monitor is disabled. */
  observeOnly?: ObserveOnlyDeployment;
}

/** A rollback monitor of a lane and its alarm's state, as CloudWatch DescribeAlarms gives it now. */
export interface MonitorState {
  name: string;
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
}

export interface Releaser {
  /** Creates the hosted configuration version `request` describes and returns its number. */
  prepare(request: ReleaseRequest): Promise<string>;
  /**
   * Throws `LaneBusyError` when another deployment is running in the environment (AWS ConflictException). Given the
   * `configurationVersion` of a deployment this intent already started there, and still the environment's latest,
   * it answers that deployment's status and starts none: a start retried after the first one's answer was lost
   * (the caller died or timed out before recording it) never deploys twice; a roll-back's start too, whose
   * version is hosted for it alone.
   */
  start(request: ReleaseRequest): Promise<DeploymentStatus>;
  check(service: string, environment: string, deploymentId: string): Promise<DeploymentStatus>;
  /** Stops an in-progress deployment, which rolls it back. */
  stop(service: string, environment: string, deploymentId: string): Promise<DeploymentStatus>;
  /** The lane's monitors: which have their alarm actions disabled, and the observe-only release behind it. */
  monitors(service: string, environment: string): Promise<LaneMonitors>;
  /** The state of each of the lane's monitors now (DescribeAlarms): a release starts only when all are OK. */
  monitorStates(service: string, environment: string): Promise<MonitorState[]>;
  /** Enables the alarm actions of every monitor of the lane (CloudWatch EnableAlarmActions, idempotent). */
  enableMonitors(service: string, environment: string): Promise<string[]>;
}

export interface TelemetrySnapshot {
  service: string;
  windowStart: string;
  windowEnd: string;
  slos: Array<{
    name: string;
    objective: number;
    observed: number;
    baseline: number;
    delta: number;
    met: boolean;
  }>;
  errorBudgetRemaining: number;
  /** The budget left at the baseline, so `errorBudgetRemaining − errorBudgetBaseline` is what the window spent. */
  errorBudgetBaseline?: number;
  alarms: Array<{ name: string; state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' }>;
  /**
   * How many error-rate datapoints the window held. 0: the service published nothing, and the SLO figures are
   * the baseline's, not observations.
   */
  datapoints?: number;
}

/** One monitored metric of a service over a window, a datapoint per period, beside its rollback alarm. */
export interface MetricSeries {
  /** `errorRate` or `latencyP99Ms`. */
  metric: string;
  /** The rollback alarm on it, and the value above which a datapoint breaches. */
  alarm: string;
  threshold: number;
  periodSeconds: number;
  /** Each period's value, at the period's start, oldest first; a period with no datapoint is absent. */
  points: Array<{ at: string; value: number }>;
}

/** Reads health for the Observe stage: CloudWatch on AWS, synthetic telemetry locally. */
export interface Telemetry {
  snapshot(service: string, from: Date, to: Date): Promise<TelemetrySnapshot>;
  /** The service's monitored metrics over [from, to), period by period (`seriesPeriodSeconds`). */
  series(service: string, from: Date, to: Date): Promise<MetricSeries[]>;
}
