import { readdirSync, readFileSync } from 'node:fs';
import {
  AppConfigClient,
  CreateApplicationCommand,
  CreateConfigurationProfileCommand,
  CreateDeploymentStrategyCommand,
  CreateEnvironmentCommand,
  GetHostedConfigurationVersionCommand,
} from '@aws-sdk/client-appconfig';
import { loadCatalog } from '../../../catalog/index.js';
import { AppConfigReleaser } from '../../../lambdas/adapters/aws/appconfig-releaser.js';
import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';
import { alarmName } from '../../../lambdas/core/release/alarms.js';
import { featureFlagDocument } from '../../../lambdas/core/release/feature-flag-document.js';
import { customStrategies, strategyByName } from '../../../lambdas/core/release/strategies.js';
import { flagPayloadFor } from '../../unit/release/helpers/flag-payloads.js';
import { AppConfigEndpoint } from './appconfig/appconfig-endpoint.js';
import { ScriptedAlarmStates } from './scripted-alarm-states.js';

/**
 * The real AppConfigReleaser against the AppConfig endpoint, with the catalog's profiles provisioned as the
 * stack provisions them (infra/release-config.ts): feature-flag profiles without validators, free-form profiles
 * with their latest contract as a JSON_SCHEMA validator. What every Releaser does (lanes, steps, stop, rollback
 * on alarm) is the port's contract, test/contract/releaser-contract.ts; here is what only this adapter does.
 */

const catalog = loadCatalog();
const start = new Date('2026-11-02T10:00:00.000Z');
interface ExampleChange {
  service: string;
  profile: string;
  contractVersion: string;
  kind?: string;
  payload: Record<string, unknown>;
}
const example = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${file}`, import.meta.url), 'utf8')) as {
    change: { service: string; profile: string; contractVersion: string; payload: Record<string, unknown> };
  };

let endpoint: AppConfigEndpoint;
let client: AppConfigClient;
let clock: VirtualClock;

beforeEach(async () => {
  clock = new VirtualClock(start);
  endpoint = await AppConfigEndpoint.start({ clock, alarms: new ScriptedAlarmStates() });
  client = new AppConfigClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  client.destroy();
  await endpoint.stop();
});

function latest(contracts: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const version = Object.keys(contracts)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .at(-1)!;
  return contracts[version]!;
}

/** Every catalog service's environment (monitored by its rollback alarms) and profiles, and itv's strategies. */
async function provision() {
  const applicationId = (await client.send(new CreateApplicationCommand({ Name: 'itv' }))).Id!;
  const environments: Record<string, string> = {};
  const profiles: Record<string, string> = {};
  for (const service of Object.values(catalog.services)) {
    const environment = await client.send(
      new CreateEnvironmentCommand({
        ApplicationId: applicationId,
        Name: service.environment,
        Monitors: (['errorRate', 'latencyP99Ms'] as const).map((metric) => ({
          AlarmArn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName(service.name, metric)}`,
          AlarmRoleArn: 'arn:aws:iam::123456789012:role/itv-appconfig-alarms',
        })),
      }),
    );
    environments[service.name] = environment.Id!;
    for (const [name, profile] of Object.entries(service.profiles)) {
      const created = await client.send(
        new CreateConfigurationProfileCommand({
          ApplicationId: applicationId,
          Name: `${service.name}.${name}`,
          LocationUri: 'hosted',
          Type: profile.type === 'feature-flags' ? 'AWS.AppConfig.FeatureFlags' : 'AWS.Freeform',
          ...(profile.type === 'freeform'
            ? { Validators: [{ Type: 'JSON_SCHEMA', Content: JSON.stringify(latest(profile.contracts)) }] }
            : {}),
        }),
      );
      profiles[`${service.name}/${name}`] = created.Id!;
    }
  }
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
    environments,
    profiles,
    strategies,
    services: catalog.services,
  });
  return { applicationId, environments, profiles, releaser };
}

