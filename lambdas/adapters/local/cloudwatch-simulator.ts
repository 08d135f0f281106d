import { ConfigurationError } from '../../core/errors.js';
import {
  type AlarmRule,
  type AlarmState,
  alarmEvaluation,
  evaluationRangeSize,
} from '../../core/release/alarm-evaluation.js';
import { type MetricAlarmDefinition, type ServiceMetric, serviceAlarms } from '../../core/release/alarms.js';
import type { ServiceBaseline } from '../../core/release/slo.js';
import type { Clock } from '../../ports/clock.js';
import type { StateStore } from '../../ports/state-store.js';

/**
 * Local CloudWatch metric alarms over the synthetic series, on the virtual clock. Each service gets the alarms
 * of `serviceAlarms` (error rate and p99 latency, threshold 3 × baseline unless the catalog sets one, period
 * 60 s, 2 of 3 datapoints, missing data treated as missing). Like CloudWatch, alarms are evaluated once a
 * minute on the datapoints of the evaluation range, with the documented M-out-of-N and missing-data rules
 * (`alarmEvaluation`). DisableAlarmActions/EnableAlarmActions are kept in the StateStore so every process
 * sharing it sees them.
 */

/** Where the metric datapoints come from (the synthetic telemetry). */
export interface MetricSource {
  baseline(service: string): ServiceBaseline;
  /** `count` period means, the first period starting at `fromMs`; `null` where a datapoint is missing. */
  datapoints(
    service: string,
    metric: ServiceMetric,
    periodSeconds: number,
    fromMs: number,
    count: number,
  ): Promise<Array<number | null>>;
}

export interface AlarmView {
  name: string;
  state: AlarmState;
  actionsEnabled: boolean;
}

/** Every alarm's state after one evaluation instant. */
export interface AlarmTick {
  at: Date;
  alarms: AlarmView[];
}

export interface LocalCloudWatchOptions {
  metrics: MetricSource;
  store: StateStore;
  /** The (virtual) clock `describeAlarms` reads; other methods take the instant as an argument. */
  clock?: Clock;
  /** Changes to the default rule for every alarm (e.g. another treatMissingData); thresholds come from baselines. */
  rule?: Partial<Omit<AlarmRule, 'threshold'> & { periodSeconds: number }>;
}

const actionsPartition = 'cloudwatch#alarm-actions';
const evaluationIntervalMs = 60_000;

export class LocalCloudWatch {
  constructor(private readonly options: LocalCloudWatchOptions) {}

  /** The service's rollback alarms. */
  alarmsFor(service: string): MetricAlarmDefinition[] {
    return serviceAlarms(service, this.options.metrics.baseline(service)).map((alarm) => ({
      ...alarm,
      ...this.options.rule,
    }));
  }

  /** Alarm names an AppConfig environment of this service monitors. */
  monitorsFor(service: string): string[] {
    return this.alarmsFor(service).map((alarm) => alarm.name);
  }

  async actionsEnabled(alarmName: string): Promise<boolean> {
    const item = await this.options.store.get<{ actionsEnabled: boolean }>(actionsPartition, alarmName);
    return item?.data.actionsEnabled ?? true;
  }

  /** CloudWatch DisableAlarmActions: the alarm still changes state, but AppConfig no longer rolls back on it. */
  async disableAlarmActions(alarmNames: readonly string[]): Promise<void> {
    for (const name of alarmNames)
      await this.options.store.put(actionsPartition, name, { actionsEnabled: false });
  }

  async enableAlarmActions(alarmNames: readonly string[]): Promise<void> {
    for (const name of alarmNames)
      await this.options.store.put(actionsPartition, name, { actionsEnabled: true });
  }

  /** CloudWatch DescribeAlarms for the service's alarms, now on the clock. */
  async describeAlarms(service: string): Promise<AlarmView[]> {
    if (!this.options.clock)
      throw new ConfigurationError('LocalCloudWatch.describeAlarms needs the clock option');
    return this.alarmStatesAt(service, this.options.clock.now());
  }

  /** States after the last evaluation at or before `at`. */
  async alarmStatesAt(service: string, at: Date): Promise<AlarmView[]> {
    const tick = Math.floor(at.getTime() / evaluationIntervalMs) * evaluationIntervalMs;
    const [history] = await this.alarmHistory(service, tick - 1, tick);
    return history?.alarms ?? [];
  }

  /** One entry per minute-aligned evaluation instant in (afterMs, throughMs], for the named alarms (all by default). */
  async alarmHistory(
    service: string,
    afterMs: number,
    throughMs: number,
    names?: readonly string[],
  ): Promise<AlarmTick[]> {
    const ticks: number[] = [];
    for (
      let tick = Math.floor(afterMs / evaluationIntervalMs) * evaluationIntervalMs + evaluationIntervalMs;
      tick <= throughMs;
      tick += evaluationIntervalMs
    ) {
      ticks.push(tick);
    }
    if (ticks.length === 0) return [];
    const alarms = this.alarmsFor(service).filter((alarm) => !names || names.includes(alarm.name));
    const enabled = await Promise.all(alarms.map((alarm) => this.actionsEnabled(alarm.name)));
    const states = await Promise.all(alarms.map((alarm) => this.statesAt(alarm, ticks)));
    return ticks.map((tick, i) => ({
      at: new Date(tick),
      alarms: alarms.map((alarm, j) => ({
        name: alarm.name,
        state: states[j]![i]!,
        actionsEnabled: enabled[j]!,
      })),
    }));
  }

  /**
   * The alarm's state at each tick. Evaluation starts a full evaluation range earlier, from INSUFFICIENT_DATA
   * like a new alarm, so `ignore` has a state to keep.
   */
  private async statesAt(alarm: MetricAlarmDefinition, ticks: readonly number[]): Promise<AlarmState[]> {
    const periodMs = alarm.periodSeconds * 1000;
    const range = evaluationRangeSize(alarm.evaluationPeriods);
    // A datapoint covers a whole period: at a tick only the periods that ended by then are evaluated.
    const ends = ticks.map((tick) => Math.floor(tick / periodMs) * periodMs);
    const warmupEnds = Array.from({ length: range }, (_, k) => ends[0]! - (range - k) * periodMs);
    const firstStart = warmupEnds[0]! - range * periodMs;
    const count = Math.round((ends[ends.length - 1]! - firstStart) / periodMs);
    const series = await this.options.metrics.datapoints(
      alarm.service,
      alarm.metric,
      alarm.periodSeconds,
      firstStart,
      count,
    );
    let state: AlarmState = 'INSUFFICIENT_DATA';
    const evaluate = (end: number) => {
      const index = Math.round((end - firstStart) / periodMs);
      state = alarmEvaluation({
        ...alarm,
        datapoints: series.slice(index - range, index),
        currentState: state,
      });
      return state;
    };
    for (const end of warmupEnds) evaluate(end);
    return ends.map(evaluate);
  }
}
