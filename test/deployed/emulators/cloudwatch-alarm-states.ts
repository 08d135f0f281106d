import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import {
  type AlarmRule,
  type AlarmState,
  alarmEvaluation,
  type ComparisonOperator,
  evaluationRangeSize,
  type TreatMissingData,
} from '../../../lambdas/core/release/alarm-evaluation.js';
import { type AlarmStateSource, type AlarmTick, evaluationInstants } from './alarm-state-source.js';
import type { AlarmActionsRegistry } from './cloudwatch-gaps.js';

/**
 * Alarm states computed from the metrics in CloudWatch (moto_server), because moto stores alarms but never
 * evaluates them. For each monitor alarm it reads the definition (DescribeAlarms) and the metric's
 * datapoints (GetMetricData, one call per alarm), then, at every minute-aligned evaluation instant, evaluates
 * the periods that ended by then with the project's `alarmEvaluation` (M out of N, TreatMissingData as
 * CloudWatch documents it). Evaluation starts one evaluation range before the first instant, from
 * INSUFFICIENT_DATA as a new alarm does, so `ignore` has a state to keep and `missing` with no datapoints is
 * INSUFFICIENT_DATA. Whether an alarm's actions were enabled comes from the registry DisableAlarmActions and
 * EnableAlarmActions write (cloudwatch-gaps.ts), else from the alarm's own `ActionsEnabled`.
 *
 * moto's limits, and how they are met: GetMetricData buckets datapoints into periods counted from StartTime,
 * so StartTime is aligned to a whole period; moto computes no percentile (a `p99` query fails), so a
 * percentile alarm reads the period's Maximum, which is its p99 when the period holds one datapoint — how the
 * suite publishes latency, one p99 per minute.
 */

export interface CloudWatchAlarmStatesOptions {
  client: CloudWatchClient;
  actions: AlarmActionsRegistry;
}

const comparisonOperators = new Set<string>([
  'GreaterThanThreshold',
  'GreaterThanOrEqualToThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
]);

/** An alarm this source cannot evaluate (metric math, anomaly bands); says which and why. */
export class UnsupportedAlarmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedAlarmError';
  }
}

interface Definition extends AlarmRule {
  name: string;
  periodMs: number;
  actionsEnabled: boolean;
  query: {
    namespace: string;
    metricName: string;
    dimensions: Array<{ Name: string; Value: string }>;
    stat: string;
  };
}

function definitionOf(alarm: MetricAlarm): Definition {
  const name = alarm.AlarmName ?? 'unknown';
  if (!alarm.MetricName || !alarm.Namespace || (alarm.Metrics?.length ?? 0) > 0) {
    throw new UnsupportedAlarmError(`alarm ${name}: only single-metric alarms are evaluated`);
  }
  if (!alarm.ComparisonOperator || !comparisonOperators.has(alarm.ComparisonOperator)) {
    throw new UnsupportedAlarmError(`alarm ${name}: comparison ${alarm.ComparisonOperator} is not evaluated`);
  }
  const stat = alarm.Statistic ?? alarm.ExtendedStatistic;
  if (!stat || alarm.Threshold === undefined || !alarm.Period || !alarm.EvaluationPeriods) {
    throw new UnsupportedAlarmError(
      `alarm ${name}: needs a statistic, threshold, period and evaluation periods`,
    );
  }
  return {
    name,
    threshold: alarm.Threshold,
    comparisonOperator: alarm.ComparisonOperator as ComparisonOperator,
    evaluationPeriods: alarm.EvaluationPeriods,
    datapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods,
    treatMissingData: (alarm.TreatMissingData ?? 'missing') as TreatMissingData,
    periodMs: alarm.Period * 1000,
    actionsEnabled: alarm.ActionsEnabled ?? true,
    query: {
      namespace: alarm.Namespace,
      metricName: alarm.MetricName,
      dimensions: (alarm.Dimensions ?? []).map((d) => ({ Name: d.Name ?? '', Value: d.Value ?? '' })),
      // moto computes no percentiles (see above).
      stat: /^p\d/.test(stat) ? 'Maximum' : stat,
    },
  };
}

