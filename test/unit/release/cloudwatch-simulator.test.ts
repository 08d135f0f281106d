import { LocalCloudWatch } from '../../../lambdas/adapters/local/cloudwatch-simulator.js';
import { SyntheticMetrics } from '../../../lambdas/adapters/local/synthetic-telemetry.js';
import { localRelease, minutes, paymentsBaseline, releaseRequest, t0 } from './helpers/local-release.js';
import { MemoryStateStore } from './helpers/memory-state-store.js';

describe('LocalCloudWatch alarms', () => {
  test('each service gets an error-rate and a p99-latency alarm at 3 × baseline, 2 of 3 one-minute datapoints', () => {
    // Prepare
    const { cloudwatch } = localRelease();
    // Act
    const alarms = cloudwatch.alarmsFor('payments');
    // Assess
    expect(alarms).toEqual([
      expect.objectContaining({ name: 'itv-payments-error-rate', metric: 'errorRate', threshold: 0.003 }),
      expect.objectContaining({ name: 'itv-payments-latency-p99', metric: 'latencyP99Ms', threshold: 600 }),
    ]);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        periodSeconds: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: 'notBreaching',
        comparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  test('a threshold from the catalog replaces 3 × baseline', () => {
    const store = new MemoryStateStore();
    const metrics = new SyntheticMetrics({
      store,
      baselines: { payments: { ...paymentsBaseline, alarmThresholds: { errorRate: 0.01 } } },
    });
    const cloudwatch = new LocalCloudWatch({ metrics, store });
    expect(cloudwatch.alarmsFor('payments').map((a) => a.threshold)).toEqual([0.01, 600]);
  });

  test('baseline traffic with its noise keeps every alarm OK for an hour', async () => {
    const { cloudwatch } = localRelease();
    const history = await cloudwatch.alarmHistory('payments', t0.getTime(), t0.getTime() + minutes(60));
    expect(history).toHaveLength(60);
    expect(new Set(history.flatMap((tick) => tick.alarms.map((a) => a.state)))).toEqual(new Set(['OK']));
  });

  test('a fault trips the alarm on the evaluation after its second breaching minute, and only that alarm', async () => {
    // Prepare: the fault serves 25 % of traffic from 2 min on
    const { releaser, cloudwatch } = localRelease({
      fault: { metric: 'errorRate', value: 0.1, atPercent: 0 },
    });
    await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    // Act
    const history = await cloudwatch.alarmHistory('payments', t0.getTime(), t0.getTime() + minutes(5));
    // Assess
    const errorStates = history.map((tick) => [tick.at.toISOString().slice(11, 16), tick.alarms[0]?.state]);
    expect(errorStates).toEqual([
      ['10:01', 'OK'],
      ['10:02', 'OK'],
      ['10:03', 'OK'],
      ['10:04', 'ALARM'],
      ['10:05', 'ALARM'],
    ]);
    expect(history.every((tick) => tick.alarms[1]?.state === 'OK')).toBe(true);
  });

  test('alarm actions disabled by one process are seen by another sharing the store', async () => {
    const store = new MemoryStateStore();
    const one = localRelease({ store });
    const other = localRelease({ store });
    await one.cloudwatch.disableAlarmActions(['itv-payments-error-rate']);
    expect(await other.cloudwatch.actionsEnabled('itv-payments-error-rate')).toBe(false);
    expect(await other.cloudwatch.actionsEnabled('itv-payments-latency-p99')).toBe(true);
    await other.cloudwatch.enableAlarmActions(['itv-payments-error-rate']);
    expect(await one.cloudwatch.actionsEnabled('itv-payments-error-rate')).toBe(true);
  });

  test('with treatMissingData ignore, an alarm keeps its state through a gap', async () => {
    // Prepare: datapoints breach for five minutes, then stop reporting
    const store = new MemoryStateStore();
    const gapFrom = t0.getTime() + minutes(5);
    const cloudwatch = new LocalCloudWatch({
      store,
      rule: { treatMissingData: 'ignore' },
      metrics: {
        baseline: () => paymentsBaseline,
        datapoints: async (_s, _m, periodSeconds, fromMs, count) =>
          Array.from({ length: count }, (_, k) => (fromMs + k * periodSeconds * 1000 < gapFrom ? 1 : null)),
      },
    });
    // Act
    const history = await cloudwatch.alarmHistory('payments', gapFrom, gapFrom + minutes(10));
    // Assess: the range empties after five minutes, yet the state stays ALARM
    expect(history.map((tick) => tick.alarms[0]?.state)).toEqual(Array(10).fill('ALARM'));
  });
});

describe('LocalCloudWatch.describeAlarms', () => {
  test('reads the states at the current instant of the virtual clock', async () => {
    // Prepare
    const { releaser, cloudwatch, clock } = localRelease({
      fault: { metric: 'latencyP99Ms', value: 5000, atPercent: 0 },
    });
    await cloudwatch.disableAlarmActions(cloudwatch.monitorsFor('payments'));
    await releaser.start(releaseRequest('itv.Immediate'));
    // Act
    const before = await cloudwatch.describeAlarms('payments');
    clock.advance(minutes(2));
    const after = await cloudwatch.describeAlarms('payments');
    // Assess
    expect(before.map((a) => a.state)).toEqual(['OK', 'OK']);
    expect(after.map((a) => a.state)).toEqual(['OK', 'ALARM']);
  });
});
