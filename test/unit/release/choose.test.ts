import { InvalidInputError } from '../../../lambdas/core/errors.js';
import {
  chooseStrategy,
  pollSecondsFor,
  type RiskTier,
  strategyLadder,
  tierStrategies,
} from '../../../lambdas/core/release/choose.js';
import { deploymentStrategies, strategyByName } from '../../../lambdas/core/release/strategies.js';
import { deploymentTimeline } from '../../../lambdas/core/release/timeline.js';
import { watchFloorSeconds } from '../../../lambdas/core/release/watch-floor.js';
import type { DeploymentStrategy } from '../../../lambdas/ports/releaser.js';

const totalSeconds = (s: DeploymentStrategy) => deploymentTimeline(s).bakeEndSeconds;
const tiers: RiskTier[] = [0, 1, 2, 3];
const confidences = Array.from({ length: 101 }, (_, i) => i / 100);

describe('chooseStrategy', () => {
  test.each([
    [3, 0.05, 'AppConfig.Linear20PercentEvery6Minutes'],
    [3, 0.5, 'AppConfig.Canary10Percent20Minutes'],
    [3, 0.95, 'AppConfig.Canary10Percent20Minutes'],
    [2, 0.05, 'AppConfig.Canary10Percent20Minutes'],
    [2, 0.9, 'itv.Linear25Percent8Minutes'],
    [1, 0.05, 'itv.Linear25Percent8Minutes'],
    [1, 0.9, 'itv.Linear50Percent2Minutes'],
    [0, 0.05, 'itv.Linear50Percent2Minutes'],
    [0, 0.5, 'itv.Linear50Percent1Minute'],
    [0, 0.79, 'itv.Linear50Percent1Minute'],
    [0, 0.8, 'itv.Immediate3MinuteBake'],
  ] as const)('tier %d with confidence %d → %s', (tier, confidence, expected) => {
    expect(chooseStrategy({ tier, confidence }).name).toBe(expected);
  });

  test('never faster than the tier floor, whatever the confidence', () => {
    for (const tier of tiers) {
      const floorSeconds = totalSeconds(strategyByName(tierStrategies[tier].floor));
      for (const confidence of confidences) {
        expect(totalSeconds(chooseStrategy({ tier, confidence }))).toBeGreaterThanOrEqual(floorSeconds);
      }
    }
  });

  test('more confidence never earns a slower strategy, and a higher tier never a faster one', () => {
    for (const tier of tiers) {
      for (let i = 1; i < confidences.length; i++) {
        const before = chooseStrategy({ tier, confidence: confidences[i - 1]! });
        const after = chooseStrategy({ tier, confidence: confidences[i]! });
        expect(totalSeconds(after)).toBeLessThanOrEqual(totalSeconds(before));
        if (tier < 3) {
          const riskier = chooseStrategy({ tier: (tier + 1) as RiskTier, confidence: confidences[i]! });
          expect(totalSeconds(riskier)).toBeGreaterThanOrEqual(totalSeconds(after));
        }
      }
    }
  });

  test('itv.Immediate3MinuteBake is reachable by confidence only in tier 0', () => {
    const immediateTiers = tiers.filter((tier) =>
      confidences.some(
        (confidence) => chooseStrategy({ tier, confidence }).name === 'itv.Immediate3MinuteBake',
      ),
    );
    expect(immediateTiers).toEqual([0]);
  });

  test('tier 0 can ask for the immediate strategy explicitly whatever its confidence, and it still bakes the watch floor', () => {
    expect(chooseStrategy({ tier: 0, confidence: 0, immediate: true }).name).toBe('itv.Immediate3MinuteBake');
  });

  test.each([
    [{ tier: 1 as RiskTier, confidence: 0.99, immediate: true }, 'immediate'],
    [{ tier: 4 as RiskTier, confidence: 0.5 }, 'tier'],
    [{ tier: 1 as RiskTier, confidence: 1.5 }, 'confidence'],
    [{ tier: 1 as RiskTier, confidence: Number.NaN }, 'confidence'],
  ])('rejects %j naming the field %s', (choice, field) => {
    let caught: unknown;
    try {
      chooseStrategy(choice);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).issues[0]?.path).toBe(field);
  });

  test('every strategy chosen is one of the known deployment strategies', () => {
    const names = new Set(deploymentStrategies.map((s) => s.name));
    for (const tier of tiers) {
      for (const confidence of confidences)
        expect(names.has(chooseStrategy({ tier, confidence }).name)).toBe(true);
    }
  });
});

describe('pollSecondsFor', () => {
  test.each([
    ['itv.Immediate', 1],
    ['AppConfig.Linear50PercentEvery30Seconds', 30],
    ['itv.Linear50Percent2Minutes', 60],
    ['AppConfig.Canary10Percent20Minutes', 60],
  ] as const)('%s polls every %d s', (name, seconds) => {
    expect(pollSecondsFor(strategyByName(name))).toBe(seconds);
  });

  test('stays within 1..60 s for any valid strategy', () => {
    const short: DeploymentStrategy = {
      name: 'short',
      growthType: 'LINEAR',
      growthFactor: 1,
      deploymentDurationInMinutes: 1,
      finalBakeTimeInMinutes: 0,
    };
    expect(pollSecondsFor(short)).toBe(1);
    expect(
      pollSecondsFor({
        ...short,
        growthFactor: 100,
        deploymentDurationInMinutes: 0,
        finalBakeTimeInMinutes: 10,
      }),
    ).toBe(60);
  });
});

describe('the watch floor', () => {
  test('is period × datapoints to alarm plus one period for the slowest monitor: 3 minutes for 2 of 3 one-minute datapoints', () => {
    expect(watchFloorSeconds()).toBe(180);
    expect(
      watchFloorSeconds([
        { periodSeconds: 60, datapointsToAlarm: 2 },
        { periodSeconds: 300, datapointsToAlarm: 1 },
      ]),
    ).toBe(600);
  });

  test.each(strategyLadder)('%s stays at 100 %% at least the watch floor', (name) => {
    expect(strategyByName(name).finalBakeTimeInMinutes * 60).toBeGreaterThanOrEqual(watchFloorSeconds());
  });

  test('slower monitors move every tier to a strategy that bakes long enough, whatever its confidence', () => {
    const floor = watchFloorSeconds([{ periodSeconds: 300, datapointsToAlarm: 2 }]); // 15 minutes
    for (const tier of [0, 1, 2, 3] as const) {
      const strategy = chooseStrategy({ tier, confidence: 0.99, watchFloorSeconds: floor });
      expect([tier, strategy.finalBakeTimeInMinutes * 60 >= floor]).toEqual([tier, true]);
    }
    expect(chooseStrategy({ tier: 0, confidence: 0, immediate: true, watchFloorSeconds: floor }).name).toBe(
      'AppConfig.Linear20PercentEvery6Minutes',
    );
  });
});
