import type { DeploymentStrategy } from '../../ports/releaser.js';
import { InvalidInputError } from '../errors.js';

/**
 * The deployment strategies itv chooses from, fastest first. Names starting `AppConfig.` are AWS's predefined
 * strategies (parameters as AWS documents them); names starting `itv.` are created by the CDK stack.
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-deployment-strategy.html
 */
export const deploymentStrategies = [
  // Every strategy itv chooses bakes at least the watch floor (`watch-floor.ts`, 3 minutes): its alarms see
  // the change at 100 % long enough to reach ALARM before the deployment completes.
  {
    name: 'itv.Immediate3MinuteBake',
    growthType: 'LINEAR',
    growthFactor: 100,
    deploymentDurationInMinutes: 0,
    finalBakeTimeInMinutes: 3,
  },
  {
    name: 'itv.Linear50Percent1Minute',
    growthType: 'LINEAR',
    growthFactor: 50,
    deploymentDurationInMinutes: 1,
    finalBakeTimeInMinutes: 3,
  },
  {
    name: 'itv.Linear50Percent2Minutes',
    growthType: 'LINEAR',
    growthFactor: 50,
    deploymentDurationInMinutes: 2,
    finalBakeTimeInMinutes: 3,
  },
  // Known but never chosen, because they bake less than the watch floor: AWS's predefined fast strategy
  // (1 minute), and itv.Immediate (none), which tests and tooling use to finish a deployment at once.
  {
    name: 'itv.Immediate',
    growthType: 'LINEAR',
    growthFactor: 100,
    deploymentDurationInMinutes: 0,
    finalBakeTimeInMinutes: 0,
  },
  {
    name: 'AppConfig.Linear50PercentEvery30Seconds',
    growthType: 'LINEAR',
    growthFactor: 50,
    deploymentDurationInMinutes: 1,
    finalBakeTimeInMinutes: 1,
  },
  {
    name: 'itv.Linear25Percent8Minutes',
    growthType: 'LINEAR',
    growthFactor: 25,
    deploymentDurationInMinutes: 8,
    finalBakeTimeInMinutes: 5,
  },
  {
    name: 'AppConfig.Canary10Percent20Minutes',
    growthType: 'EXPONENTIAL',
    growthFactor: 10,
    deploymentDurationInMinutes: 20,
    finalBakeTimeInMinutes: 10,
  },
  {
    name: 'AppConfig.Linear20PercentEvery6Minutes',
    growthType: 'LINEAR',
    growthFactor: 20,
    deploymentDurationInMinutes: 30,
    finalBakeTimeInMinutes: 30,
  },
] as const satisfies readonly DeploymentStrategy[];

export type StrategyName = (typeof deploymentStrategies)[number]['name'];

/** Strategies the stack must create (AWS's predefined ones already exist in every account). */
export const customStrategies = deploymentStrategies.filter((s) => s.name.startsWith('itv.'));

/** The strategy of that name; throws `InvalidInputError` naming the field for an unknown name. */
export function strategyByName<N extends StrategyName>(
  name: N,
): Extract<(typeof deploymentStrategies)[number], { name: N }> {
  const strategy = deploymentStrategies.find((s) => s.name === name);
  if (!strategy) {
    throw new InvalidInputError(`unknown deployment strategy ${name}`, [
      {
        path: 'strategy.name',
        message: `must be one of ${deploymentStrategies.map((s) => s.name).join(', ')}`,
      },
    ]);
  }
  return strategy as Extract<(typeof deploymentStrategies)[number], { name: N }>;
}
