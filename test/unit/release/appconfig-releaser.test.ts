import {
  AppConfigClient,
  BadRequestException,
  ConflictException,
  CreateHostedConfigurationVersionCommand,
  GetDeploymentCommand,
  InternalServerException,
  ResourceNotFoundException,
  StartDeploymentCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-appconfig';
import { mockClient } from 'aws-sdk-client-mock';
import { AppConfigReleaser } from '../../../lambdas/adapters/aws/appconfig-releaser.js';
import {
  ConfigurationError,
  InvalidInputError,
  LaneBusyError,
  TransientError,
} from '../../../lambdas/core/errors.js';
import {
  DeploymentNotFoundError,
  DeploymentNotStoppableError,
} from '../../../lambdas/core/release/errors.js';
import { paymentsServices, releaseRequest } from './helpers/local-release.js';

const appConfig = mockClient(AppConfigClient);
const meta = { $metadata: {} };

const releaser = () =>
  new AppConfigReleaser({
    client: new AppConfigClient({ region: 'eu-west-1' }),
    applicationId: 'app1234',
    environments: { payments: 'env5678' },
    profiles: { 'payments/flags': 'prof901' },
    strategies: { 'itv.Linear25Percent8Minutes': 'strat12' },
    services: paymentsServices,
  });

const deployment = (overrides: Record<string, unknown> = {}) => ({
  ApplicationId: 'app1234',
  EnvironmentId: 'env5678',
  DeploymentNumber: 7,
  State: 'DEPLOYING' as const,
  PercentageComplete: 25,
  StartedAt: new Date('2026-11-02T10:00:00.000Z'),
  EventLog: [
    {
      EventType: 'PERCENTAGE_UPDATED' as const,
      TriggeredBy: 'APPCONFIG' as const,
      Description: 'Percentage of targets updated to 25.0%',
      OccurredAt: new Date('2026-11-02T10:02:00.000Z'),
    },
    {
      EventType: 'DEPLOYMENT_STARTED' as const,
      TriggeredBy: 'USER' as const,
      Description: 'Deployment started',
      OccurredAt: new Date('2026-11-02T10:00:00.000Z'),
    },
  ],
  ...overrides,
});

afterEach(() => {
  appConfig.reset();
});

describe('AppConfigReleaser.start', () => {
  test('creates a hosted JSON version for the profile, then starts it with the strategy id', async () => {
    // Prepare
    appConfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 3 });
    appConfig.on(StartDeploymentCommand).resolves(deployment());
    // Act
    const status = await releaser().start(releaseRequest('itv.Linear25Percent8Minutes'));
    // Assess
    const create = appConfig.commandCalls(CreateHostedConfigurationVersionCommand)[0]!.args[0].input;
    expect(create).toMatchObject({
      ApplicationId: 'app1234',
      ConfigurationProfileId: 'prof901',
      ContentType: 'application/json',
    });
    expect(JSON.parse(new TextDecoder().decode(create.Content as Uint8Array))).toEqual({ newCheckout: true });
    expect(appConfig.commandCalls(StartDeploymentCommand)[0]!.args[0].input).toMatchObject({
      ApplicationId: 'app1234',
      EnvironmentId: 'env5678',
      DeploymentStrategyId: 'strat12',
      ConfigurationProfileId: 'prof901',
      ConfigurationVersion: '3',
      Tags: { 'itv:intent': 'intent-1' },
    });
    expect(status).toEqual({
      deploymentId: '7',
      state: 'DEPLOYING',
      percentageComplete: 25,
      startedAt: '2026-11-02T10:00:00.000Z',
      events: [
        { at: '2026-11-02T10:00:00.000Z', type: 'DEPLOYMENT_STARTED', description: 'Deployment started' },
        {
          at: '2026-11-02T10:02:00.000Z',
          type: 'PERCENTAGE_UPDATED',
          description: 'Percentage of targets updated to 25.0%',
          percentage: 25,
        },
      ],
    });
  });

  test("AWS's predefined strategies use their name as id", async () => {
    appConfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 1 });
    appConfig.on(StartDeploymentCommand).resolves(deployment());
    await releaser().start(releaseRequest('AppConfig.Canary10Percent20Minutes'));
    expect(appConfig.commandCalls(StartDeploymentCommand)[0]!.args[0].input.DeploymentStrategyId).toBe(
      'AppConfig.Canary10Percent20Minutes',
    );
  });

  test('ConflictException (a deployment already runs in the environment) is LaneBusyError', async () => {
    appConfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 1 });
    const conflict = new ConflictException({ message: 'Deployment #6 is in progress', ...meta });
    appConfig.on(StartDeploymentCommand).rejects(conflict);
    const failure = releaser().start(releaseRequest('itv.Linear25Percent8Minutes'));
    await expect(failure).rejects.toThrow(LaneBusyError);
    await expect(failure).rejects.toMatchObject({ cause: conflict });
  });

  test.each([
    [
      'throttling',
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      }),
    ],
    ['a 5xx', new InternalServerException({ message: 'boom', ...meta, $metadata: { httpStatusCode: 500 } })],
  ])('%s is a TransientError keeping the cause', async (_label, error) => {
    appConfig.on(CreateHostedConfigurationVersionCommand).rejects(error);
    const failure = releaser().start(releaseRequest('itv.Linear25Percent8Minutes'));
    await expect(failure).rejects.toThrow(TransientError);
    await expect(failure).rejects.toMatchObject({ cause: error });
  });

  test("content the profile's validator rejects is InvalidInputError on the content field", async () => {
    appConfig
      .on(CreateHostedConfigurationVersionCommand)
      .rejects(new BadRequestException({ message: 'JSON Schema validation failed', ...meta }));
    const failure = releaser().start(releaseRequest('itv.Linear25Percent8Minutes'));
    await expect(failure).rejects.toThrow(InvalidInputError);
    await expect(failure).rejects.toMatchObject({ issues: [{ path: 'content' }] });
    expect(appConfig.commandCalls(StartDeploymentCommand)).toHaveLength(0);
  });

  test("a feature-flag profile's version is AppConfig's flag document, constraints from the named contract", async () => {
    // Prepare
    appConfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 1 });
    appConfig.on(StartDeploymentCommand).resolves(deployment());
    const flags = new AppConfigReleaser({
      client: new AppConfigClient({ region: 'eu-west-1' }),
      applicationId: 'app1234',
      environments: { payments: 'env5678' },
      profiles: { 'payments/flags': 'prof901' },
      strategies: {},
      services: {
        payments: {
          profiles: {
            flags: {
              type: 'feature-flags',
              contracts: {
                '1.0.0': {
                  properties: { beta: { properties: { enabled: {}, share: { type: 'integer' } } } },
                },
                '2.0.0': {},
              },
            },
          },
        },
      },
    });
    // Act
    await flags.start(
      releaseRequest('AppConfig.Canary10Percent20Minutes', {
        contractVersion: '1.0.0',
        content: { beta: { enabled: true, share: 5 } },
      }),
    );
    // Assess
    const create = appConfig.commandCalls(CreateHostedConfigurationVersionCommand)[0]!.args[0].input;
    expect(JSON.parse(new TextDecoder().decode(create.Content as Uint8Array))).toEqual({
      version: '1',
      flags: { beta: { name: 'beta', attributes: { share: { constraints: { type: 'number' } } } } },
      values: { beta: { enabled: true, share: 5 } },
    });
  });

  test('a contract version a schema update released comes with the request: its constraints, not a catalog lookup', async () => {
    // Prepare
    appConfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 1 });
    appConfig.on(StartDeploymentCommand).resolves(deployment());
    const flags = new AppConfigReleaser({
      client: new AppConfigClient({ region: 'eu-west-1' }),
      applicationId: 'app1234',
      environments: { payments: 'env5678' },
      profiles: { 'payments/flags': 'prof901' },
      strategies: {},
      services: {
        payments: { profiles: { flags: { type: 'feature-flags', contracts: { '1.0.0': {} } } } },
      },
    });
    // Act
    await flags.start(
      releaseRequest('AppConfig.Canary10Percent20Minutes', {
        contractVersion: '1.1.0',
        contract: { properties: { express: { properties: { enabled: {}, share: { type: 'integer' } } } } },
        content: { express: { enabled: true, share: 5 } },
      }),
    );
    // Assess
    const create = appConfig.commandCalls(CreateHostedConfigurationVersionCommand)[0]!.args[0].input;
    expect(JSON.parse(new TextDecoder().decode(create.Content as Uint8Array))).toMatchObject({
      flags: { express: { name: 'express', attributes: { share: { constraints: { type: 'number' } } } } },
      values: { express: { enabled: true, share: 5 } },
    });
  });

  test('an unmapped service, profile or strategy is a ConfigurationError before any call', async () => {
    await expect(releaser().start(releaseRequest('itv.Immediate'))).rejects.toThrow(ConfigurationError);
    await expect(
      releaser().start(releaseRequest('itv.Linear25Percent8Minutes', { profile: 'other' })),
    ).rejects.toThrow(ConfigurationError);
    await expect(
      releaser().start(releaseRequest('itv.Linear25Percent8Minutes', { service: 'search' })),
    ).rejects.toThrow(ConfigurationError);
    const uncatalogued = new AppConfigReleaser({
      client: new AppConfigClient({ region: 'eu-west-1' }),
      applicationId: 'app1234',
      environments: { payments: 'env5678' },
      profiles: { 'payments/flags': 'prof901' },
      strategies: { 'itv.Linear25Percent8Minutes': 'strat12' },
      services: {},
    });
    await expect(uncatalogued.start(releaseRequest('itv.Linear25Percent8Minutes'))).rejects.toThrow(
      ConfigurationError,
    );
    expect(appConfig.calls()).toHaveLength(0);
  });
});

