import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import { ConfigurationError } from '../../core/errors.js';
import type { AlarmState } from '../../core/release/alarm-evaluation.js';
import {
  alarmName,
  type ServiceMetric,
  seriesPeriodSeconds,
  serviceAlarms,
  serviceMetricNamespace,
  serviceMetricSpecs,
  serviceMetrics,
} from '../../core/release/alarms.js';
import { type ObservedWindow, type ServiceBaseline, sloSnapshot } from '../../core/release/slo.js';
import type { MetricSeries, Telemetry, TelemetrySnapshot } from '../../ports/releaser.js';
import { transientOr } from './transient-errors.js';

/**
 * `Telemetry` on CloudWatch: GetMetricData for the service's error rate (Average) and latency (p99) over the
 * window, DescribeAlarms for its rollback alarms. A window with no datapoints reports the baseline (no
 * evidence of a regression) and says so with `datapoints: 0`: the alarms treat silence as healthy, so the
 * count is what tells an observed release from an unobserved one.
 */

export interface CloudWatchTelemetryOptions {
  client: CloudWatchClient;
  baselines: Readonly<Record<string, ServiceBaseline>>;
  /** Datapoint period in seconds; default 60. */
  periodSeconds?: number;
  /** Namespace the services publish to; default `itv/Services`. */
  namespace?: string;
  /** The stack's name prefix its rollback alarms carry (`ITV_NAME_PREFIX`); default `itv`, the default stack's. */
  alarmPrefix?: string;
}

const queryIds: Record<ServiceMetric, string> = { errorRate: 'errorRate', latencyP99Ms: 'latencyP99' };

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, v) => sum + v, 0) / values.length;
}

export class CloudWatchTelemetry implements Telemetry {
  constructor(private readonly options: CloudWatchTelemetryOptions) {}

  async snapshot(service: string, from: Date, to: Date): Promise<TelemetrySnapshot> {
    const baseline = this.options.baselines[service];
    if (!baseline) throw new ConfigurationError(`no SLO baseline for service ${service}`);
    const [values, alarms] = await Promise.all([
      this.metricValues(service, from, to),
      this.alarmStates(service),
    ]);
    const periodSeconds = this.options.periodSeconds ?? 60;
    const errorRates = values.errorRate;
    const observed: ObservedWindow = {
      errorRate: mean(errorRates) ?? baseline.errorRate,
      latencyP99Ms: mean(values.latencyP99Ms) ?? baseline.latencyP99Ms,
      excessErrorSeconds: errorRates.reduce(
        (sum, rate) => sum + (rate - baseline.errorRate) * periodSeconds,
        0,
      ),
    };
    // An empty window (an immediate release) has nothing to count; only a window that could hold datapoints
    // and holds none is silence.
    const windowed = to.getTime() > from.getTime();
    return sloSnapshot({
      service,
      from,
      to,
      baseline,
      observed,
      alarms,
      ...(windowed ? { datapoints: errorRates.length } : {}),
    });
  }

  /** One GetMetricData (paged) for both metrics at `seriesPeriodSeconds`, beside each rollback alarm's threshold. */
  async series(service: string, from: Date, to: Date): Promise<MetricSeries[]> {
    const baseline = this.options.baselines[service];
    if (!baseline) throw new ConfigurationError(`no SLO baseline for service ${service}`);
    const periodSeconds = seriesPeriodSeconds(from, to);
    const points = await this.metricPoints(service, from, to, periodSeconds);
    return serviceAlarms(service, baseline, this.options.alarmPrefix).map((alarm) => ({
      metric: alarm.metric,
      alarm: alarm.name,
      threshold: alarm.threshold,
      periodSeconds,
      points: points[alarm.metric].sort((a, b) => a.at.localeCompare(b.at)),
    }));
  }

  private async metricValues(
    service: string,
    from: Date,
    to: Date,
  ): Promise<Record<ServiceMetric, number[]>> {
    const points = await this.metricPoints(service, from, to, this.options.periodSeconds ?? 60);
    return {
      errorRate: points.errorRate.map((p) => p.value),
      latencyP99Ms: points.latencyP99Ms.map((p) => p.value),
    };
  }

  private async metricPoints(
    service: string,
    from: Date,
    to: Date,
    periodSeconds: number,
  ): Promise<Record<ServiceMetric, Array<{ at: string; value: number }>>> {
    const values: Record<ServiceMetric, Array<{ at: string; value: number }>> = {
      errorRate: [],
      latencyP99Ms: [],
    };
    if (to.getTime() <= from.getTime()) return values;
    const queries: MetricDataQuery[] = serviceMetrics.map((metric) => ({
      Id: queryIds[metric],
      MetricStat: {
        Metric: {
          Namespace: this.options.namespace ?? serviceMetricNamespace,
          MetricName: serviceMetricSpecs[metric].metricName,
          Dimensions: [{ Name: 'Service', Value: service }],
        },
        Period: periodSeconds,
        Stat: serviceMetricSpecs[metric].stat,
      },
      ReturnData: true,
    }));
    let nextToken: string | undefined;
    do {
      const page = await this.call('GetMetricData', () =>
        this.options.client.send(
          new GetMetricDataCommand({
            MetricDataQueries: queries,
            StartTime: from,
            EndTime: to,
            ScanBy: 'TimestampAscending',
            NextToken: nextToken,
          }),
        ),
      );
      for (const result of page.MetricDataResults ?? []) {
        const metric = serviceMetrics.find((m) => queryIds[m] === result.Id);
        const stamps = result.Timestamps ?? [];
        if (metric)
          values[metric].push(
            ...(result.Values ?? []).map((value, k) => ({ at: stamps[k]?.toISOString() ?? '', value })),
          );
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return values;
  }

  private async alarmStates(service: string): Promise<Array<{ name: string; state: AlarmState }>> {
    const names = serviceMetrics.map((metric) => alarmName(service, metric, this.options.alarmPrefix));
    const response = await this.call('DescribeAlarms', () =>
      this.options.client.send(new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm'] })),
    );
    return (response.MetricAlarms ?? []).map((alarm) => ({
      name: alarm.AlarmName ?? '',
      state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
    }));
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw transientOr(error, `CloudWatch ${operation}`);
    }
  }
}
