import {
  AppConfigClient,
  BadRequestException,
  CreateHostedConfigurationVersionCommand,
  GetDeploymentCommand,
  GetEnvironmentCommand,
  ListDeploymentsCommand,
  StartDeploymentCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-appconfig';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { AppConfigReleaser, observeOnlyMarker } from '../../../lambdas/adapters/aws/appconfig-releaser.js';
import { DeploymentNotStoppableError, StopRefusedError } from '../../../lambdas/core/release/errors.js';
import { paymentsServices, releaseRequest } from './helpers/local-release.js';

const appConfig = mockClient(AppConfigClient);
const cloudWatch = mockClient(CloudWatchClient);
const monitors = ['itv-payments-error-rate', 'itv-payments-latency-p99'];
const meta = { $metadata: {} };

const releaser = () =>
  new AppConfigReleaser({
    client: new AppConfigClient({ region: 'eu-west-1' }),
    applicationId: 'app1234',
    environments: { payments: 'env5678' },
    profiles: { 'payments/flags': 'prof901' },
    strategies: { 'itv.Linear25Percent8Minutes': 'strat12' },
    services: paymentsServices,
    cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }),
  });

const deployment = (overrides: Record<string, unknown> = {}) => ({
  DeploymentNumber: 7,
  State: 'DEPLOYING' as const,
  PercentageComplete: 50,
  StartedAt: new Date('2026-11-02T10:00:00.000Z'),
  Description: `${observeOnlyMarker} intent:1: enable new checkout`,
  EventLog: [],
  ...overrides,
});

const alarms = (actionsEnabled: boolean) => ({
  MetricAlarms: monitors.map((AlarmName) => ({
    AlarmName,
    StateValue: 'OK' as const,
    ActionsEnabled: actionsEnabled,
  })),
});

afterEach(() => {
  appConfig.reset();
  cloudWatch.reset();
});

describe('AppConfigReleaser.monitors', () => {
  test('with every monitor enabled, reads nothing from AppConfig', async () => {
    cloudWatch.on(DescribeAlarmsCommand).resolves(alarms(true));
    expect(await releaser().monitors('payments', 'payments-prod')).toEqual({ disabled: [] });
    expect(appConfig.calls()).toHaveLength(0);
  });

  test('names the observe-only deployment that disabled them, and whether it is still in progress', async () => {
    // Prepare: ListDeployments lists the newest first.
    cloudWatch.on(DescribeAlarmsCommand).resolves(alarms(false));
    appConfig
      .on(ListDeploymentsCommand)
      .resolves({ Items: [{ DeploymentNumber: 7 }, { DeploymentNumber: 6 }] });
    appConfig
      .on(GetDeploymentCommand)
      .resolvesOnce(deployment({ State: 'BAKING' }))
      .resolvesOnce(deployment({ State: 'COMPLETE' }));
    // Act
    const baking = await releaser().monitors('payments', 'payments-prod');
    const complete = await releaser().monitors('payments', 'payments-prod');
    // Assess
    expect(baking).toEqual({
      disabled: monitors,
      observeOnly: { deploymentId: '7', intentId: 'intent:1', inProgress: true },
    });
    expect(complete.observeOnly).toEqual({ deploymentId: '7', intentId: 'intent:1', inProgress: false });
    expect(appConfig.commandCalls(GetDeploymentCommand)[0]!.args[0].input.DeploymentNumber).toBe(7);
  });

  test('a latest deployment without the marker explains nothing', async () => {
    cloudWatch.on(DescribeAlarmsCommand).resolves(alarms(false));
    appConfig.on(ListDeploymentsCommand).resolves({ Items: [{ DeploymentNumber: 3 }] });
    appConfig.on(GetDeploymentCommand).resolves(deployment({ Description: 'intent-2: raise limits' }));
    expect(await releaser().monitors('payments', 'payments-prod')).toEqual({ disabled: monitors });
  });

  test('enableMonitors enables every monitor of the lane', async () => {
    cloudWatch.on(EnableAlarmActionsCommand).resolves({});
    expect(await releaser().enableMonitors('payments', 'payments-prod')).toEqual(monitors);
    expect(cloudWatch.commandCalls(EnableAlarmActionsCommand)[0]!.args[0].input).toEqual({
      AlarmNames: monitors,
    });
  });
});

describe('AppConfigReleaser.start with rollbackOnAlarm false, against a restorer', () => {
  test('disables the actions again once the deployment exists, whatever enabled them in between', async () => {
    // Prepare
    appConfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 3 });
    appConfig.on(GetEnvironmentCommand).resolves({ State: 'READY_FOR_DEPLOYMENT' });
    appConfig.on(StartDeploymentCommand).resolves(deployment());
    // Act
    await releaser().start(releaseRequest('itv.Linear25Percent8Minutes', { rollbackOnAlarm: false }));
    // Assess: one disable before StartDeployment, one after it.
    const order = [...appConfig.calls(), ...cloudWatch.calls()]
      .map((call) => ({
        name: call.args[0].constructor.name,
        at: (call as unknown as { callId: number }).callId,
      }))
      .sort((a, b) => a.at - b.at)
      .map((call) => call.name)
      .filter((name) => name !== 'CreateHostedConfigurationVersionCommand');
    expect(order).toEqual([
      'GetEnvironmentCommand',
      'DisableAlarmActionsCommand',
      'StartDeploymentCommand',
      'DisableAlarmActionsCommand',
    ]);
    expect(cloudWatch.commandCalls(DisableAlarmActionsCommand)).toHaveLength(2);
  });
});

describe('AppConfigReleaser.stop, refused', () => {
  test('a BAKING deployment whose AllowRevert stop is refused too is StopRefusedError, not a completion', async () => {
    // Prepare
    appConfig
      .on(StopDeploymentCommand)
      .rejects(new BadRequestException({ message: 'cannot stop now', ...meta }));
    appConfig
      .on(GetDeploymentCommand)
      .resolves(deployment({ State: 'BAKING', PercentageComplete: 100, Description: 'intent-1: x' }));
    // Act
    const stop = releaser().stop('payments', 'payments-prod', '7');
    // Assess
    await expect(stop).rejects.toThrow(StopRefusedError);
    expect(appConfig.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input.AllowRevert)).toEqual([
      undefined,
      true,
    ]);
  });

  test('a deployment still VALIDATING refuses the stop: StopRefusedError; a COMPLETE one is not stoppable', async () => {
    appConfig
      .on(StopDeploymentCommand)
      .rejects(new BadRequestException({ message: 'not DEPLOYING', ...meta }));
    appConfig
      .on(GetDeploymentCommand)
      .resolvesOnce(deployment({ State: 'VALIDATING', PercentageComplete: 0, Description: 'intent-1: x' }))
      .resolvesOnce(deployment({ State: 'COMPLETE', PercentageComplete: 100, Description: 'intent-1: x' }));
    await expect(releaser().stop('payments', 'payments-prod', '7')).rejects.toThrow(StopRefusedError);
    await expect(releaser().stop('payments', 'payments-prod', '7')).rejects.toThrow(
      DeploymentNotStoppableError,
    );
  });
});
