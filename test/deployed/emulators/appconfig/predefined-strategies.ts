import { deploymentStrategies } from '../../../../lambdas/core/release/strategies.js';
import type { DeploymentStrategy } from '../../../../lambdas/ports/releaser.js';

/**
 * AWS's predefined deployment strategies, which every account has and which StartDeployment takes by name
 * ("Using predefined deployment strategies",
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-deployment-strategy-predefined.html).
 * Three come from the project's own table; AppConfig.AllAtOnce ("deploys the configuration to all targets
 * immediately. The system monitors for Amazon CloudWatch alarms for 10 minutes") is added here.
 */
export const predefinedStrategies: ReadonlyMap<string, DeploymentStrategy> = new Map(
  [
    ...deploymentStrategies.filter((strategy) => strategy.name.startsWith('AppConfig.')),
    {
      name: 'AppConfig.AllAtOnce',
      growthType: 'LINEAR',
      growthFactor: 100,
      deploymentDurationInMinutes: 0,
      finalBakeTimeInMinutes: 10,
    } as const,
  ].map((strategy) => [strategy.name, { ...strategy }]),
);
