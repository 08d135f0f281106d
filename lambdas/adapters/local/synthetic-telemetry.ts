import { createHash } from 'node:crypto';
import { ConfigurationError, InvalidInputError } from '../../core/errors.js';
import type { AlarmState } from '../../core/release/alarm-evaluation.js';
import { type ServiceMetric, seriesPeriodSeconds, serviceAlarms } from '../../core/release/alarms.js';
import { type ObservedWindow, type ServiceBaseline, sloSnapshot } from '../../core/release/slo.js';
import { breakpointsMs, type Exposure, exposureOf, metricValueAt } from './exposure.js';
import { type SimulatedDeployment, simulatorKeys } from './simulated-deployment.js';

/** Kept here for callers of the simulator; it lives with the SLO model, which AWS telemetry uses too. */
export { baselinesOf } from '../../core/release/slo.js';

import type { MetricSeries, Telemetry, TelemetrySnapshot } from '../../ports/releaser.js';
import type { StateStore } from '../../ports/state-store.js';

/**
 * Synthetic per-service metrics for the local runtime: each service's baseline with deterministic noise
 * (seeded by service, metric and minute — no Math.random), plus the faults that simulated deployments carry.
 * A fault shows on the share of traffic served by its configuration once that rollout has reached the fault's
 * `atPercent`; a rollback takes it away. Deployment records come from the StateStore the AppConfig simulator
 * writes, so every process sharing the store sees the same series.
 */

export interface SyntheticMetricsOptions {
  store: StateStore;
  baselines: Readonly<Record<string, ServiceBaseline>>;
  /** For a service absent from `baselines`; without it such a service is a ConfigurationError. */
  defaultBaseline?: ServiceBaseline;
  /** Relative amplitude of the noise around the baseline; default 0.05 (±5 %). */
  noise?: number;
}

const minuteMs = 60_000;
/** Minutes whose noise is kept: windows polled again and again overlap, and a pipeline run asks for ~90 a change. */
const keptNoise = 4096;

export class SyntheticMetrics {
  private readonly noise: number;
  /** Each (service, metric, minute)'s noise in [0, 1), as drawn: the same minute is asked for by window after window. */
  private readonly units = new Map<string, number>();

  constructor(private readonly options: SyntheticMetricsOptions) {
    this.noise = options.noise ?? 0.05;
    if (!(this.noise >= 0 && this.noise < 1)) {
      throw new ConfigurationError(`synthetic telemetry noise must be in [0, 1), got ${options.noise}`);
    }
  }

  baseline(service: string): ServiceBaseline {
    const baseline = this.options.baselines[service] ?? this.options.defaultBaseline;
    if (!baseline)
      throw new ConfigurationError(`no SLO baseline for service ${service} in the synthetic telemetry`);
    return baseline;
  }

  /** The metric without any fault at `atMs`: baseline × (1 + noise of that minute). */
  baseValueAt(service: string, metric: ServiceMetric, atMs: number): number {
    const unit = this.unitAt(`${service}|${metric}|${Math.floor(atMs / minuteMs)}`);
    const value = this.baseline(service)[metric] * (1 + (2 * unit - 1) * this.noise);
    return metric === 'errorRate' ? Math.min(1, value) : value;
  }

  /** The noise of one (service, metric, minute), drawn from SHA-256 of the three: deterministic, not random. */
  private unitAt(seed: string): number {
    const kept = this.units.get(seed);
    if (kept !== undefined) return kept;
    const unit = createHash('sha256').update(seed).digest().readUInt32BE(0) / 2 ** 32;
    if (this.units.size >= keptNoise) this.units.clear();
    this.units.set(seed, unit);
    return unit;
  }

  /** `count` datapoints, each the mean of the metric over one period, the first starting at `fromMs`. */
  async datapoints(
    service: string,
    metric: ServiceMetric,
    periodSeconds: number,
    fromMs: number,
    count: number,
  ): Promise<number[]> {
    const periodMs = periodSeconds * 1000;
    const exposures = await this.exposures(service, fromMs);
    return Array.from({ length: count }, (_, k) =>
      this.mean(service, metric, exposures, fromMs + k * periodMs, fromMs + (k + 1) * periodMs),
    );
  }

  /** Means over [from, to) and the errors beyond the baseline, for a telemetry snapshot. */
  async window(service: string, from: Date, to: Date): Promise<ObservedWindow> {
    const fromMs = from.getTime();
    const toMs = to.getTime();
    if (!(toMs >= fromMs)) {
      throw new InvalidInputError('telemetry window is invalid', [
        { path: 'to', message: `must not be before from (${from.toISOString()})` },
      ]);
    }
    const exposures = await this.exposures(service, fromMs);
    const errorRate = this.mean(service, 'errorRate', exposures, fromMs, toMs);
    return {
      errorRate,
      latencyP99Ms: this.mean(service, 'latencyP99Ms', exposures, fromMs, toMs),
      excessErrorSeconds: ((errorRate - this.baseline(service).errorRate) * (toMs - fromMs)) / 1000,
    };
  }

