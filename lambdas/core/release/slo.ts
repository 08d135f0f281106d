import type { TelemetrySnapshot } from '../../ports/releaser.js';

/**
 * A service's health reference: the catalog's SLO baseline (same four fields as `sloBaselineSchema`) plus
 * optional alarm thresholds and objectives. Both telemetry adapters (synthetic and CloudWatch) read it.
 */
export interface ServiceBaseline {
  /** Baseline fraction of failed requests. */
  errorRate: number;
  latencyP99Ms: number;
  /** e.g. 0.999: the share of requests that must succeed over the SLO window. */
  availabilityObjective: number;
  /** Fraction of the error budget left at the baseline, 0..1. */
  errorBudgetRemaining: number;
  /** The latency SLO; defaults to twice the baseline p99. */
  latencyObjectiveMs?: number;
  /** Alarm thresholds; default `regressionFactor` × the baseline. */
  alarmThresholds?: { errorRate?: number; latencyP99Ms?: number };
  /** The window the error budget covers; defaults to 30 days. */
  sloWindowDays?: number;
}

/** What a telemetry source measured over a window. */
export interface ObservedWindow {
  /** Mean fraction of failed requests. */
  errorRate: number;
  /** Mean of the per-period p99 latencies. */
  latencyP99Ms: number;
  /** ∫ (errorRate − baseline errorRate) dt over the window, in seconds: errors beyond the steady state. */
  excessErrorSeconds: number;
}

export const defaultSloWindowDays = 30;

/** The latency objective in force: the catalog's, or twice the baseline p99. */
export function latencyObjectiveMs(baseline: ServiceBaseline): number {
  return baseline.latencyObjectiveMs ?? baseline.latencyP99Ms * 2;
}

/**
 * The error budget left after the window: the baseline's, less the excess errors as a share of the whole budget
 * ((1 − objective) × SLO window). May go negative: the budget is overspent.
 */
export function errorBudgetRemaining(baseline: ServiceBaseline, excessErrorSeconds: number): number {
  const windowSeconds = (baseline.sloWindowDays ?? defaultSloWindowDays) * 86_400;
  const budgetSeconds = (1 - baseline.availabilityObjective) * windowSeconds;
  return baseline.errorBudgetRemaining - excessErrorSeconds / budgetSeconds;
}

export interface SloSnapshotInput {
  service: string;
  from: Date;
  to: Date;
  baseline: ServiceBaseline;
  observed: ObservedWindow;
  alarms: TelemetrySnapshot['alarms'];
  /** Error-rate datapoints the window held, when the source counts them. */
  datapoints?: number;
}

/** The Observe stage's snapshot: availability and p99 latency, observed against baseline, and the budget left. */
export function sloSnapshot(input: SloSnapshotInput): TelemetrySnapshot {
  const { baseline, observed } = input;
  const availability = 1 - observed.errorRate;
  const baselineAvailability = 1 - baseline.errorRate;
  const latencyObjective = latencyObjectiveMs(baseline);
  return {
    service: input.service,
    windowStart: input.from.toISOString(),
    windowEnd: input.to.toISOString(),
    slos: [
      {
        name: 'availability',
        objective: baseline.availabilityObjective,
        observed: availability,
        baseline: baselineAvailability,
        delta: availability - baselineAvailability,
        met: availability >= baseline.availabilityObjective,
      },
      {
        name: 'latencyP99Ms',
        objective: latencyObjective,
        observed: observed.latencyP99Ms,
        baseline: baseline.latencyP99Ms,
        delta: observed.latencyP99Ms - baseline.latencyP99Ms,
        met: observed.latencyP99Ms <= latencyObjective,
      },
    ],
    errorBudgetRemaining: errorBudgetRemaining(baseline, observed.excessErrorSeconds),
    errorBudgetBaseline: baseline.errorBudgetRemaining,
    alarms: input.alarms,
    ...(input.datapoints === undefined ? {} : { datapoints: input.datapoints }),
  };
}

/** The baselines of a catalog's services (`catalog.services[name].slo`), for the telemetry adapters (synthetic and CloudWatch). */
export function baselinesOf(catalog: {
  services: Readonly<Record<string, { slo: ServiceBaseline }>>;
}): Record<string, ServiceBaseline> {
  return Object.fromEntries(Object.entries(catalog.services).map(([name, service]) => [name, service.slo]));
}