describe('AppConfigReleaser against the AppConfig endpoint', () => {
  test("releases example 01's feature flags: the hosted version is AppConfig's flag document", async () => {
    // Prepare
    const { applicationId, profiles, releaser } = await provision();
    const { change } = example('01-low-risk-flag.json');
    // Act
    const status = await releaser.start({
      intentId: 'intent-01',
      service: change.service,
      environment: 'prod',
      profile: change.profile,
      contractVersion: change.contractVersion,
      content: change.payload,
      strategy: strategyByName('itv.Linear25Percent8Minutes'),
      description: 'intent-01: roll the new checkout out to 10% of shoppers',
    });
    // Assess
    expect(status).toMatchObject({ deploymentId: '1', state: 'DEPLOYING' });
    const hosted = await client.send(
      new GetHostedConfigurationVersionCommand({
        ApplicationId: applicationId,
        ConfigurationProfileId: profiles['launch-flags/flags'],
        VersionNumber: 1,
      }),
    );
    const contract = catalog.services['launch-flags']!.profiles.flags!.contracts['1.0.0']!;
    expect(JSON.parse(new TextDecoder().decode(hosted.Content))).toEqual(
      featureFlagDocument(change.payload, contract),
    );
  });

  test('a free-form profile still receives the payload itself, checked by its draft-04 validator', async () => {
    // Prepare
    const { applicationId, profiles, releaser } = await provision();
    const { change } = example('06-deal-desk-pricing.json');
    // Act
    await releaser.start({
      intentId: 'intent-06',
      service: change.service,
      environment: 'prod',
      profile: change.profile,
      contractVersion: change.contractVersion,
      content: change.payload,
      strategy: strategyByName('AppConfig.Linear50PercentEvery30Seconds'),
      description: 'intent-06',
    });
    // Assess
    const hosted = await client.send(
      new GetHostedConfigurationVersionCommand({
        ApplicationId: applicationId,
        ConfigurationProfileId: profiles[`${change.service}/${change.profile}`],
        VersionNumber: 1,
      }),
    );
    expect(JSON.parse(new TextDecoder().decode(hosted.Content))).toEqual(change.payload);
  });

  const flagReleases = [
    ...readdirSync(new URL('../../../examples/', import.meta.url))
      .filter((file) => file.endsWith('.json'))
      .map((file) => ({ label: `example ${file}`, change: example(file).change as ExampleChange }))
      .filter(({ change }) => change.kind === 'feature-flag'),
    ...Object.values(catalog.services).flatMap((service) =>
      Object.entries(service.profiles)
        .filter(([, profile]) => profile.type === 'feature-flags')
        .flatMap(([profile, { contracts }]) =>
          Object.entries(contracts).map(([contractVersion, contract]) => ({
            label: `catalog ${service.name}/${profile}@${contractVersion}`,
            change: { service: service.name, profile, contractVersion, payload: flagPayloadFor(contract) },
          })),
        ),
    ),
  ];

  test.each(flagReleases.map(({ label, change }) => [label, change] as const))(
    '%s: the flag document the releaser sends is accepted',
    async (label, change) => {
      // Prepare
      const { releaser } = await provision();
      // Act
      const status = await releaser.start({
        intentId: label,
        service: change.service,
        environment: 'prod',
        profile: change.profile,
        contractVersion: change.contractVersion,
        content: change.payload,
        strategy: strategyByName('itv.Immediate'),
        description: label,
      });
      // Assess
      expect(status.state).toBe('COMPLETE');
    },
  );

  test("a value outside the contract's bounds is refused by AppConfig too: the constraints travel", async () => {
    // Prepare
    const { releaser } = await provision();
    // Act
    const release = releaser.start({
      intentId: 'intent-bounds',
      service: 'launch-flags',
      environment: 'prod',
      profile: 'flags',
      contractVersion: '1.0.0',
      content: { 'new-checkout': { enabled: true, rolloutPercent: 140 } },
      strategy: strategyByName('itv.Immediate'),
      description: 'intent-bounds',
    });
    // Assess
    await expect(release).rejects.toMatchObject({
      name: 'InvalidInputError',
      issues: [{ path: 'content', message: expect.stringContaining('rolloutPercent') }],
    });
  });
});
