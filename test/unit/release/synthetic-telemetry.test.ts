import fc from 'fast-check';
import { baselinesOf, SyntheticMetrics } from '../../../lambdas/adapters/local/synthetic-telemetry.js';
import { ConfigurationError, InvalidInputError } from '../../../lambdas/core/errors.js';
import { errorBudgetRemaining } from '../../../lambdas/core/release/slo.js';
import { at, localRelease, minutes, paymentsBaseline, releaseRequest, t0 } from './helpers/local-release.js';
import { MemoryStateStore } from './helpers/memory-state-store.js';

const latencyFault = (atPercent: number) => ({ metric: 'latencyP99Ms' as const, value: 1000, atPercent });

describe('SyntheticMetrics series', () => {
  test('the same service and minute give the same noise in any process; other services differ', async () => {
    // Prepare
    const a = localRelease();
    const b = localRelease();
    // Act
    const first = await a.metrics.datapoints('payments', 'latencyP99Ms', 60, t0.getTime(), 30);
    const second = await b.metrics.datapoints('payments', 'latencyP99Ms', 60, t0.getTime(), 30);
    const other = await b.metrics.datapoints('search', 'latencyP99Ms', 60, t0.getTime(), 30);
    // Assess
    expect(second).toEqual(first);
    expect(other.map((v) => v! / 80)).not.toEqual(first.map((v) => v! / 200));
    for (const value of first) expect(Math.abs(value! / 200 - 1)).toBeLessThanOrEqual(0.05);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  test('a fault is weighted by the share of traffic on the new configuration', async () => {
    // Prepare: no noise; 25 % from 2 min, 50 % from 4 min
    const { releaser, metrics } = localRelease({ noise: 0, fault: latencyFault(0) });
    await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    // Act
    const series = await metrics.datapoints('payments', 'latencyP99Ms', 60, t0.getTime(), 5);
    // Assess
    expect(series).toEqual([200, 200, 200 + 0.25 * 800, 200 + 0.25 * 800, 200 + 0.5 * 800]);
  });

  test('a fault shows only once the rollout reaches its atPercent; a partial minute counts pro rata', async () => {
    // Prepare: 50 % at 30 s, 100 % at 60 s
    const { releaser, metrics } = localRelease({ noise: 0, fault: latencyFault(60) });
    await releaser.start(releaseRequest('AppConfig.Linear50PercentEvery30Seconds'));
    // Act
    const series = await metrics.datapoints('payments', 'latencyP99Ms', 30, t0.getTime(), 4);
    const firstMinute = await metrics.datapoints('payments', 'latencyP99Ms', 60, t0.getTime() + 30_000, 1);
    // Assess
    expect(series).toEqual([200, 200, 1000, 1000]);
    expect(firstMinute).toEqual([600]);
  });

  test('with no fault serving, the series reads no deployment, however many the service has had', async () => {
    // Prepare: twenty clean releases, then a faulty one rolled back before the window
    const store = new MemoryStateStore();
    const { releaser, metrics, clock, faults } = localRelease({ store, noise: 0, fault: latencyFault(0) });
    faults.clear();
    for (let i = 0; i < 20; i++) {
      await releaser.start(releaseRequest('itv.Immediate'));
      clock.advance(minutes(1));
    }
    faults.set('intent-1', latencyFault(0));
    const faulty = await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    await releaser.stop('payments', 'payments-prod', faulty.deploymentId);
    clock.advance(minutes(5));
    const listed: string[] = [];
    const list = store.list.bind(store);
    store.list = ((pk: string) => {
      listed.push(pk);
      return list(pk);
    }) as typeof store.list;

    // Act
    const series = await metrics.datapoints('payments', 'latencyP99Ms', 60, clock.now().getTime(), 3);

    // Assess
    expect(series).toEqual([200, 200, 200]);
    expect(listed).toEqual(['appconfig#faults#payments']);
  });

  test('a rollback takes the fault away', async () => {
    const { releaser, metrics, clock } = localRelease({ noise: 0, fault: latencyFault(0) });
    const started = await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    clock.advance(minutes(3));
    await releaser.stop('payments', 'payments-prod', started.deploymentId);
    const series = await metrics.datapoints('payments', 'latencyP99Ms', 60, t0.getTime() + minutes(2), 3);
    expect(series).toEqual([400, 200, 200]);
  });

  test('a later deployment of the same profile takes traffic from the faulty configuration', async () => {
    // Prepare: a faulty configuration fully deployed, then a clean one rolling out over it
    const { releaser, metrics, clock, faults } = localRelease({ noise: 0, fault: latencyFault(0) });
    await releaser.start(releaseRequest('itv.Immediate'));
    clock.advance(minutes(1));
    faults.clear();
    await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    // Act
    const series = await metrics.datapoints('payments', 'latencyP99Ms', 60, t0.getTime() + minutes(1), 9);
    // Assess: 100, 100, 75, 75, 50, 50, 25, 25, 0 % of traffic still on the fault
    expect(series).toEqual([1000, 1000, 800, 800, 600, 600, 400, 400, 200]);
  });

  test('with nothing deployed, a mean is each minute piece by its own noise, in order, to the last bit', async () => {
    // Prepare: the definition written out (every minute boundary in the window a cut, each piece valued at its
    // midpoint, summed in order), beside windows of any length starting anywhere in a minute
    const { metrics } = localRelease();
    const defined = (fromMs: number, toMs: number) => {
      const cuts = [fromMs];
      for (let minute = Math.ceil(fromMs / 60_000) * 60_000; minute < toMs; minute += 60_000)
        if (minute > fromMs) cuts.push(minute);
      cuts.push(toMs);
      let area = 0;
      for (let i = 1; i < cuts.length; i++)
        area +=
          metrics.baseValueAt('payments', 'errorRate', (cuts[i - 1]! + cuts[i]!) / 2) *
          (cuts[i]! - cuts[i - 1]!);
      return area / (toMs - fromMs);
    };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 600_000 }),
        fc.integer({ min: 1, max: 900_000 }),
        async (offset, length) => {
          const fromMs = t0.getTime() + offset;
          // Act
          const window = await metrics.window('payments', new Date(fromMs), new Date(fromMs + length));
          // Assess
          expect(window.errorRate).toBe(defined(fromMs, fromMs + length));
        },
      ),
    );
  });

  test('an unknown service is a ConfigurationError unless a default baseline is given', () => {
    const store = new MemoryStateStore();
    expect(() => new SyntheticMetrics({ store, baselines: {} }).baseline('ghost')).toThrow(
      ConfigurationError,
    );
    const withDefault = new SyntheticMetrics({ store, baselines: {}, defaultBaseline: paymentsBaseline });
    expect(withDefault.baseline('ghost')).toBe(paymentsBaseline);
  });

  test('baselinesOf reads the SLO baselines of a catalog', () => {
    expect(baselinesOf({ services: { payments: { slo: paymentsBaseline } } })).toEqual({
      payments: paymentsBaseline,
    });
  });
});

