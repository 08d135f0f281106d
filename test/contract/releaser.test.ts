import {
  AppConfigClient,
  CreateApplicationCommand,
  CreateConfigurationProfileCommand,
  CreateDeploymentStrategyCommand,
  CreateEnvironmentCommand,
} from '@aws-sdk/client-appconfig';
import { loadCatalog } from '../../catalog/index.js';
import { AppConfigReleaser } from '../../lambdas/adapters/aws/appconfig-releaser.js';
import { LocalAppConfig } from '../../lambdas/adapters/local/appconfig-simulator.js';
import { VirtualClock } from '../../lambdas/adapters/local/virtual-clock.js';
import { alarmName, serviceMetrics } from '../../lambdas/core/release/alarms.js';
import { customStrategies } from '../../lambdas/core/release/strategies.js';
import { AppConfigEndpoint } from '../deployed/emulators/appconfig/appconfig-endpoint.js';
import { ScriptedAlarmStates } from '../deployed/emulators/scripted-alarm-states.js';
import { counterIds, MemoryStateStore } from '../unit/release/helpers/memory-state-store.js';
import { contractStart, describeReleaserContract, type ReleaserFixture } from './releaser-contract.js';

const catalog = loadCatalog();
const monitorsFor = (service: string) => serviceMetrics.map((metric) => alarmName(service, metric));

/** The local AppConfig simulator, its monitors reading the scripted alarm states. */
async function localSimulator(): Promise<ReleaserFixture> {
  const clock = new VirtualClock(contractStart);
  const alarms = new ScriptedAlarmStates();
  const releaser = new LocalAppConfig({
    store: new MemoryStateStore(),
    clock,
    ids: counterIds(),
    alarms: {
      monitorsFor,
      actionsEnabled: async () => true,
      alarmHistory: (service, afterMs, throughMs, names) =>
        alarms.alarmHistory(names ?? monitorsFor(service), afterMs, throughMs),
      // The contract's releases all roll back on alarm: their monitors' actions are never switched.
      disableAlarmActions: async () => {},
      enableAlarmActions: async () => {},
    },
  });
  return { releaser, clock, alarms, close: async () => {} };
}

/** The AWS adapter against the deployed-stack suite's AppConfig endpoint, provisioned as the stack does. */
async function appConfigEndpoint(): Promise<ReleaserFixture> {
  const clock = new VirtualClock(contractStart);
  const alarms = new ScriptedAlarmStates();
  const endpoint = await AppConfigEndpoint.start({ clock, alarms });
  const client = new AppConfigClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const close = async () => {
    client.destroy();
    await endpoint.stop();
  };
  try {
    const service = catalog.services['launch-flags']!;
    const applicationId = (await client.send(new CreateApplicationCommand({ Name: 'itv' }))).Id!;
    const environment = await client.send(
      new CreateEnvironmentCommand({
        ApplicationId: applicationId,
        Name: service.environment,
        Monitors: monitorsFor(service.name).map((alarm) => ({
          AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarm}`,
          AlarmRoleArn: 'arn:aws:iam::123456789012:role/itv-appconfig-alarms',
        })),
      }),
    );
    const profile = await client.send(
      new CreateConfigurationProfileCommand({
        ApplicationId: applicationId,
        Name: `${service.name}.flags`,
        LocationUri: 'hosted',
        Type: 'AWS.AppConfig.FeatureFlags',
      }),
    );
    const strategies: Record<string, string> = {};
    for (const strategy of customStrategies) {
      const created = await client.send(
        new CreateDeploymentStrategyCommand({
          Name: strategy.name,
          GrowthType: strategy.growthType,
          GrowthFactor: strategy.growthFactor,
          DeploymentDurationInMinutes: strategy.deploymentDurationInMinutes,
          FinalBakeTimeInMinutes: strategy.finalBakeTimeInMinutes,
          ReplicateTo: 'NONE',
        }),
      );
      strategies[strategy.name] = created.Id!;
    }
    const releaser = new AppConfigReleaser({
      client,
      applicationId,
      environments: { [service.name]: environment.Id! },
      profiles: { [`${service.name}/flags`]: profile.Id! },
      strategies,
      services: catalog.services,
    });
    return { releaser, clock, alarms, close };
  } catch (error) {
    await close();
    throw error;
  }
}

describeReleaserContract('LocalAppConfig (the local simulator)', localSimulator);
describeReleaserContract('AppConfigReleaser against the AppConfig endpoint', appConfigEndpoint);