describe('AppConfigReleaser.check', () => {
  test('maps a rollback by alarm: state, completion, events oldest first and the alarm name', async () => {
    // Prepare
    appConfig.on(GetDeploymentCommand).resolves(
      deployment({
        State: 'ROLLED_BACK',
        PercentageComplete: 0,
        CompletedAt: new Date('2026-11-02T10:08:00.000Z'),
        EventLog: [
          {
            EventType: 'ROLLBACK_COMPLETED',
            TriggeredBy: 'CLOUDWATCH_ALARM',
            Description: 'Rollback completed',
            OccurredAt: new Date('2026-11-02T10:08:30.000Z'),
          },
          {
            EventType: 'ROLLBACK_STARTED',
            TriggeredBy: 'CLOUDWATCH_ALARM',
            Description:
              'Rollback initiated by Amazon CloudWatch Alarm: arn:aws:cloudwatch:eu-west-1:123456789012:alarm:itv-payments-error-rate',
            OccurredAt: new Date('2026-11-02T10:08:00.000Z'),
          },
          ...deployment().EventLog,
        ],
      }),
    );
    // Act
    const status = await releaser().check('payments', 'payments-prod', '7');
    // Assess
    expect(appConfig.commandCalls(GetDeploymentCommand)[0]!.args[0].input).toEqual({
      ApplicationId: 'app1234',
      EnvironmentId: 'env5678',
      DeploymentNumber: 7,
    });
    expect(status.state).toBe('ROLLED_BACK');
    expect(status.completedAt).toBe('2026-11-02T10:08:00.000Z');
    expect(status.events.map((e) => e.type)).toEqual([
      'DEPLOYMENT_STARTED',
      'PERCENTAGE_UPDATED',
      'ROLLBACK_STARTED',
      'ROLLBACK_COMPLETED',
    ]);
    expect(status.events[2]?.alarm).toBe('itv-payments-error-rate');
  });

  test('an unknown deployment is DeploymentNotFoundError; a malformed id never reaches AWS', async () => {
    appConfig
      .on(GetDeploymentCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', ...meta }));
    await expect(releaser().check('payments', 'payments-prod', '99')).rejects.toThrow(
      DeploymentNotFoundError,
    );
    await expect(releaser().check('payments', 'payments-prod', 'deployment-1')).rejects.toThrow(
      InvalidInputError,
    );
    expect(appConfig.commandCalls(GetDeploymentCommand)).toHaveLength(1);
  });
});

describe('AppConfigReleaser.stop', () => {
  test('StopDeployment on an in-progress deployment returns it ROLLED_BACK', async () => {
    appConfig.on(StopDeploymentCommand).resolves(deployment({ State: 'ROLLED_BACK', PercentageComplete: 0 }));
    const status = await releaser().stop('payments', 'payments-prod', '7');
    expect(status.state).toBe('ROLLED_BACK');
    expect(appConfig.commandCalls(StopDeploymentCommand)[0]!.args[0].input).toEqual({
      ApplicationId: 'app1234',
      EnvironmentId: 'env5678',
      DeploymentNumber: 7,
    });
  });

  test('stopping a deployment already rolled back returns it unchanged', async () => {
    appConfig
      .on(StopDeploymentCommand)
      .rejects(new BadRequestException({ message: 'not in progress', ...meta }));
    appConfig.on(GetDeploymentCommand).resolves(deployment({ State: 'ROLLED_BACK', PercentageComplete: 0 }));
    await expect(releaser().stop('payments', 'payments-prod', '7')).resolves.toMatchObject({
      state: 'ROLLED_BACK',
    });
  });

  test('a BAKING deployment, which StopDeployment refuses without AllowRevert, is stopped again with it', async () => {
    // Prepare
    appConfig
      .on(StopDeploymentCommand)
      .rejectsOnce(new BadRequestException({ message: 'only DEPLOYING without AllowRevert', ...meta }))
      .resolvesOnce(deployment({ State: 'ROLLED_BACK', PercentageComplete: 0 }));
    appConfig.on(GetDeploymentCommand).resolves(deployment({ State: 'BAKING', PercentageComplete: 100 }));
    // Act
    const status = await releaser().stop('payments', 'payments-prod', '7');
    // Assess
    expect(status.state).toBe('ROLLED_BACK');
    const calls = appConfig.commandCalls(StopDeploymentCommand).map((call) => call.args[0].input.AllowRevert);
    expect(calls).toEqual([undefined, true]);
  });

  test('stopping a COMPLETE deployment is DeploymentNotStoppableError', async () => {
    appConfig
      .on(StopDeploymentCommand)
      .rejects(new BadRequestException({ message: 'not in progress', ...meta }));
    appConfig.on(GetDeploymentCommand).resolves(deployment({ State: 'COMPLETE', PercentageComplete: 100 }));
    await expect(releaser().stop('payments', 'payments-prod', '7')).rejects.toThrow(
      DeploymentNotStoppableError,
    );
  });
});