export class CloudWatchAlarmStates implements AlarmStateSource {
  constructor(private readonly options: CloudWatchAlarmStatesOptions) {}

  async alarmHistory(
    alarmNames: readonly string[],
    afterMs: number,
    throughMs: number,
  ): Promise<AlarmTick[]> {
    const instants = evaluationInstants(afterMs, throughMs);
    if (instants.length === 0 || alarmNames.length === 0) return [];
    const described = await this.options.client.send(
      new DescribeAlarmsCommand({ AlarmNames: [...alarmNames] }),
    );
    const definitions = new Map(
      (described.MetricAlarms ?? []).map((alarm) => [alarm.AlarmName ?? '', definitionOf(alarm)]),
    );
    const states = await Promise.all(
      alarmNames.map(async (name) => {
        const definition = definitions.get(name);
        // A monitor naming an alarm that does not exist has no data: CloudWatch would not say OK.
        if (!definition) return instants.map((): AlarmState => 'INSUFFICIENT_DATA');
        return this.statesAt(definition, instants);
      }),
    );
    return instants.map((at, i) => ({
      at: new Date(at),
      alarms: alarmNames.map((name, j) => ({
        name,
        state: states[j]![i]!,
        actionsEnabled:
          this.options.actions.enabledAt(name, at) ?? definitions.get(name)?.actionsEnabled ?? true,
      })),
    }));
  }

  /** The alarm's state at each instant: the periods that ended by then, from a warm-up of one range. */
  private async statesAt(definition: Definition, instants: readonly number[]): Promise<AlarmState[]> {
    const { periodMs } = definition;
    const range = evaluationRangeSize(definition.evaluationPeriods);
    const ends = instants.map((at) => Math.floor(at / periodMs) * periodMs);
    const warmupEnds = Array.from({ length: range }, (_, k) => ends[0]! - (range - k) * periodMs);
    const firstStart = warmupEnds[0]! - range * periodMs;
    const count = Math.round((ends.at(-1)! - firstStart) / periodMs);
    const series = await this.datapoints(definition, firstStart, count);
    let state: AlarmState = 'INSUFFICIENT_DATA';
    const evaluate = (end: number) => {
      const index = Math.round((end - firstStart) / periodMs);
      state = alarmEvaluation({
        ...definition,
        datapoints: series.slice(index - range, index),
        currentState: state,
      });
      return state;
    };
    for (const end of warmupEnds) evaluate(end);
    return ends.map(evaluate);
  }

  /** `count` period values from `fromMs` (a period boundary), `null` where a period has no datapoint. */
  private async datapoints(
    definition: Definition,
    fromMs: number,
    count: number,
  ): Promise<Array<number | null>> {
    const series: Array<number | null> = Array.from({ length: count }, () => null);
    const { query, periodMs } = definition;
    let nextToken: string | undefined;
    do {
      const result = await this.options.client.send(
        new GetMetricDataCommand({
          StartTime: new Date(fromMs),
          EndTime: new Date(fromMs + count * periodMs),
          MetricDataQueries: [
            {
              Id: 'm',
              MetricStat: {
                Metric: {
                  Namespace: query.namespace,
                  MetricName: query.metricName,
                  Dimensions: query.dimensions,
                },
                Period: periodMs / 1000,
                Stat: query.stat,
              },
            },
          ],
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const data of result.MetricDataResults ?? []) {
        (data.Timestamps ?? []).forEach((timestamp, i) => {
          const index = Math.round((timestamp.getTime() - fromMs) / periodMs);
          const value = data.Values?.[i];
          if (index >= 0 && index < count && value !== undefined) series[index] = value;
        });
      }
      nextToken = result.NextToken;
    } while (nextToken);
    return series;
  }
}
