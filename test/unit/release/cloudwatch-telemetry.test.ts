import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { CloudWatchTelemetry } from '../../../lambdas/adapters/aws/cloudwatch-telemetry.js';
import { ConfigurationError, TransientError } from '../../../lambdas/core/errors.js';
import { errorBudgetRemaining } from '../../../lambdas/core/release/slo.js';
import { at, minutes, paymentsBaseline, t0 } from './helpers/local-release.js';

const cloudWatch = mockClient(CloudWatchClient);

const telemetry = () =>
  new CloudWatchTelemetry({
    client: new CloudWatchClient({ region: 'eu-west-1' }),
    baselines: { payments: paymentsBaseline },
  });

const alarms = {
  MetricAlarms: [
    { AlarmName: 'itv-payments-error-rate', StateValue: 'ALARM' as const },
    { AlarmName: 'itv-payments-latency-p99', StateValue: 'OK' as const },
  ],
};

afterEach(() => {
  cloudWatch.reset();
});

describe('CloudWatchTelemetry.snapshot', () => {
  test('reads both metrics over the window, page by page, and the service alarms', async () => {
    // Prepare: two pages of datapoints
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'errorRate', Values: [0.001, 0.011] },
          { Id: 'latencyP99', Values: [200, 240] },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'errorRate', Values: [0.021] },
          { Id: 'latencyP99', Values: [220] },
        ],
      });
    cloudWatch.on(DescribeAlarmsCommand).resolves(alarms);
    // Act
    const snapshot = await telemetry().snapshot('payments', t0, at(minutes(3)));
    // Assess
    const calls = cloudWatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.NextToken).toBe('page-2');
    expect(
      calls[0]?.MetricDataQueries?.map((q) => [q.Id, q.MetricStat?.Metric?.MetricName, q.MetricStat?.Stat]),
    ).toEqual([
      ['errorRate', 'ErrorRate', 'Average'],
      ['latencyP99', 'Latency', 'p99'],
    ]);
    expect(calls[0]?.MetricDataQueries?.[0]?.MetricStat?.Metric?.Dimensions).toEqual([
      { Name: 'Service', Value: 'payments' },
    ]);
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)[0]!.args[0].input.AlarmNames).toEqual([
      'itv-payments-error-rate',
      'itv-payments-latency-p99',
    ]);
    const [availability, latency] = snapshot.slos;
    expect(availability?.observed).toBeCloseTo(0.989, 12);
    expect(availability?.met).toBe(false);
    expect(latency).toMatchObject({ observed: 220, baseline: 200, delta: 20, met: true });
    expect(snapshot.errorBudgetRemaining).toBeCloseTo(
      errorBudgetRemaining(paymentsBaseline, (0.01 + 0.02) * 60),
      12,
    );
    expect(snapshot.alarms).toEqual([
      { name: 'itv-payments-error-rate', state: 'ALARM' },
      { name: 'itv-payments-latency-p99', state: 'OK' },
    ]);
  });

  test('a window without datapoints reports the baseline, and says it held none', async () => {
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'errorRate', Values: [] }] });
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    const snapshot = await telemetry().snapshot('payments', t0, at(minutes(3)));
    expect(snapshot.slos.map((s) => s.delta)).toEqual([0, 0]);
    expect(snapshot.errorBudgetRemaining).toBe(paymentsBaseline.errorBudgetRemaining);
    expect(snapshot.datapoints).toBe(0);
  });

  test('counts the error-rate datapoints of the window; an empty window has none to count', async () => {
    cloudWatch
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: [{ Id: 'errorRate', Values: [0.001, 0.002, 0.001] }] });
    cloudWatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    expect((await telemetry().snapshot('payments', t0, at(minutes(3)))).datapoints).toBe(3);
    expect((await telemetry().snapshot('payments', t0, t0)).datapoints).toBeUndefined();
  });

  test('throttling is a TransientError keeping the cause', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $metadata: { httpStatusCode: 400 },
    });
    cloudWatch.on(GetMetricDataCommand).rejects(throttled);
    cloudWatch.on(DescribeAlarmsCommand).resolves(alarms);
    const failure = telemetry().snapshot('payments', t0, at(minutes(3)));
    await expect(failure).rejects.toThrow(TransientError);
    await expect(failure).rejects.toMatchObject({ cause: throttled });
  });

  test('a service without a baseline is a ConfigurationError before any call', async () => {
    await expect(telemetry().snapshot('ghost', t0, at(minutes(1)))).rejects.toThrow(ConfigurationError);
    expect(cloudWatch.calls()).toHaveLength(0);
  });
});

describe('CloudWatchTelemetry.series', () => {
  test('one GetMetricData at the series period; each datapoint kept with its timestamp, oldest first, beside its alarm', async () => {
    // Prepare: a day's window, answered newest first on the second page
    cloudWatch
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'errorRate', Timestamps: [at(minutes(6))], Values: [0.02] },
          { Id: 'latencyP99', Timestamps: [at(minutes(6))], Values: [210] },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'errorRate', Timestamps: [at(0)], Values: [0.001] },
          { Id: 'latencyP99', Timestamps: [at(0)], Values: [200] },
        ],
      });

    // Act
    const series = await telemetry().series('payments', t0, at(minutes(24 * 60)));

    // Assess
    const calls = cloudWatch.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.MetricDataQueries?.map((q) => q.MetricStat?.Period))).toEqual([
      [360, 360],
      [360, 360],
    ]);
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)).toHaveLength(0);
    expect(series).toEqual([
      {
        metric: 'errorRate',
        alarm: 'itv-payments-error-rate',
        threshold: expect.closeTo(paymentsBaseline.errorRate * 3, 12),
        periodSeconds: 360,
        points: [
          { at: t0.toISOString(), value: 0.001 },
          { at: at(minutes(6)).toISOString(), value: 0.02 },
        ],
      },
      {
        metric: 'latencyP99Ms',
        alarm: 'itv-payments-latency-p99',
        threshold: paymentsBaseline.latencyP99Ms * 3,
        periodSeconds: 360,
        points: [
          { at: t0.toISOString(), value: 200 },
          { at: at(minutes(6)).toISOString(), value: 210 },
        ],
      },
    ]);
  });
});