describe('SyntheticTelemetry snapshot', () => {
  test('a quiet service matches its baseline: zero deltas, SLOs met, budget unchanged, alarms OK', async () => {
    const { telemetry } = localRelease({ noise: 0 });
    const snapshot = await telemetry.snapshot('payments', t0, at(minutes(30)));
    expect(snapshot).toEqual({
      service: 'payments',
      windowStart: t0.toISOString(),
      windowEnd: at(minutes(30)).toISOString(),
      slos: [
        { name: 'availability', objective: 0.995, observed: 0.999, baseline: 0.999, delta: 0, met: true },
        { name: 'latencyP99Ms', objective: 400, observed: 200, baseline: 200, delta: 0, met: true },
      ],
      errorBudgetRemaining: 0.8,
      errorBudgetBaseline: 0.8,
      alarms: [
        { name: 'itv-payments-error-rate', state: 'OK' },
        { name: 'itv-payments-latency-p99', state: 'OK' },
      ],
    });
  });

  test('a fault shows as an SLO regression, spent error budget and an alarm', async () => {
    // Prepare: 20 % error rate on 25 % of traffic from 2 to 4 min, 50 % from 4 to 6 min (actions off: no rollback)
    const { releaser, telemetry, cloudwatch, clock } = localRelease({
      noise: 0,
      fault: { metric: 'errorRate', value: 0.201, atPercent: 0 },
    });
    await cloudwatch.disableAlarmActions(cloudwatch.monitorsFor('payments'));
    await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    clock.advance(minutes(6));
    // Act
    const snapshot = await telemetry.snapshot('payments', t0, clock.now());
    // Assess: excess errors = 0.2 × (0.25 × 120 s + 0.5 × 120 s)
    const excessErrorSeconds = 0.2 * (0.25 * 120 + 0.5 * 120);
    const availability = snapshot.slos.find((s) => s.name === 'availability')!;
    expect(availability.met).toBe(false);
    expect(availability.delta).toBeCloseTo(-excessErrorSeconds / 360, 9);
    expect(snapshot.errorBudgetRemaining).toBeCloseTo(
      errorBudgetRemaining(paymentsBaseline, excessErrorSeconds),
      9,
    );
    expect(snapshot.errorBudgetRemaining).toBeLessThan(0.8);
    expect(snapshot.errorBudgetBaseline).toBe(0.8);
    expect(snapshot.alarms).toContainEqual({ name: 'itv-payments-error-rate', state: 'ALARM' });
  });

  test('a window that ends before it starts is rejected naming the field', async () => {
    const { telemetry } = localRelease();
    await expect(telemetry.snapshot('payments', at(minutes(5)), t0)).rejects.toThrow(InvalidInputError);
  });
});