  /** Deployments that can change the metric from `fromMs` on: faulty ones still serving, and any after them. */
  private async exposures(service: string, fromMs: number): Promise<Exposure[]> {
    // Most services have no fault serving: their deployments, however many, change nothing and are not read.
    const { store } = this.options;
    const faults = await store.list(simulatorKeys.faultPartition(service));
    const faulty = await Promise.all(
      faults.map((item) =>
        store.get<SimulatedDeployment>(simulatorKeys.deploymentPartition(service), item.sk),
      ),
    );
    if (!faulty.some((item) => item?.data.fault && exposureOf(item.data).endMs > fromMs)) return [];
    return this.allExposures(service, fromMs);
  }

  private async allExposures(service: string, fromMs: number): Promise<Exposure[]> {
    const items = await this.options.store.list<SimulatedDeployment>(
      simulatorKeys.deploymentPartition(service),
    );
    const exposures = items
      .map((item) => exposureOf(item.data))
      .filter((exposure) => exposure.endMs > fromMs);
    const faulty = exposures.filter((exposure) => exposure.deployment.fault);
    if (faulty.length === 0) return [];
    const earliest = Math.min(...faulty.map((exposure) => exposure.startMs));
    return exposures.filter((exposure) => exposure.startMs >= earliest);
  }

  /** Exact time-average: the series is piecewise constant between minute boundaries and rollout steps. */
  private mean(
    service: string,
    metric: ServiceMetric,
    exposures: readonly Exposure[],
    fromMs: number,
    toMs: number,
  ): number {
    const valueAt = (atMs: number) =>
      metricValueAt(exposures, metric, this.baseValueAt(service, metric, atMs), atMs);
    if (toMs <= fromMs) return valueAt(fromMs);
    // The pieces: the minute boundaries inside the window, already in order, and where a deployment changes the
    // metric, its rollout's steps inside the window merged in (most windows have none: nothing to sort).
    let cuts = [fromMs];
    for (let minute = Math.ceil(fromMs / minuteMs) * minuteMs; minute < toMs; minute += minuteMs)
      if (minute > fromMs) cuts.push(minute);
    cuts.push(toMs);
    const steps = exposures.flatMap((exposure) =>
      breakpointsMs(exposure).filter((point) => point > fromMs && point < toMs),
    );
    if (steps.length > 0) cuts = [...new Set([...cuts, ...steps])].sort((a, b) => a - b);
    let area = 0;
    for (let i = 1; i < cuts.length; i++) {
      const [a, b] = [cuts[i - 1]!, cuts[i]!];
      area += valueAt((a + b) / 2) * (b - a);
    }
    return area / (toMs - fromMs);
  }
}

/** Alarm states at an instant, e.g. from the local CloudWatch simulator. */
export interface AlarmStateSource {
  alarmStatesAt(service: string, at: Date): Promise<Array<{ name: string; state: AlarmState }>>;
}

/** `Telemetry` for the local runtime: SLOs from the synthetic series, alarms from the local CloudWatch. */
export class SyntheticTelemetry implements Telemetry {
  constructor(private readonly options: { metrics: SyntheticMetrics; alarms: AlarmStateSource }) {}

  async snapshot(service: string, from: Date, to: Date): Promise<TelemetrySnapshot> {
    const observed = await this.options.metrics.window(service, from, to);
    const alarms = await this.options.alarms.alarmStatesAt(service, to);
    return sloSnapshot({
      service,
      from,
      to,
      baseline: this.options.metrics.baseline(service),
      observed,
      alarms: alarms.map(({ name, state }) => ({ name, state })),
    });
  }

  /** Each monitored metric's mean over each period of the window, as CloudWatch's GetMetricData would give it. */
  async series(service: string, from: Date, to: Date): Promise<MetricSeries[]> {
    const { metrics } = this.options;
    const periodSeconds = seriesPeriodSeconds(from, to);
    const count = Math.max(0, Math.ceil((to.getTime() - from.getTime()) / 1000 / periodSeconds));
    return Promise.all(
      serviceAlarms(service, metrics.baseline(service)).map(async (alarm) => {
        const values = await metrics.datapoints(service, alarm.metric, periodSeconds, from.getTime(), count);
        return {
          metric: alarm.metric,
          alarm: alarm.name,
          threshold: alarm.threshold,
          periodSeconds,
          points: values.map((value, k) => ({
            at: new Date(from.getTime() + k * periodSeconds * 1000).toISOString(),
            value,
          })),
        };
      }),
    );
  }
}
