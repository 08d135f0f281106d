import type { DeploymentStrategy } from '../../ports/releaser.js';
import { InvalidInputError } from '../errors.js';
import { type StrategyName, strategyByName } from './strategies.js';
import { deploymentTimeline } from './timeline.js';
import { watchFloorSeconds } from './watch-floor.js';

export type RiskTier = 0 | 1 | 2 | 3;

/**
 * The ladder from slowest (most time to watch alarms) to fastest, by total rollout + bake time:
 * 60, 30, 13, 5, 4 and 3 minutes. Every rung bakes at least the watch floor (`watch-floor.ts`).
 */
export const strategyLadder: readonly StrategyName[] = [
  'AppConfig.Linear20PercentEvery6Minutes',
  'AppConfig.Canary10Percent20Minutes',
  'itv.Linear25Percent8Minutes',
  'itv.Linear50Percent2Minutes',
  'itv.Linear50Percent1Minute',
  'itv.Immediate3MinuteBake',
];

/**
 * Per tier: the strategy with no earned confidence, and the fastest one confidence can earn (the floor).
 * Tier 3 never goes below AWS's recommended production strategy; tier 0 reaches `itv.Immediate3MinuteBake` only with
 * confidence ≥ 0.8.
 */
export const tierStrategies: Readonly<Record<RiskTier, { start: StrategyName; floor: StrategyName }>> = {
  3: { start: 'AppConfig.Linear20PercentEvery6Minutes', floor: 'AppConfig.Canary10Percent20Minutes' },
  2: { start: 'AppConfig.Canary10Percent20Minutes', floor: 'itv.Linear25Percent8Minutes' },
  1: { start: 'itv.Linear25Percent8Minutes', floor: 'itv.Linear50Percent2Minutes' },
  0: { start: 'itv.Linear50Percent2Minutes', floor: 'itv.Immediate3MinuteBake' },
};

/**
 * Each threshold the confidence lower bound reaches earns one rung faster on the ladder. With no regression the
 * bound is 0.05^(1/(s+1)) after s clean releases (`../confidence.ts`): 0.5 is reached after 4, 0.8 after 13.
 */
export const confidenceThresholds = [0.5, 0.8] as const;

export interface StrategyChoice {
  tier: RiskTier;
  /** 5th percentile of the Beta posterior of clean releases for (service, change kind), 0..1 (`confidenceLowerBound`). */
  confidence: number;
  /** Tier 0 only: ask for `itv.Immediate3MinuteBake` (no steps) whatever the confidence — the bench's fastest path. */
  immediate?: boolean;
  /** Seconds the release must stay at 100 % for its alarms to be able to trip (`watchFloorSeconds`). */
  watchFloorSeconds?: number;
}

/**
 * A strategy from risk tier × earned confidence, never faster than the tier's floor.
 * Example: { tier: 2, confidence: 0.05 } → AppConfig.Canary10Percent20Minutes; { tier: 0, confidence: 0.9 } →
 * itv.Immediate3MinuteBake.
 */
export function chooseStrategy(choice: StrategyChoice): DeploymentStrategy & { name: StrategyName } {
  const { tier, confidence } = choice;
  if (!Number.isInteger(tier) || tier < 0 || tier > 3) {
    throw new InvalidInputError('cannot choose a strategy', [
      { path: 'tier', message: `must be 0, 1, 2 or 3, got ${tier}` },
    ]);
  }
  if (!Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
    throw new InvalidInputError('cannot choose a strategy', [
      { path: 'confidence', message: `must be a number from 0 to 1, got ${confidence}` },
    ]);
  }
  if (choice.immediate) {
    if (tier !== 0) {
      throw new InvalidInputError('cannot choose a strategy', [
        { path: 'immediate', message: `is allowed for risk tier 0 only, got tier ${tier}` },
      ]);
    }
    return watched(strategyLadder.indexOf('itv.Immediate3MinuteBake'), choice.watchFloorSeconds);
  }
  const { start, floor } = tierStrategies[tier];
  const earned = confidenceThresholds.filter((threshold) => confidence >= threshold).length;
  const rung = Math.min(strategyLadder.indexOf(start) + earned, strategyLadder.indexOf(floor));
  return watched(rung, choice.watchFloorSeconds);
}

/**
 * The strategy at `rung`, or the fastest slower one whose bake covers the watch floor: a release no alarm could
 * stop in time is never chosen, however much confidence it earned.
 */
function watched(rung: number, floorSeconds = watchFloorSeconds()) {
  for (let r = rung; r >= 0; r--) {
    const strategy = strategyByName(strategyLadder[r]!);
    if (strategy.finalBakeTimeInMinutes * 60 >= floorSeconds) return strategy;
  }
  return strategyByName(strategyLadder[0]!);
}

/** Seconds the state machine's Wait should sleep between polls: one growth step, from 1 to 60. */
export function pollSecondsFor(strategy: DeploymentStrategy): number {
  const timeline = deploymentTimeline(strategy);
  const rolloutSeconds = timeline.bakeStartSeconds;
  const interval =
    rolloutSeconds > 0
      ? rolloutSeconds / timeline.steps.length
      : timeline.bakeEndSeconds - timeline.bakeStartSeconds;
  return Math.min(60, Math.max(1, Math.round(interval)));
}
