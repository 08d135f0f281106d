import type { AlarmRule } from './alarm-evaluation.js';
import type { ServiceBaseline } from './slo.js';

/**
 * The rollback alarms each service's AppConfig environment monitors: one on the error rate, one on p99 latency.
 * The CDK stack creates the same alarms on the same metrics, so the names and metric specs live here, once.
 */

export type ServiceMetric = 'errorRate' | 'latencyP99Ms';
export const serviceMetrics: readonly ServiceMetric[] = ['errorRate', 'latencyP99Ms'];

/** A regression is a metric this many times its baseline, unless the catalog gives a threshold. */
export const regressionFactor = 3;

/**
 * 2 of 3 one-minute datapoints: a regression trips within two minutes, a single noisy minute does not.
 * Missing data is not breaching: AppConfig rolls back on INSUFFICIENT_DATA as well as ALARM, and `missing` puts
 * an alarm there whenever a service publishes nothing for an evaluation range (five minutes) — a quiet hour, a
 * paused batch, a new alarm — so a healthy release would be rolled back and count against earned confidence.
 * Silence is therefore never a regression; what a silent release earns is the Observe stage's to judge.
 */
export const defaultAlarmRule = {
  periodSeconds: 60,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
} as const satisfies Omit<AlarmRule, 'threshold'> & { periodSeconds: number };

export interface MetricAlarmDefinition extends AlarmRule {
  name: string;
  service: string;
  metric: ServiceMetric;
  periodSeconds: number;
}

/** CloudWatch metric each service publishes: namespace `itv/Services`, dimension `Service`. */
export const serviceMetricSpecs: Readonly<Record<ServiceMetric, { metricName: string; stat: string }>> = {
  errorRate: { metricName: 'ErrorRate', stat: 'Average' },
  latencyP99Ms: { metricName: 'Latency', stat: 'p99' },
};
export const serviceMetricNamespace = 'itv/Services';

/** The prefix of the default stack's alarm names (the stack's name in lower case: `infra/physical-names.ts`). */
export const defaultNamePrefix = 'itv';

/**
 * e.g. alarmName('payments', 'errorRate') → 'itv-payments-error-rate'; a stack named `ItvStaging` passes its
 * prefix: alarmName('payments', 'errorRate', 'itvstaging') → 'itvstaging-payments-error-rate'.
 */
export function alarmName(service: string, metric: ServiceMetric, prefix = defaultNamePrefix): string {
  return `${prefix}-${service}-${metric === 'errorRate' ? 'error-rate' : 'latency-p99'}`;
}

/** The service's rollback alarms with thresholds from its baseline, named with the stack's prefix. */
export function serviceAlarms(
  service: string,
  baseline: ServiceBaseline,
  prefix = defaultNamePrefix,
): MetricAlarmDefinition[] {
  return serviceMetrics.map((metric) => ({
    ...defaultAlarmRule,
    name: alarmName(service, metric, prefix),
    service,
    metric,
    threshold: baseline.alarmThresholds?.[metric] ?? baseline[metric] * regressionFactor,
  }));
}

/**
 * Whether an alarm that left OK at `leftOkAt` was raised before a deployment started at `startedAt` could have
 * raised it: M breaching datapoints are needed (`datapointsToAlarm`), and only the periods that end after the start
 * can carry the deployment's traffic. Fewer such periods than M means datapoints from before the start decided it
 * — the regression of an earlier release, not this one's. Example with 2 of 3 one-minute datapoints: started
 * 15:06:00, in ALARM at 15:07:00 → true (one period of its own); at 15:08:00 → false.
 */
export function alarmPredatesDeployment(
  startedAt: Date,
  leftOkAt: Date,
  rule: Pick<MetricAlarmDefinition, 'periodSeconds' | 'datapointsToAlarm'> = defaultAlarmRule,
): boolean {
  const periodMs = rule.periodSeconds * 1000;
  const ownPeriods = Math.floor(leftOkAt.getTime() / periodMs) - Math.floor(startedAt.getTime() / periodMs);
  return ownPeriods < rule.datapointsToAlarm;
}

/** The most datapoints a metric series is drawn with: a release of a day still reads in one request. */
export const maxSeriesPoints = 240;

/**
 * The period of a metric series over [from, to): the alarms' own minute when the window allows, otherwise the
 * smallest whole number of minutes that keeps it within `maxSeriesPoints` datapoints.
 */
export function seriesPeriodSeconds(from: Date, to: Date): number {
  const spanSeconds = Math.max(0, (to.getTime() - from.getTime()) / 1000);
  const minutes = Math.max(1, Math.ceil(spanSeconds / 60 / maxSeriesPoints));
  return minutes * defaultAlarmRule.periodSeconds;
}
