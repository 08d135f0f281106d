import {
  AppConfigClient,
  BadRequestException,
  ConflictException,
  CreateApplicationCommand,
  CreateConfigurationProfileCommand,
  CreateDeploymentStrategyCommand,
  CreateEnvironmentCommand,
  CreateHostedConfigurationVersionCommand,
  GetDeploymentCommand,
  GetEnvironmentCommand,
  GetHostedConfigurationVersionCommand,
  ResourceNotFoundException,
  StartDeploymentCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-appconfig';
import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';
import { AppConfigEndpoint } from './appconfig/appconfig-endpoint.js';
import { ScriptedAlarmStates } from './scripted-alarm-states.js';

const start = new Date('2026-11-02T10:00:00.000Z');
const alarmArn = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:itv-payments-error-rate';
const roleArn = 'arn:aws:iam::123456789012:role/itv-appconfig-alarms';
const minutes = (n: number) => n * 60_000;
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const flagDocument = {
  version: '1',
  flags: {
    'new-checkout': {
      name: 'new-checkout',
      attributes: { rolloutPercent: { constraints: { type: 'number', minimum: 0, maximum: 100 } } },
    },
  },
  values: { 'new-checkout': { enabled: true, rolloutPercent: 10 } },
};

let clock: VirtualClock;
let alarms: ScriptedAlarmStates;
let endpoint: AppConfigEndpoint;
let client: AppConfigClient;

beforeEach(async () => {
  clock = new VirtualClock(start);
  alarms = new ScriptedAlarmStates();
  endpoint = await AppConfigEndpoint.start({ clock, alarms });
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

async function application(): Promise<string> {
  return (await client.send(new CreateApplicationCommand({ Name: 'itv' }))).Id!;
}

async function environment(applicationId: string): Promise<string> {
  const created = await client.send(
    new CreateEnvironmentCommand({
      ApplicationId: applicationId,
      Name: 'prod',
      Monitors: [{ AlarmArn: alarmArn, AlarmRoleArn: roleArn }],
    }),
  );
  return created.Id!;
}

async function profile(
  applicationId: string,
  type: 'AWS.AppConfig.FeatureFlags' | 'AWS.Freeform',
  validator?: object,
): Promise<string> {
  const created = await client.send(
    new CreateConfigurationProfileCommand({
      ApplicationId: applicationId,
      Name: `payments.${type}`,
      LocationUri: 'hosted',
      Type: type,
      ...(validator ? { Validators: [{ Type: 'JSON_SCHEMA', Content: JSON.stringify(validator) }] } : {}),
    }),
  );
  return created.Id!;
}

async function version(applicationId: string, profileId: string, content: unknown): Promise<number> {
  const created = await client.send(
    new CreateHostedConfigurationVersionCommand({
      ApplicationId: applicationId,
      ConfigurationProfileId: profileId,
      Content: json(content),
      ContentType: 'application/json',
    }),
  );
  return created.VersionNumber!;
}

/** An application with one monitored environment, a flag profile holding one valid version, and a strategy. */
async function deployable(strategy = { duration: 8, growth: 25, bake: 5 }) {
  const applicationId = await application();
  const environmentId = await environment(applicationId);
  const profileId = await profile(applicationId, 'AWS.AppConfig.FeatureFlags');
  const versionNumber = await version(applicationId, profileId, flagDocument);
  const strategyId = (
    await client.send(
      new CreateDeploymentStrategyCommand({
        Name: 'itv.Linear25Percent8Minutes',
        DeploymentDurationInMinutes: strategy.duration,
        GrowthFactor: strategy.growth,
        GrowthType: 'LINEAR',
        FinalBakeTimeInMinutes: strategy.bake,
        ReplicateTo: 'NONE',
      }),
    )
  ).Id!;
  const deploy = () =>
    client.send(
      new StartDeploymentCommand({
        ApplicationId: applicationId,
        EnvironmentId: environmentId,
        DeploymentStrategyId: strategyId,
        ConfigurationProfileId: profileId,
        ConfigurationVersion: String(versionNumber),
      }),
    );
  const get = (number: number) =>
    client.send(
      new GetDeploymentCommand({
        ApplicationId: applicationId,
        EnvironmentId: environmentId,
        DeploymentNumber: number,
      }),
    );
  const stop = (number: number, allowRevert?: boolean) =>
    client.send(
      new StopDeploymentCommand({
        ApplicationId: applicationId,
        EnvironmentId: environmentId,
        DeploymentNumber: number,
        ...(allowRevert !== undefined ? { AllowRevert: allowRevert } : {}),
      }),
    );
  return { applicationId, environmentId, profileId, deploy, get, stop };
}

describe('AppConfig endpoint: resources through the real SDK', () => {
  test('a hosted version carries its number in Version-Number and reads back byte for byte', async () => {
    // Prepare
    const applicationId = await application();
    const profileId = await profile(applicationId, 'AWS.Freeform');
    // Act
    const created = await client.send(
      new CreateHostedConfigurationVersionCommand({
        ApplicationId: applicationId,
        ConfigurationProfileId: profileId,
        Content: json({ limit: 3 }),
        ContentType: 'application/json',
        Description: 'first',
      }),
    );
    const read = await client.send(
      new GetHostedConfigurationVersionCommand({
        ApplicationId: applicationId,
        ConfigurationProfileId: profileId,
        VersionNumber: 1,
      }),
    );
    // Assess
    expect(created).toMatchObject({
      VersionNumber: 1,
      ContentType: 'application/json',
      Description: 'first',
    });
    expect(JSON.parse(new TextDecoder().decode(read.Content))).toEqual({ limit: 3 });
  });

  test('a stale LatestVersionNumber is a ConflictException', async () => {
    // Prepare
    const applicationId = await application();
    const profileId = await profile(applicationId, 'AWS.Freeform');
    await version(applicationId, profileId, { limit: 1 });
    // Act
    const stale = client.send(
      new CreateHostedConfigurationVersionCommand({
        ApplicationId: applicationId,
        ConfigurationProfileId: profileId,
        Content: json({ limit: 2 }),
        ContentType: 'application/json',
        LatestVersionNumber: 0,
      }),
    );
    // Assess
    await expect(stale).rejects.toBeInstanceOf(ConflictException);
  });

  test('an unknown environment is a ResourceNotFoundException (HTTP 404)', async () => {
    // Prepare
    const applicationId = await application();
    // Act
    const missing = client.send(
      new GetEnvironmentCommand({ ApplicationId: applicationId, EnvironmentId: 'nope123' }),
    );
    // Assess
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missing).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  test('a monitor must name a CloudWatch alarm by its ARN', async () => {
    // Prepare
    const applicationId = await application();
    // Act
    const created = client.send(
      new CreateEnvironmentCommand({
        ApplicationId: applicationId,
        Name: 'prod',
        Monitors: [{ AlarmArn: 'itv-payments-error-rate' }],
      }),
    );
    // Assess
    await expect(created).rejects.toBeInstanceOf(BadRequestException);
  });
});

describe('AppConfig endpoint: feature-flag profiles (AWS validates the flag format itself)', () => {
  test.each([
    ['a catalog payload, not the flag format', { 'new-checkout': { enabled: true, rolloutPercent: 10 } }],
    ['a document without version', { flags: flagDocument.flags, values: flagDocument.values }],
    [
      'an attribute value outside its constraints',
      { ...flagDocument, values: { 'new-checkout': { enabled: true, rolloutPercent: 140 } } },
    ],
    [
      'a flag defining an attribute called "enabled"',
      {
        version: '1',
        flags: { beta: { name: 'beta', attributes: { enabled: { constraints: { type: 'boolean' } } } } },
        values: { beta: { enabled: true } },
      },
    ],
    [
      'a required attribute without a value',
      {
        version: '1',
        flags: {
          beta: { name: 'beta', attributes: { cohort: { constraints: { type: 'string', required: true } } } },
        },
        values: { beta: { enabled: true } },
      },
    ],
    [
      'a value for a flag it does not define',
      { version: '1', flags: {}, values: { beta: { enabled: true } } },
    ],
  ])('refuses %s with BadRequestException', async (_case, content) => {
    // Prepare
    const applicationId = await application();
    const profileId = await profile(applicationId, 'AWS.AppConfig.FeatureFlags');
    // Act
    const created = version(applicationId, profileId, content);
    // Assess
    await expect(created).rejects.toBeInstanceOf(BadRequestException);
    await expect(created).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });

  test('accepts a document in the flag format', async () => {
    // Prepare
    const applicationId = await application();
    const profileId = await profile(applicationId, 'AWS.AppConfig.FeatureFlags');
    // Act
    const created = await version(applicationId, profileId, flagDocument);
    // Assess
    expect(created).toBe(1);
  });

  test('refuses a JSON Schema validator on a feature-flag profile', async () => {
    // Prepare
    const applicationId = await application();
    // Act
    const created = profile(applicationId, 'AWS.AppConfig.FeatureFlags', { type: 'object' });
    // Assess
    await expect(created).rejects.toBeInstanceOf(BadRequestException);
  });
});

describe('AppConfig endpoint: JSON Schema validators read as draft-04', () => {
  const draft04 = {
    $schema: 'http://json-schema.org/draft-04/schema#',
    type: 'object',
    properties: { limit: { type: 'integer', minimum: 1, exclusiveMinimum: true } },
    required: ['limit'],
    additionalProperties: false,
  };

  test('content that fails the validator is a BadRequestException naming the failure', async () => {
    // Prepare
    const applicationId = await application();
    const profileId = await profile(applicationId, 'AWS.Freeform', draft04);
    // Act
    const created = version(applicationId, profileId, { limit: 1 });
    // Assess
    await expect(created).rejects.toBeInstanceOf(BadRequestException);
    await expect(created).rejects.toMatchObject({
      Reason: 'InvalidConfiguration',
      Details: {
        InvalidConfiguration: [expect.objectContaining({ Location: '/limit', Type: 'JSON_SCHEMA' })],
      },
    });
  });

  test('content that passes is stored', async () => {
    // Prepare
    const applicationId = await application();
    const profileId = await profile(applicationId, 'AWS.Freeform', draft04);
    // Act
    const created = await version(applicationId, profileId, { limit: 2 });
    // Assess
    expect(created).toBe(1);
  });

  test('a draft-06 numeric exclusiveMinimum is not draft-04: the validator is refused', async () => {
    // Prepare
    const applicationId = await application();
    // Act
    const created = profile(applicationId, 'AWS.Freeform', {
      type: 'object',
      properties: { limit: { type: 'integer', exclusiveMinimum: 1 } },
    });
    // Assess
    await expect(created).rejects.toBeInstanceOf(BadRequestException);
  });
});

describe('AppConfig endpoint: one deployment per environment', () => {
  test('StartDeployment while one is DEPLOYING or BAKING is a ConflictException; after COMPLETE it starts', async () => {
    // Prepare
    const { deploy } = await deployable();
    const first = await deploy();
    // Act
    const whileDeploying = deploy();
    await expect(whileDeploying).rejects.toBeInstanceOf(ConflictException);
    clock.advance(minutes(9)); // bake runs from minute 8 to 13
    const whileBaking = deploy();
    await expect(whileBaking).rejects.toBeInstanceOf(ConflictException);
    clock.advance(minutes(5));
    const second = await deploy();
    // Assess
    expect(first).toMatchObject({ DeploymentNumber: 1, State: 'DEPLOYING' });
    expect(second).toMatchObject({ DeploymentNumber: 2, State: 'DEPLOYING' });
    await expect(whileDeploying).rejects.toMatchObject({ $metadata: { httpStatusCode: 409 } });
  });

  test('GetEnvironment reports DEPLOYING while a deployment holds it', async () => {
    // Prepare
    const { applicationId, environmentId, deploy } = await deployable();
    await deploy();
    // Act
    const during = await client.send(
      new GetEnvironmentCommand({ ApplicationId: applicationId, EnvironmentId: environmentId }),
    );
    clock.advance(minutes(13));
    const after = await client.send(
      new GetEnvironmentCommand({ ApplicationId: applicationId, EnvironmentId: environmentId }),
    );
    // Assess
    expect(during.State).toBe('DEPLOYING');
    expect(after.State).toBe('READY_FOR_DEPLOYMENT');
    expect(after.Monitors).toEqual([{ AlarmArn: alarmArn, AlarmRoleArn: roleArn }]);
  });

  test('a predefined strategy is known by its name', async () => {
    // Prepare
    const { applicationId, environmentId, profileId } = await deployable();
    // Act
    const started = await client.send(
      new StartDeploymentCommand({
        ApplicationId: applicationId,
        EnvironmentId: environmentId,
        DeploymentStrategyId: 'AppConfig.Linear50PercentEvery30Seconds',
        ConfigurationProfileId: profileId,
        ConfigurationVersion: '1',
      }),
    );
    // Assess
    expect(started).toMatchObject({
      GrowthFactor: 50,
      DeploymentDurationInMinutes: 1,
      FinalBakeTimeInMinutes: 1,
    });
    expect(started.StartedAt).toEqual(start);
  });
});

describe('AppConfig endpoint: StopDeployment', () => {
  test('a DEPLOYING deployment stops and rolls back', async () => {
    // Prepare
    const { deploy, stop } = await deployable();
    await deploy();
    clock.advance(minutes(3));
    // Act
    const stopped = await stop(1);
    // Assess
    expect(stopped.State).toBe('ROLLED_BACK');
    expect(stopped.EventLog?.[0]).toMatchObject({ EventType: 'ROLLBACK_COMPLETED', TriggeredBy: 'USER' });
  });

  test('a BAKING deployment stops only with AllowRevert, then it is ROLLED_BACK', async () => {
    // Prepare
    const { deploy, stop } = await deployable();
    await deploy();
    clock.advance(minutes(10));
    // Act
    const without = stop(1);
    await expect(without).rejects.toBeInstanceOf(BadRequestException);
    const withRevert = await stop(1, true);
    // Assess
    expect(withRevert.State).toBe('ROLLED_BACK');
  });

  test('a COMPLETE deployment is REVERTED with AllowRevert within 72 hours, refused without it', async () => {
    // Prepare
    const { deploy, stop, get } = await deployable();
    await deploy();
    clock.advance(minutes(14));
    // Act
    await expect(stop(1)).rejects.toBeInstanceOf(BadRequestException);
    const reverted = await stop(1, true);
    const read = await get(1);
    // Assess
    expect(reverted.State).toBe('REVERTED');
    expect(read.State).toBe('REVERTED');
    expect(read.EventLog?.[0]).toMatchObject({ EventType: 'REVERT_COMPLETED', TriggeredBy: 'USER' });
  });

  test('a deployment completed more than 72 hours ago can no longer be reverted', async () => {
    // Prepare
    const { deploy, stop } = await deployable();
    await deploy();
    clock.advance(minutes(13) + 72 * 3_600_000 + 1000);
    // Act
    const late = stop(1, true);
    // Assess
    await expect(late).rejects.toBeInstanceOf(BadRequestException);
  });
});

describe('AppConfig endpoint: automatic rollback on its monitors', () => {
  test('an alarm in ALARM during rollout rolls back, the event log newest first naming the alarm ARN', async () => {
    // Prepare
    const { deploy, get } = await deployable();
    await deploy();
    alarms.set('itv-payments-error-rate', 'ALARM', new Date(start.getTime() + minutes(3)));
    clock.advance(minutes(5));
    // Act
    const deployment = await get(1);
    // Assess
    expect(deployment.State).toBe('ROLLED_BACK');
    expect(deployment.PercentageComplete).toBe(0);
    const events = deployment.EventLog ?? [];
    expect(events.map((e) => e.EventType)).toEqual([
      'ROLLBACK_COMPLETED',
      'ROLLBACK_STARTED',
      'PERCENTAGE_UPDATED',
      'DEPLOYMENT_STARTED',
    ]);
    expect(events[1]).toMatchObject({
      TriggeredBy: 'CLOUDWATCH_ALARM',
      OccurredAt: new Date(start.getTime() + minutes(3)),
    });
    expect(events[1]!.Description).toContain(alarmArn);
    expect(events[1]!.Description).toContain('25%');
  });

  test('INSUFFICIENT_DATA during the final bake rolls back too', async () => {
    // Prepare
    const { deploy, get } = await deployable();
    await deploy();
    alarms.set('itv-payments-error-rate', 'INSUFFICIENT_DATA', new Date(start.getTime() + minutes(10)));
    clock.advance(minutes(12));
    // Act
    const deployment = await get(1);
    // Assess
    expect(deployment.State).toBe('ROLLED_BACK');
    expect(deployment.EventLog?.[1]?.Description).toContain('INSUFFICIENT_DATA');
  });

  test('an alarm after COMPLETE changes nothing', async () => {
    // Prepare
    const { deploy, get } = await deployable();
    await deploy();
    alarms.set('itv-payments-error-rate', 'ALARM', new Date(start.getTime() + minutes(14)));
    clock.advance(minutes(20));
    // Act
    const deployment = await get(1);
    // Assess
    expect(deployment.State).toBe('COMPLETE');
    expect(deployment.CompletedAt).toEqual(new Date(start.getTime() + minutes(13)));
  });

  test('an alarm whose actions are disabled does not roll back', async () => {
    // Prepare
    const { deploy, get } = await deployable();
    await deploy();
    alarms.disableActions('itv-payments-error-rate');
    alarms.set('itv-payments-error-rate', 'ALARM', new Date(start.getTime() + minutes(2)));
    clock.advance(minutes(13));
    // Act
    const deployment = await get(1);
    // Assess
    expect(deployment.State).toBe('COMPLETE');
  });

  test('a rolled-back deployment cannot be stopped', async () => {
    // Prepare
    const { deploy, stop } = await deployable();
    await deploy();
    alarms.set('itv-payments-error-rate', 'ALARM', start);
    clock.advance(minutes(2));
    // Act
    const stopped = stop(1);
    // Assess
    await expect(stopped).rejects.toBeInstanceOf(BadRequestException);
  });
});
