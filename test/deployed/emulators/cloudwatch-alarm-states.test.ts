import { randomUUID } from 'node:crypto';
import {
  AppConfigClient,
  CreateApplicationCommand,
  CreateConfigurationProfileCommand,
  CreateEnvironmentCommand,
  CreateHostedConfigurationVersionCommand,
  GetDeploymentCommand,
  StartDeploymentCommand,
} from '@aws-sdk/client-appconfig';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';
import { AppConfigEndpoint } from './appconfig/appconfig-endpoint.js';
import { CloudWatchAlarmStates, UnsupportedAlarmError } from './cloudwatch-alarm-states.js';
import { AlarmActionsRegistry, CloudWatchGaps } from './cloudwatch-gaps.js';
import { announceMotoCases, cloudWatchClient, motoEndpoint } from './moto-cloudwatch.js';

announceMotoCases('cloudwatch-alarm-states.test.ts');

const t0 = new Date('2026-11-02T10:00:00.000Z');
const minute = (n: number) => t0.getTime() + n * 60_000;

/** A rollback alarm as the stack defines one: 2 of 3 one-minute datapoints above the threshold, missing data missing. */
async function alarm(client: CloudWatchClient, options: { percentile?: boolean } = {}) {
  const service = `svc-${randomUUID()}`;
  const name = `itv-${service}-${options.percentile ? 'latency-p99' : 'error-rate'}`;
  const metricName = options.percentile ? 'Latency' : 'ErrorRate';
  await client.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: 'itv/Services',
      MetricName: metricName,
      Dimensions: [{ Name: 'Service', Value: service }],
      ...(options.percentile ? { ExtendedStatistic: 'p99' } : { Statistic: 'Average' }),
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: options.percentile ? 300 : 0.01,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
    }),
  );
  /**
   * One datapoint in each listed minute (at half past), `value(minute)`; 20 per call, which keeps each body
   * under the SDK's 10 KiB request-compression threshold (moto cannot read a gzip-compressed PutMetricData).
   */
  const publish = async (minutes: number[], value: (m: number) => number) => {
    for (let i = 0; i < minutes.length; i += 20) {
      await client.send(
        new PutMetricDataCommand({
          Namespace: 'itv/Services',
          MetricData: minutes.slice(i, i + 20).map((m) => ({
            MetricName: metricName,
            Dimensions: [{ Name: 'Service', Value: service }],
            Timestamp: new Date(minute(m) + 30_000),
            Value: value(m),
          })),
        }),
      );
    }
  };
  return { name, publish, arn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}` };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('CloudWatchAlarmStates: what it asks CloudWatch', () => {
  // The stub replaces every CloudWatchClient's send while it lives: made for each test, restored after it.
  let cloudwatch: ReturnType<typeof mockClient>;
  const states = () =>
    new CloudWatchAlarmStates({
      client: new CloudWatchClient({ region: 'us-east-1' }),
      actions: new AlarmActionsRegistry(new VirtualClock(t0)),
    });
  const latencyAlarm = {
    AlarmName: 'itv-payments-latency-p99',
    Namespace: 'itv/Services',
    MetricName: 'Latency',
    Dimensions: [{ Name: 'Service', Value: 'payments' }],
    ExtendedStatistic: 'p99',
    Period: 60,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
    Threshold: 300,
    ComparisonOperator: 'GreaterThanThreshold' as const,
    ActionsEnabled: false,
  };

  beforeEach(() => {
    cloudwatch = mockClient(CloudWatchClient);
  });

  afterEach(() => {
    cloudwatch.restore();
  });

  test('one GetMetricData per alarm from a whole period, a percentile read as Maximum; ActionsEnabled kept', async () => {
    // Prepare
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [latencyAlarm] });
    cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    // Act
    const history = await states().alarmHistory(
      ['itv-payments-latency-p99'],
      t0.getTime() + 12_345,
      minute(3),
    );
    // Assess
    const query = cloudwatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(query.StartTime!.getTime() % 60_000).toBe(0);
    expect(query.MetricDataQueries?.[0]?.MetricStat).toMatchObject({ Period: 60, Stat: 'Maximum' });
    expect(cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(1);
    expect(history.map((tick) => tick.at.getTime())).toEqual([minute(1), minute(2), minute(3)]);
    expect(history[0]!.alarms[0]).toEqual({
      name: 'itv-payments-latency-p99',
      state: 'INSUFFICIENT_DATA',
      actionsEnabled: false,
    });
  });

  test('a monitor naming an alarm that does not exist is INSUFFICIENT_DATA', async () => {
    // Prepare
    cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    // Act
    const history = await states().alarmHistory(['itv-missing'], t0.getTime(), minute(1));
    // Assess
    expect(history[0]!.alarms[0]!.state).toBe('INSUFFICIENT_DATA');
  });

  test('a metric-math alarm is UnsupportedAlarmError, never a guess', async () => {
    // Prepare
    cloudwatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { ...latencyAlarm, MetricName: undefined, Metrics: [{ Id: 'e1', Expression: 'm1 * 2' }] },
      ],
    });
    // Act
    const history = states().alarmHistory(['itv-payments-latency-p99'], t0.getTime(), minute(1));
    // Assess
    await expect(history).rejects.toBeInstanceOf(UnsupportedAlarmError);
  });
});

if (motoEndpoint !== undefined) {
  const moto = motoEndpoint;

  describe(`CloudWatchAlarmStates on moto_server at ${moto}`, () => {
    let client: CloudWatchClient;
    let clock: VirtualClock;
    let gaps: CloudWatchGaps;
    let states: CloudWatchAlarmStates;

    beforeEach(() => {
      client = cloudWatchClient(moto);
      clock = new VirtualClock(t0);
      gaps = new CloudWatchGaps(new AlarmActionsRegistry(clock));
      states = new CloudWatchAlarmStates({ client, actions: gaps.actions });
    });

    afterEach(() => {
      client.destroy();
    });

    const stateList = async (name: string, throughMinute: number) =>
      (await states.alarmHistory([name], t0.getTime(), minute(throughMinute))).map(
        (tick) => tick.alarms[0]!.state,
      );

    test('a new alarm without datapoints is INSUFFICIENT_DATA at every minute', async () => {
      // Prepare
      const { name } = await alarm(client);
      // Act
      const history = await stateList(name, 4);
      // Assess
      expect(history).toEqual([
        'INSUFFICIENT_DATA',
        'INSUFFICIENT_DATA',
        'INSUFFICIENT_DATA',
        'INSUFFICIENT_DATA',
      ]);
    });

    test('healthy minutes are OK; two breaching minutes of three are ALARM once both have ended', async () => {
      // Prepare
      const { name, publish } = await alarm(client);
      await publish(range(-10, 8), (m) => (m === 4 || m === 5 ? 0.2 : 0.001));
      // Act
      const history = await stateList(name, 7);
      // Assess: the instant 10:0k sees the periods that ended by then, up to minute k-1.
      expect(history).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'ALARM', 'ALARM']);
    });

    test('once its five-period evaluation range holds no datapoint the alarm is INSUFFICIENT_DATA again (missing)', async () => {
      // Prepare
      const { name, publish } = await alarm(client);
      await publish(range(-10, 3), () => 0.001);
      // Act
      const history = await stateList(name, 9);
      // Assess: the last datapoint is in minute 2; the instant 10:08 is the first whose range (minutes 3–7) is empty.
      expect(history).toEqual([
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'OK',
        'INSUFFICIENT_DATA',
        'INSUFFICIENT_DATA',
      ]);
    });

    test('a p99 alarm reads one p99 datapoint per minute (moto computes no percentiles)', async () => {
      // Prepare
      const { name, publish } = await alarm(client, { percentile: true });
      await publish(range(-10, 6), (m) => (m >= 3 ? 900 : 120));
      // Act
      const history = await stateList(name, 6);
      // Assess
      expect(history).toEqual(['OK', 'OK', 'OK', 'OK', 'ALARM', 'ALARM']);
    });

    test('DisableAlarmActions through the gaps module shows as actions disabled from that minute', async () => {
      // Prepare
      const { name } = await alarm(client);
      clock.advance(2 * 60_000);
      gaps.handle('DisableAlarmActions', JSON.stringify({ AlarmNames: [name] }));
      // Act
      const history = await states.alarmHistory([name], t0.getTime(), minute(4));
      // Assess
      expect(history.map((tick) => tick.alarms[0]!.actionsEnabled)).toEqual([true, false, false, false]);
    });
  });

  describe(`AppConfig endpoint rolling back on alarms computed from moto_server's metrics`, () => {
    let cloudwatch: CloudWatchClient;
    let clock: VirtualClock;
    let gaps: CloudWatchGaps;
    let endpoint: AppConfigEndpoint;
    let appconfig: AppConfigClient;

    beforeEach(async () => {
      cloudwatch = cloudWatchClient(moto);
      clock = new VirtualClock(t0);
      gaps = new CloudWatchGaps(new AlarmActionsRegistry(clock));
      endpoint = await AppConfigEndpoint.start({
        clock,
        alarms: new CloudWatchAlarmStates({ client: cloudwatch, actions: gaps.actions }),
      });
      appconfig = new AppConfigClient({
        endpoint: endpoint.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
      });
    });

    afterEach(async () => {
      appconfig.destroy();
      cloudwatch.destroy();
      await endpoint.stop();
    });

    /** A deployment of a free-form version with the Linear 25 % / 8 min / 5 min bake strategy, watched by `alarmArn`. */
    async function deploy(alarmArn: string) {
      const ApplicationId = (await appconfig.send(new CreateApplicationCommand({ Name: 'itv' }))).Id!;
      const EnvironmentId = (
        await appconfig.send(
          new CreateEnvironmentCommand({
            ApplicationId,
            Name: 'prod',
            Monitors: [
              { AlarmArn: alarmArn, AlarmRoleArn: 'arn:aws:iam::123456789012:role/itv-appconfig-alarms' },
            ],
          }),
        )
      ).Id!;
      const ConfigurationProfileId = (
        await appconfig.send(
          new CreateConfigurationProfileCommand({
            ApplicationId,
            Name: 'p',
            LocationUri: 'hosted',
            Type: 'AWS.Freeform',
          }),
        )
      ).Id!;
      await appconfig.send(
        new CreateHostedConfigurationVersionCommand({
          ApplicationId,
          ConfigurationProfileId,
          Content: new TextEncoder().encode('{"limit":2}'),
          ContentType: 'application/json',
        }),
      );
      await appconfig.send(
        new StartDeploymentCommand({
          ApplicationId,
          EnvironmentId,
          ConfigurationProfileId,
          ConfigurationVersion: '1',
          DeploymentStrategyId: 'AppConfig.Linear20PercentEvery6Minutes',
        }),
      );
      return () =>
        appconfig.send(new GetDeploymentCommand({ ApplicationId, EnvironmentId, DeploymentNumber: 1 }));
    }

    test('healthy metrics throughout: the deployment completes', async () => {
      // Prepare
      const { arn, publish } = await alarm(cloudwatch);
      await publish(range(-10, 61), () => 0.001);
      const get = await deploy(arn);
      clock.advance(61 * 60_000);
      // Act
      const deployment = await get();
      // Assess
      expect(deployment.State).toBe('COMPLETE');
    });

    test('a regression at minute 7 rolls the deployment back at the evaluation that sees it', async () => {
      // Prepare
      const { arn, publish } = await alarm(cloudwatch);
      await publish(range(-10, 20), (m) => (m >= 7 ? 0.3 : 0.001));
      const get = await deploy(arn);
      clock.advance(20 * 60_000);
      // Act
      const deployment = await get();
      // Assess
      expect(deployment.State).toBe('ROLLED_BACK');
      expect(deployment.EventLog?.[1]).toMatchObject({
        EventType: 'ROLLBACK_STARTED',
        TriggeredBy: 'CLOUDWATCH_ALARM',
        OccurredAt: new Date(minute(9)),
      });
      expect(deployment.EventLog?.[1]?.Description).toContain(arn);
      expect(deployment.EventLog?.[1]?.Description).toContain('20%');
    });

    test('metrics that stop for five minutes during the bake roll back on INSUFFICIENT_DATA', async () => {
      // Prepare
      const { arn, publish } = await alarm(cloudwatch);
      await publish(range(-10, 40), () => 0.001);
      const get = await deploy(arn);
      clock.advance(50 * 60_000);
      // Act
      const deployment = await get();
      // Assess
      expect(deployment.State).toBe('ROLLED_BACK');
      expect(deployment.EventLog?.[1]).toMatchObject({ OccurredAt: new Date(minute(45)) });
      expect(deployment.EventLog?.[1]?.Description).toContain('INSUFFICIENT_DATA');
    });
  });
}
