import type { DeploymentStrategy } from '../../ports/releaser.js';
import type { ReleasePlan } from './release-plan.js';
import { strategyByName } from './strategies.js';
import { growthPercentages } from './timeline.js';

/**
 * Exposure that can hold. An AppConfig deployment cannot pause: it reaches 100 % of its targets or is rolled
 * back (StopDeployment reverts it), so a regression seen at 40 % of a gradual deployment of a change that must
 * not be reverted would either grow to everyone or be reverted. A release whose plan freezes is therefore
 * driven by itv in steps within the configuration instead: each step is its own deployment of a configuration
 * that exposes the change to a share of users (a feature flag variant selected by `(split by::$userId pct::P)`,
 * or itv's exposure envelope for freeform profiles), deployed to every target at once and baked for the watch
 * floor. Not starting the next step is a hold: the environment keeps serving the last step's configuration,
 * at the exposure it had.
 */

/** The strategy of each step: every target at once, then at least the watch floor of bake. */
export const exposureStepStrategy: DeploymentStrategy = strategyByName('itv.Immediate3MinuteBake');

/** Whether the plan holds exposure where a regression or breach finds it (it never reverts). */
export function holdsExposure(plan: Pick<ReleasePlan, 'onRegression' | 'onPolicyBreach'>): boolean {
  return plan.onRegression === 'freeze' || plan.onPolicyBreach === 'freeze';
}

/**
 * The exposure percentages of a stepped release: the gradual schedule the strategy would have run, one step
 * each. Example: itv.Linear25Percent8Minutes → [25, 50, 75, 100]. A change that must not be reverted never
 * reaches everyone in its first step, so an immediate strategy runs as [50, 100]: a regression then holds at
 * half the users instead of all of them.
 */
export function exposureSteps(strategy: DeploymentStrategy): number[] {
  const steps = growthPercentages(strategy);
  return steps.length === 1 ? [50, 100] : steps;
}

/** Where a stepped release stands: the schedule, the step deployed now, and the exposure it gives. */
export interface ExposureProgress {
  steps: number[];
  index: number;
  percentage: number;
}

/** The progress at step `index` of `steps`. */
export function exposureAt(steps: number[], index: number): ExposureProgress {
  const percentage = steps[index];
  if (percentage === undefined)
    throw new RangeError(`step ${index} is outside a schedule of ${steps.length}`);
  return { steps, index, percentage };
}

/** The next step, or undefined when the last (100 %) is deployed. */
export function nextExposure(progress: ExposureProgress): ExposureProgress | undefined {
  return progress.index + 1 < progress.steps.length
    ? exposureAt(progress.steps, progress.index + 1)
    : undefined;
}
