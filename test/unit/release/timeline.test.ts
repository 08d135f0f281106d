import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { deploymentStrategies } from '../../../lambdas/core/release/strategies.js';
import {
  deploymentStateAt,
  deploymentTimeline,
  growthPercentages,
} from '../../../lambdas/core/release/timeline.js';
import type { DeploymentStrategy } from '../../../lambdas/ports/releaser.js';

const strategy = (overrides: Partial<DeploymentStrategy>): DeploymentStrategy => ({
  name: 'test',
  growthType: 'LINEAR',
  growthFactor: 20,
  deploymentDurationInMinutes: 10,
  finalBakeTimeInMinutes: 0,
  ...overrides,
});

describe('deploymentTimeline follows AWS AppConfig documentation', () => {
  test("AWS's linear example: 20 % over 10 hours is 20 % more every 2 hours", () => {
    // Prepare
    const tenHours = strategy({ deploymentDurationInMinutes: 600 });
    // Act
    const timeline = deploymentTimeline(tenHours);
    // Assess
    expect(timeline.steps).toEqual([
      { atSeconds: 2 * 3600, percentage: 20 },
      { atSeconds: 4 * 3600, percentage: 40 },
      { atSeconds: 6 * 3600, percentage: 60 },
      { atSeconds: 8 * 3600, percentage: 80 },
      { atSeconds: 10 * 3600, percentage: 100 },
    ]);
  });

  test('linear 20 % over 10 minutes is 20 % every 2 minutes, then the bake', () => {
    const timeline = deploymentTimeline(strategy({ finalBakeTimeInMinutes: 5 }));
    expect(timeline.steps.map((s) => s.atSeconds)).toEqual([120, 240, 360, 480, 600]);
    expect(timeline.bakeStartSeconds).toBe(600);
    expect(timeline.bakeEndSeconds).toBe(900);
  });

  test("AWS's exponential example: growth factor 2 rolls out 2, 4, 8, 16, 32, 64, 100 %", () => {
    const exponential = strategy({
      growthType: 'EXPONENTIAL',
      growthFactor: 2,
      deploymentDurationInMinutes: 7,
    });
    const timeline = deploymentTimeline(exponential);
    expect(timeline.steps).toEqual(
      [2, 4, 8, 16, 32, 64, 100].map((p, i) => ({ atSeconds: (i + 1) * 60, percentage: p })),
    );
  });

  test('a linear growth factor that does not divide 100 ends with a partial step to 100 %', () => {
    expect(growthPercentages(strategy({ growthFactor: 30 }))).toEqual([30, 60, 90, 100]);
  });

  test.each([
    ['itv.Immediate', [[0, 100]], 0, 0],
    ['itv.Immediate3MinuteBake', [[0, 100]], 0, 180],
    [
      'itv.Linear50Percent1Minute',
      [
        [30, 50],
        [60, 100],
      ],
      60,
      240,
    ],
    [
      'itv.Linear50Percent2Minutes',
      [
        [60, 50],
        [120, 100],
      ],
      120,
      300,
    ],
    [
      'AppConfig.Linear50PercentEvery30Seconds',
      [
        [30, 50],
        [60, 100],
      ],
      60,
      120,
    ],
    [
      'itv.Linear25Percent8Minutes',
      [
        [120, 25],
        [240, 50],
        [360, 75],
        [480, 100],
      ],
      480,
      780,
    ],
    [
      'AppConfig.Canary10Percent20Minutes',
      [
        [240, 10],
        [480, 20],
        [720, 40],
        [960, 80],
        [1200, 100],
      ],
      1200,
      1800,
    ],
    [
      'AppConfig.Linear20PercentEvery6Minutes',
      [
        [360, 20],
        [720, 40],
        [1080, 60],
        [1440, 80],
        [1800, 100],
      ],
      1800,
      3600,
    ],
  ])('%s: steps %j, bake from %d s to %d s', (name, steps, bakeStart, bakeEnd) => {
    // Prepare
    const known = deploymentStrategies.find((s) => s.name === name)!;
    // Act
    const timeline = deploymentTimeline(known);
    // Assess
    expect(timeline.steps.map((s) => [s.atSeconds, s.percentage])).toEqual(steps);
    expect([timeline.bakeStartSeconds, timeline.bakeEndSeconds]).toEqual([bakeStart, bakeEnd]);
  });

  test('every known strategy has a timeline entry in the table above', () => {
    expect(deploymentStrategies.map((s) => s.name).sort()).toEqual(
      [
        'itv.Immediate',
        'itv.Immediate3MinuteBake',
        'itv.Linear50Percent1Minute',
        'itv.Linear50Percent2Minutes',
        'AppConfig.Linear50PercentEvery30Seconds',
        'itv.Linear25Percent8Minutes',
        'AppConfig.Canary10Percent20Minutes',
        'AppConfig.Linear20PercentEvery6Minutes',
      ].sort(),
    );
  });

  test.each([
    ['growthFactor', { growthFactor: 0 }],
    ['growthFactor', { growthFactor: 101 }],
    ['deploymentDurationInMinutes', { deploymentDurationInMinutes: 1441 }],
    ['finalBakeTimeInMinutes', { finalBakeTimeInMinutes: -1 }],
  ])('a strategy outside AWS limits is rejected naming %s', (field, overrides) => {
    let caught: unknown;
    try {
      deploymentTimeline(strategy(overrides));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).issues.map((i) => i.path)).toEqual([`strategy.${field}`]);
  });
});

describe('deploymentStateAt', () => {
  const start = new Date('2026-11-02T10:00:00.000Z');
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
  const linear = strategy({ finalBakeTimeInMinutes: 5 });

  test.each([
    [0, 'DEPLOYING', 0],
    [119.999, 'DEPLOYING', 0],
    [120, 'DEPLOYING', 20],
    [300, 'DEPLOYING', 40],
    [599, 'DEPLOYING', 80],
    [600, 'BAKING', 100],
    [899, 'BAKING', 100],
    [900, 'COMPLETE', 100],
  ])('%d s in: %s at %d %%', (seconds, state, percentage) => {
    expect(deploymentStateAt(linear, start, at(seconds))).toEqual({ state, percentage });
  });

  test('an immediate strategy without bake is COMPLETE at once', () => {
    const immediate = deploymentStrategies.find((s) => s.name === 'itv.Immediate')!;
    expect(deploymentStateAt(immediate, start, start)).toEqual({ state: 'COMPLETE', percentage: 100 });
  });

  test('no steps and a bake: BAKING at 100 % from the start', () => {
    const allAtOnce = strategy({
      growthFactor: 100,
      deploymentDurationInMinutes: 0,
      finalBakeTimeInMinutes: 10,
    });
    expect(deploymentStateAt(allAtOnce, start, at(1))).toEqual({ state: 'BAKING', percentage: 100 });
    expect(deploymentStateAt(allAtOnce, start, at(600))).toEqual({ state: 'COMPLETE', percentage: 100 });
  });
});
