import {
  AppConfigClient,
  ConflictException,
  CreateHostedConfigurationVersionCommand,
  GetDeploymentCommand,
  GetEnvironmentCommand,
  StartDeploymentCommand,
} from '@aws-sdk/client-appconfig';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { AppConfigReleaser, observeOnlyMarker } from '../../../lambdas/adapters/aws/appconfig-releaser.js';
import { ConfigurationError, LaneBusyError } from '../../../lambdas/core/errors.js';
import { paymentsServices, releaseRequest } from './helpers/local-release.js';

const appConfig = mockClient(AppConfigClient);
const cloudWatch = mockClient(CloudWatchClient);
const monitors = ['itv-payments-error-rate', 'itv-payments-latency-p99'];

const releaser = (withCloudWatch = true) =>
  new AppConfigReleaser({
    client: new AppConfigClient({ region: 'eu-west-1' }),
    applicationId: 'app1234',
    environments: { payments: 'env5678' },
    profiles: { 'payments/flags': 'prof901' },
    strategies: { 'itv.Linear25Percent8Minutes': 'strat12' },
    services: paymentsServices,
    ...(withCloudWatch ? { cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }) } : {}),
  });

const deployment = (overrides: Record<string, unknown> = {}) => ({
  DeploymentNumber: 7,
  State: 'DEPLOYING' as const,
  PercentageComplete: 50,
  StartedAt: new Date('2026-11-02T10:00:00.000Z'),
  Description: `${observeOnlyMarker} intent-1: enable new checkout`,
  EventLog: [
    {
      EventType: 'PERCENTAGE_UPDATED' as const,
      Description: 'Percentage of targets updated to 50.0%',
      OccurredAt: new Date('2026-11-02T10:04:00.000Z'),
    },
    {
      EventType: 'PERCENTAGE_UPDATED' as const,
      Description: 'Percentage of targets updated to 25.0%',
      OccurredAt: new Date('2026-11-02T10:02:00.000Z'),
    },
    {
      EventType: 'DEPLOYMENT_STARTED' as const,
      Description: 'Deployment started',
      OccurredAt: new Date('2026-11-02T10:00:00.000Z'),
    },
  ],
  ...overrides,
});

afterEach(() => {
  appConfig.reset();
  cloudWatch.reset();
});

describe('AppConfigReleaser with rollbackOnAlarm false', () => {
  test('disables the monitors’ alarm actions before StartDeployment and marks the deployment', async () => {
    // Prepare
    appConfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 3 });
    appConfig.on(GetEnvironmentCommand).resolves({ State: 'READY_FOR_DEPLOYMENT' });
    appConfig.on(StartDeploymentCommand).resolves(deployment());
    // Act
    await releaser().start(releaseRequest('itv.Linear25Percent8Minutes', { rollbackOnAlarm: false }));
    // Assess
    expect(cloudWatch.commandCalls(DisableAlarmActionsCommand)[0]!.args[0].input).toEqual({
      AlarmNames: monitors,
    });
    expect(appConfig.commandCalls(StartDeploymentCommand)[0]!.args[0].input.Description).toMatch(
      /^\[itv: monitors observe only\] intent-1/,
    );
    expect(cloudWatch.commandCalls(EnableAlarmActionsCommand)).toHaveLength(0);
  });

  test('never touches the monitors while another deployment runs in the environment', async () => {
    // Prepare
    appConfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 3 });
    appConfig.on(GetEnvironmentCommand).resolves({ State: 'DEPLOYING' });
    // Act
    const start = releaser().start(releaseRequest('itv.Linear25Percent8Minutes', { rollbackOnAlarm: false }));
    // Assess
    await expect(start).rejects.toThrow(LaneBusyError);
    expect(cloudWatch.commandCalls(DisableAlarmActionsCommand)).toHaveLength(0);
    expect(appConfig.commandCalls(StartDeploymentCommand)).toHaveLength(0);
  });

  test('enables the alarm actions again when StartDeployment fails', async () => {
    // Prepare
    appConfig.on(CreateHostedConfigurationVersionCommand).resolves({ VersionNumber: 3 });
    appConfig.on(GetEnvironmentCommand).resolves({ State: 'READY_FOR_DEPLOYMENT' });
    appConfig.on(StartDeploymentCommand).rejects(new ConflictException({ message: 'busy', $metadata: {} }));
    // Act
    const start = releaser().start(releaseRequest('itv.Linear25Percent8Minutes', { rollbackOnAlarm: false }));
    // Assess
    await expect(start).rejects.toThrow(LaneBusyError);
    expect(cloudWatch.commandCalls(EnableAlarmActionsCommand)[0]!.args[0].input).toEqual({
      AlarmNames: monitors,
    });
  });

  test('is refused without a CloudWatch client rather than deployed with rollback', async () => {
    const start = releaser(false).start(
      releaseRequest('itv.Linear25Percent8Minutes', { rollbackOnAlarm: false }),
    );
    await expect(start).rejects.toThrow(ConfigurationError);
    expect(appConfig.commandCalls(StartDeploymentCommand)).toHaveLength(0);
  });

  test('a poll reports the monitor out of OK, dated when it changed, with the percentage then', async () => {
    // Prepare
    appConfig.on(GetDeploymentCommand).resolves(deployment());
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        {
          AlarmName: monitors[0],
          StateValue: 'ALARM',
          StateUpdatedTimestamp: new Date('2026-11-02T10:03:00Z'),
        },
        { AlarmName: monitors[1], StateValue: 'OK', StateUpdatedTimestamp: new Date('2026-11-01T00:00:00Z') },
      ],
    });
    // Act
    const status = await releaser().check('payments', 'payments-env', '7');
    // Assess
    expect(status.trippedMonitor).toEqual({
      alarm: monitors[0],
      state: 'ALARM',
      at: '2026-11-02T10:03:00.000Z',
      percentage: 25,
    });
  });

  test('a poll of the ended deployment enables the alarm actions again', async () => {
    // Prepare
    appConfig.on(GetDeploymentCommand).resolves(deployment({ State: 'COMPLETE', PercentageComplete: 100 }));
    // Act
    const status = await releaser().check('payments', 'payments-env', '7');
    // Assess
    expect(status.state).toBe('COMPLETE');
    expect(cloudWatch.commandCalls(EnableAlarmActionsCommand)[0]!.args[0].input).toEqual({
      AlarmNames: monitors,
    });
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(0);
  });

  test('a monitored deployment is polled without reading or touching the alarms', async () => {
    // Prepare
    appConfig.on(GetDeploymentCommand).resolves(deployment({ Description: 'intent-1: enable new checkout' }));
    // Act
    const status = await releaser().check('payments', 'payments-env', '7');
    // Assess
    expect(status.trippedMonitor).toBeUndefined();
    expect(cloudWatch.calls()).toHaveLength(0);
  });
});
