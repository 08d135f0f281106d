import { randomUUID } from 'node:crypto';
import {
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  EnableAlarmActionsCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';
import { AlarmActionsRegistry, CloudWatchGaps, cloudWatchOperation } from './cloudwatch-gaps.js';
import { announceMotoCases, cloudWatchClient, cloudWatchProxy, motoEndpoint } from './moto-cloudwatch.js';

announceMotoCases('cloudwatch-gaps.test.ts');

const start = new Date('2026-11-02T10:00:00.000Z');

describe('CloudWatchGaps', () => {
  test('answers DisableAlarmActions and EnableAlarmActions itself, recording when', () => {
    // Prepare
    const clock = new VirtualClock(start);
    const gaps = new CloudWatchGaps(new AlarmActionsRegistry(clock));
    // Act
    const disabled = gaps.handle('DisableAlarmActions', JSON.stringify({ AlarmNames: ['a', 'b'] }));
    clock.advance(60_000);
    gaps.handle('EnableAlarmActions', JSON.stringify({ AlarmNames: ['a'] }));
    // Assess
    expect(disabled).toEqual({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: '{}',
    });
    expect(gaps.actions.enabledAt('a', start.getTime())).toBe(false);
    expect(gaps.actions.enabledAt('a', start.getTime() + 60_000)).toBe(true);
    expect(gaps.actions.enabledAt('b', start.getTime() + 60_000)).toBe(false);
    expect(gaps.actions.enabledAt('c', start.getTime())).toBeUndefined();
  });

  test('refuses a request without alarm names as CloudWatch does', () => {
    // Prepare
    const gaps = new CloudWatchGaps(new AlarmActionsRegistry(new VirtualClock(start)));
    // Act
    const reply = gaps.handle('DisableAlarmActions', '{}');
    // Assess
    expect(reply?.status).toBe(400);
    expect(JSON.parse(reply!.body)).toMatchObject({ __type: 'MissingParameter' });
  });

  test('leaves every other operation to moto', () => {
    // Prepare
    const gaps = new CloudWatchGaps(new AlarmActionsRegistry(new VirtualClock(start)));
    // Act
    const reply = gaps.handle('PutMetricAlarm', '{"AlarmName":"a"}');
    // Assess
    expect(reply).toBeUndefined();
  });

  test('rewrites ActionsEnabled in DescribeAlarms for the alarms whose actions changed, and nothing else', () => {
    // Prepare
    const gaps = new CloudWatchGaps(new AlarmActionsRegistry(new VirtualClock(start)));
    gaps.handle('DisableAlarmActions', JSON.stringify({ AlarmNames: ['a'] }));
    const response = JSON.stringify({
      MetricAlarms: [
        { AlarmName: 'a', ActionsEnabled: true, StateValue: 'OK' },
        { AlarmName: 'b', ActionsEnabled: true },
      ],
      CompositeAlarms: [],
    });
    // Act
    const rewritten = JSON.parse(gaps.rewrite('DescribeAlarms', response));
    const untouched = gaps.rewrite('ListMetrics', response);
    // Assess
    expect(rewritten.MetricAlarms).toEqual([
      { AlarmName: 'a', ActionsEnabled: false, StateValue: 'OK' },
      { AlarmName: 'b', ActionsEnabled: true },
    ]);
    expect(untouched).toBe(response);
  });

  test('reads the operation from X-Amz-Target', () => {
    expect(cloudWatchOperation('GraniteServiceVersion20100801.DescribeAlarms')).toBe('DescribeAlarms');
    expect(cloudWatchOperation('DynamoDB_20120810.PutItem')).toBeUndefined();
  });
});

if (motoEndpoint !== undefined) {
  const moto = motoEndpoint;

  describe(`CloudWatchGaps in front of moto_server at ${moto}`, () => {
    test('moto alone answers DisableAlarmActions with HTTP 500 (not implemented)', async () => {
      // Prepare
      const client = cloudWatchClient(moto);
      // Act
      const disabled = client.send(new DisableAlarmActionsCommand({ AlarmNames: ['any'] }));
      // Assess
      await expect(disabled).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
      client.destroy();
    });

    test('through the proxy the real SDK disables and enables actions, and DescribeAlarms shows it', async () => {
      // Prepare
      const gaps = new CloudWatchGaps(new AlarmActionsRegistry(new VirtualClock(start)));
      const proxy = await cloudWatchProxy(moto, gaps);
      const client = cloudWatchClient(proxy.url);
      const name = `itv-gaps-${randomUUID()}`;
      await client.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          Namespace: 'itv/Services',
          MetricName: 'ErrorRate',
          Statistic: 'Average',
          Period: 60,
          EvaluationPeriods: 3,
          Threshold: 0.01,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      );
      try {
        // Act
        await client.send(new DisableAlarmActionsCommand({ AlarmNames: [name] }));
        const whileDisabled = await client.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
        await client.send(new EnableAlarmActionsCommand({ AlarmNames: [name] }));
        const afterEnabled = await client.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
        // Assess
        expect(whileDisabled.MetricAlarms?.[0]).toMatchObject({ AlarmName: name, ActionsEnabled: false });
        expect(afterEnabled.MetricAlarms?.[0]).toMatchObject({ AlarmName: name, ActionsEnabled: true });
      } finally {
        client.destroy();
        await proxy.close();
      }
    });
  });
}