describe('SyntheticTelemetry series', () => {
  test('each monitored metric per minute beside its rollback alarm; a fault crosses the threshold as it spreads', async () => {
    // Prepare: 20 % error rate on 25 % of traffic from 2 min, 50 % from 4 min (actions off: no rollback)
    const { releaser, telemetry, cloudwatch, clock } = localRelease({
      noise: 0,
      fault: { metric: 'errorRate', value: 0.201, atPercent: 0 },
    });
    await cloudwatch.disableAlarmActions(cloudwatch.monitorsFor('payments'));
    await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    clock.advance(minutes(6));

    // Act
    const series = await telemetry.series('payments', t0, clock.now());

    // Assess: the error rate is 0.001 until 2 min, then 0.001 + 0.25 × 0.2, then 0.001 + 0.5 × 0.2
    expect(series.map((s) => [s.metric, s.alarm, s.periodSeconds])).toEqual([
      ['errorRate', 'itv-payments-error-rate', 60],
      ['latencyP99Ms', 'itv-payments-latency-p99', 60],
    ]);
    const errorRate = series[0]!;
    expect(errorRate.threshold).toBeCloseTo(0.003, 12);
    expect(errorRate.points.map((p) => p.at)).toEqual(
      [0, 1, 2, 3, 4, 5].map((m) => at(minutes(m)).toISOString()),
    );
    const values = errorRate.points.map((p) => p.value);
    expect(values.slice(0, 2)).toEqual([0.001, 0.001]);
    expect(values[2]).toBeCloseTo(0.051, 12);
    expect(values[4]).toBeCloseTo(0.101, 12);
    expect(values.filter((v) => v > errorRate.threshold)).toHaveLength(4);
    expect(series[1]!.points.every((p) => p.value === 200)).toBe(true);
  });

  test('a long window keeps to 240 datapoints: whole minutes per period', async () => {
    // Prepare
    const { telemetry } = localRelease({ noise: 0 });

    // Act
    const day = await telemetry.series('payments', t0, at(minutes(24 * 60)));

    // Assess
    expect(day[0]!.periodSeconds).toBe(360);
    expect(day[0]!.points).toHaveLength(240);
  });
});
