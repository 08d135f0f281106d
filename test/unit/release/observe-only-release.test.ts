import { localRelease, minutes, releaseRequest, t0 } from './helpers/local-release.js';

const errorFault = (atPercent: number) => ({ metric: 'errorRate' as const, value: 0.2, atPercent });

/** A release that must not be reverted: AppConfig's monitors observe, itv decides (see releasePlan). */
describe('LocalAppConfig with rollbackOnAlarm false', () => {
  test('disables the monitors’ alarm actions for the deployment and enables them again when it ends', async () => {
    // Prepare
    const { releaser, clock, cloudwatch } = localRelease();
    const monitors = cloudwatch.monitorsFor('payments');
    // Act
    const started = await releaser.start(
      releaseRequest('itv.Linear25Percent8Minutes', { rollbackOnAlarm: false }),
    );
    const during = await Promise.all(monitors.map((name) => cloudwatch.actionsEnabled(name)));
    clock.advance(minutes(13));
    const ended = await releaser.check('payments', 'payments-prod', started.deploymentId);
    const after = await Promise.all(monitors.map((name) => cloudwatch.actionsEnabled(name)));
    // Assess
    expect(during).toEqual([false, false]);
    expect(ended.state).toBe('COMPLETE');
    expect(after).toEqual([true, true]);
  });

  test('runs its documented schedule through an alarm and reports the first monitor that tripped', async () => {
    // Prepare: 25 % at 2 min carries the fault; 2 of 3 minutes breach by the 4-minute evaluation
    const { releaser, clock } = localRelease({ fault: errorFault(25) });
    const started = await releaser.start(
      releaseRequest('itv.Linear25Percent8Minutes', { rollbackOnAlarm: false }),
    );
    // Act
    clock.advance(minutes(6));
    const during = await releaser.check('payments', 'payments-prod', started.deploymentId);
    clock.advance(minutes(7));
    const ended = await releaser.check('payments', 'payments-prod', started.deploymentId);
    // Assess
    expect(during.state).toBe('DEPLOYING');
    expect(during.trippedMonitor).toEqual({
      alarm: 'itv-payments-error-rate',
      state: 'ALARM',
      at: new Date(t0.getTime() + minutes(4)).toISOString(),
      percentage: 50,
    });
    expect(ended.state).toBe('COMPLETE');
    expect(ended.events.map((e) => e.type)).not.toContain('ROLLBACK_STARTED');
    expect(ended.trippedMonitor).toEqual(during.trippedMonitor);
  });

  test('a stop still rolls it back, and restores the alarm actions', async () => {
    // Prepare
    const { releaser, clock, cloudwatch } = localRelease();
    const started = await releaser.start(
      releaseRequest('itv.Linear25Percent8Minutes', { rollbackOnAlarm: false }),
    );
    clock.advance(minutes(3));
    // Act
    const stopped = await releaser.stop('payments', 'payments-prod', started.deploymentId);
    // Assess
    expect(stopped.state).toBe('ROLLED_BACK');
    expect(await cloudwatch.actionsEnabled('itv-payments-error-rate')).toBe(true);
  });

  test('a start that loses the lane leaves the running deployment’s monitors alone', async () => {
    // Prepare
    const { releaser, cloudwatch } = localRelease();
    await releaser.start(releaseRequest('itv.Linear25Percent8Minutes'));
    // Act
    const second = releaser.start(releaseRequest('itv.Linear25Percent8Minutes', { rollbackOnAlarm: false }));
    // Assess
    await expect(second).rejects.toThrow(/one deployment per environment/);
    expect(await cloudwatch.actionsEnabled('itv-payments-error-rate')).toBe(true);
  });
});
