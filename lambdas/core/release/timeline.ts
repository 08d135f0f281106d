import type { DeploymentStrategy } from '../../ports/releaser.js';
import { InvalidInputError } from '../errors.js';

/**
 * The schedule of an AppConfig gradual deployment, as AWS documents it in "Working with deployment strategies"
 * (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-deployment-strategy.html):
 * - LINEAR: "increments of the growth factor evenly distributed over the deployment"; AWS's example, 20 % over
 *   10 hours, is 0 % at 0 h, 20 % at 2 h, 40 % at 4 h … 100 % at 10 h.
 * - EXPONENTIAL: G*(2^N) per step, "2 % of the targets, 4 % of the targets, 8 % … until the configuration has been
 *   deployed to all targets", i.e. 2, 4, 8, 16, 32, 64, 100 for G = 2; the steps spread evenly over the duration.
 * - Final bake: "the amount of time AWS AppConfig monitors for Amazon CloudWatch alarms after the configuration has
 *   been deployed to 100% of its targets, before considering the deployment to be complete".
 * Limits (API reference, CreateDeploymentStrategy): growth factor 1–100, duration and bake 0–1440 minutes.
 */

export interface TimelineStep {
  /** Seconds after the deployment started. */
  atSeconds: number;
  /** Share of targets on the new configuration from this instant on. */
  percentage: number;
}

export interface DeploymentTimeline {
  steps: TimelineStep[];
  /** The last step reached 100 %: alarms are watched from here … */
  bakeStartSeconds: number;
  /** … to here, when the deployment is COMPLETE and no longer eligible for automatic rollback. */
  bakeEndSeconds: number;
}

export type ProgressState = 'DEPLOYING' | 'BAKING' | 'COMPLETE';

/** Throws `InvalidInputError` naming each strategy field outside AWS's limits. */
export function validateStrategy(strategy: DeploymentStrategy): void {
  const issues: Array<{ path: string; message: string }> = [];
  const within = (path: string, value: number, min: number, max: number) => {
    if (!Number.isFinite(value) || value < min || value > max) {
      issues.push({
        path: `strategy.${path}`,
        message: `must be a number from ${min} to ${max}, got ${value}`,
      });
    }
  };
  within('growthFactor', strategy.growthFactor, 1, 100);
  within('deploymentDurationInMinutes', strategy.deploymentDurationInMinutes, 0, 1440);
  within('finalBakeTimeInMinutes', strategy.finalBakeTimeInMinutes, 0, 1440);
  if (strategy.growthType !== 'LINEAR' && strategy.growthType !== 'EXPONENTIAL') {
    issues.push({
      path: 'strategy.growthType',
      message: `must be LINEAR or EXPONENTIAL, got ${strategy.growthType}`,
    });
  }
  if (issues.length > 0) {
    throw new InvalidInputError(`deployment strategy ${strategy.name} is invalid`, issues);
  }
}

/** The percentages the rollout passes through, ending at 100: LINEAR 20 → [20, 40, 60, 80, 100]. */
export function growthPercentages(strategy: DeploymentStrategy): number[] {
  validateStrategy(strategy);
  const factor = strategy.growthFactor;
  const percentages: number[] = [];
  if (strategy.growthType === 'LINEAR') {
    for (let step = 1; step * factor < 100; step++) percentages.push(step * factor);
  } else {
    for (let n = 0; factor * 2 ** n < 100; n++) percentages.push(factor * 2 ** n);
  }
  percentages.push(100);
  return percentages;
}

/** The documented schedule: e.g. LINEAR 20 % over 10 min → 20 % at 120 s, 40 % at 240 s … 100 % at 600 s. */
export function deploymentTimeline(strategy: DeploymentStrategy): DeploymentTimeline {
  const percentages = growthPercentages(strategy);
  const durationMs = strategy.deploymentDurationInMinutes * 60_000;
  const steps = percentages.map((percentage, index) => ({
    // Millisecond resolution keeps 20 min / 7 steps exact enough and every instant representable as a Date.
    atSeconds: Math.round((durationMs * (index + 1)) / percentages.length) / 1000,
    percentage,
  }));
  const bakeStartSeconds = strategy.deploymentDurationInMinutes * 60;
  return { steps, bakeStartSeconds, bakeEndSeconds: bakeStartSeconds + strategy.finalBakeTimeInMinutes * 60 };
}

/** Percentage on the new configuration `elapsedSeconds` after the start (0 before the first step). */
export function percentageAt(timeline: DeploymentTimeline, elapsedSeconds: number): number {
  let percentage = 0;
  for (const step of timeline.steps) {
    if (step.atSeconds > elapsedSeconds) break;
    percentage = step.percentage;
  }
  return percentage;
}

/** Where a deployment that nobody stopped stands at `elapsedSeconds` on its timeline. */
export function progressAt(
  timeline: DeploymentTimeline,
  elapsedSeconds: number,
): { state: ProgressState; percentage: number } {
  if (elapsedSeconds >= timeline.bakeEndSeconds) return { state: 'COMPLETE', percentage: 100 };
  if (elapsedSeconds >= timeline.bakeStartSeconds) return { state: 'BAKING', percentage: 100 };
  return { state: 'DEPLOYING', percentage: percentageAt(timeline, elapsedSeconds) };
}

/**
 * State and percentage of a deployment started at `startedAt`, seen at `now`, when no alarm or stop ended it.
 * Example: Linear 20 % over 10 min with 5 min bake, 5 min in → { state: 'DEPLOYING', percentage: 40 }.
 */
export function deploymentStateAt(
  strategy: DeploymentStrategy,
  startedAt: Date,
  now: Date,
): { state: ProgressState; percentage: number } {
  const elapsedSeconds = Math.max(0, (now.getTime() - startedAt.getTime()) / 1000);
  return progressAt(deploymentTimeline(strategy), elapsedSeconds);
}
