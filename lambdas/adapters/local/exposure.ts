import type { ServiceMetric } from '../../core/release/alarms.js';
import { type DeploymentTimeline, deploymentTimeline, percentageAt } from '../../core/release/timeline.js';
import type { SimulatedDeployment } from './simulated-deployment.js';

/**
 * Which configuration serves which share of a service's traffic over time, and what that does to a metric
 * when a deployment carries an injected fault. Pure: the synthetic telemetry adds baseline noise around it.
 */

export interface Exposure {
  deployment: SimulatedDeployment;
  timeline: DeploymentTimeline;
  startMs: number;
  /** When a rollback took the configuration off every target; Infinity while it stays. */
  endMs: number;
}

/** Prepares a deployment for repeated queries. */
export function exposureOf(deployment: SimulatedDeployment): Exposure {
  return {
    deployment,
    timeline: deploymentTimeline(deployment.strategy),
    startMs: Date.parse(deployment.startedAt),
    endMs: deployment.ended ? Date.parse(deployment.ended.at) : Number.POSITIVE_INFINITY,
  };
}

/** Percentage of targets on this deployment's configuration at `atMs`, before later deployments take over. */
export function ownPercentageAt(exposure: Exposure, atMs: number): number {
  if (atMs < exposure.startMs || atMs >= exposure.endMs) return 0;
  return percentageAt(exposure.timeline, (atMs - exposure.startMs) / 1000);
}

/** Instants (ms) at which this deployment changes the traffic split. */
export function breakpointsMs(exposure: Exposure): number[] {
  const points = exposure.timeline.steps.map((step) => exposure.startMs + step.atSeconds * 1000);
  if (Number.isFinite(exposure.endMs)) points.push(exposure.endMs);
  return [exposure.startMs, ...points];
}

/**
 * Share of traffic each exposure serves at `atMs`: a later deployment of the same profile takes its
 * percentage from whatever configuration served before, so share = own × Π over later ones (1 − own).
 */
export function trafficSharesAt(exposures: readonly Exposure[], atMs: number): Map<Exposure, number> {
  const shares = new Map<Exposure, number>();
  const byProfile = new Map<string, Exposure[]>();
  for (const exposure of exposures) {
    const list = byProfile.get(exposure.deployment.profile) ?? [];
    list.push(exposure);
    byProfile.set(exposure.deployment.profile, list);
  }
  for (const list of byProfile.values()) {
    const latestFirst = [...list].sort(
      (a, b) => b.startMs - a.startMs || b.deployment.deploymentId.localeCompare(a.deployment.deploymentId),
    );
    let remaining = 1;
    for (const exposure of latestFirst) {
      const own = ownPercentageAt(exposure, atMs) / 100;
      shares.set(exposure, own * remaining);
      remaining *= 1 - own;
    }
  }
  return shares;
}

/**
 * The metric at `atMs`: the baseline value, except on the traffic of a configuration whose fault is active
 * (its rollout has reached the fault's `atPercent`), which sees the fault's value instead. A step of a stepped
 * release exposes the change to a share of users on every target it reaches, so only that share sees the
 * fault, and the fault's `atPercent` is compared with targets × that share.
 */
export function metricValueAt(
  exposures: readonly Exposure[],
  metric: ServiceMetric,
  baseValue: number,
  atMs: number,
): number {
  let value = baseValue;
  for (const [exposure, share] of trafficSharesAt(exposures, atMs)) {
    const fault = exposure.deployment.fault;
    if (!fault || fault.metric !== metric || share === 0) continue;
    const exposed = (exposure.deployment.exposurePercentage ?? 100) / 100;
    if (ownPercentageAt(exposure, atMs) * exposed < fault.atPercent) continue;
    value += share * exposed * (fault.value - baseValue);
  }
  return value;
}
