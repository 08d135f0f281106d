import { DiscreteEventScheduler } from '../../../cli/runtime/event-scheduler.js';
import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';

const start = new Date('2026-11-02T09:00:00Z');
const seconds = (clock: VirtualClock) => (clock.now().getTime() - start.getTime()) / 1000;

describe('one virtual clock for every execution (discrete events)', () => {
  test('two overlapping releases poll at their own periods and the clock visits each instant in order', async () => {
    // Prepare: A polls every 60 s from t=0; B joins at t=30 and polls every 120 s.
    const clock = new VirtualClock(start);
    const scheduler = new DiscreteEventScheduler(clock);
    const seen: string[] = [];
    const release = async (name: string, period: number, polls: number, delay = 0) => {
      const leave = scheduler.join();
      try {
        await scheduler.sleep(delay * 1000);
        for (let i = 0; i < polls; i++) {
          seen.push(`${name}@${seconds(clock)}`);
          await scheduler.sleep(period * 1000);
        }
      } finally {
        leave();
      }
    };

    // Act: both are members before either waits, as two executions started together are
    const a = release('A', 60, 4);
    const b = release('B', 120, 2, 30);
    await Promise.all([a, b]);

    // Assess
    expect(seen).toEqual(['A@0', 'B@30', 'A@60', 'A@120', 'B@150', 'A@180']);
    expect(seconds(clock)).toBe(270);
  });

  test('a wait of a fractional number of milliseconds ends (a retry backing off 30 s × 1.5^5 = 227,812.5 ms)', async () => {
    // Prepare: two executions waiting out a Lane busy retry, the sixth (227.8125 s) and a longer one.
    const clock = new VirtualClock(start);
    const scheduler = new DiscreteEventScheduler(clock);
    const leaveRetrying = scheduler.join();
    const leaveOther = scheduler.join();
    const woken: string[] = [];

    // Act: both wait; the instants the clock can reach are whole milliseconds, as a Date's are.
    const retry = scheduler.sleep(30_000 * 1.5 ** 5).then(() => woken.push(`retry@${seconds(clock)}`));
    void scheduler.sleep(600_000).then(() => woken.push(`other@${seconds(clock)}`));
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Assess: the shorter wait ended, at the first whole millisecond not before its instant.
    expect(woken).toEqual(['retry@227.813']);
    await retry;
    leaveRetrying();
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toEqual(['retry@227.813', 'other@600']);
    leaveOther();
  });

  test('time stands still while any execution works, however long another one sleeps', async () => {
    const clock = new VirtualClock(start);
    const scheduler = new DiscreteEventScheduler(clock);
    const leaveBaker = scheduler.join();
    const leaveWorker = scheduler.join();
    let baked = false;
    const bake = scheduler.sleep(3_600_000).then(() => {
      baked = true;
    });
    // The worker does something that takes wall time but no virtual time.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([baked, seconds(clock)]).toEqual([false, 0]);
    leaveWorker();
    await bake;
    expect([baked, seconds(clock)]).toEqual([true, 3600]);
    leaveBaker();
  });

  test('an execution waiting for a reviewer does not hold time back for the others', async () => {
    const clock = new VirtualClock(start);
    const scheduler = new DiscreteEventScheduler(clock);
    const leaveReviewed = scheduler.join();
    const leavePoller = scheduler.join();
    let review!: (decision: string) => void;
    const decided = scheduler.waitOutside(new Promise<string>((resolve) => (review = resolve)));
    await scheduler.sleep(60_000);
    expect(seconds(clock)).toBe(60);
    review('approved');
    await expect(decided).resolves.toBe('approved');
    leavePoller();
    leaveReviewed();
  });

  test('the clock never goes back, and a zero wait does not move it', async () => {
    const clock = new VirtualClock(start);
    const scheduler = new DiscreteEventScheduler(clock);
    const leave = scheduler.join();
    await scheduler.sleep(0);
    expect(seconds(clock)).toBe(0);
    clock.advance(600_000); // something else (the demo's window handling) moved time on
    await scheduler.sleep(60_000);
    expect(seconds(clock)).toBe(660);
    leave();
  });

  test('a cancelled sleep ends at once and leaves the clock where it is', async () => {
    // Prepare: one execution parks until a day ahead while another works.
    const clock = new VirtualClock(start);
    const scheduler = new DiscreteEventScheduler(clock);
    const leaveParked = scheduler.join();
    const leaveWorker = scheduler.join();
    const stop = new AbortController();
    const parked = scheduler.sleep(86_400_000, stop.signal);

    // Act: the park is cancelled (a stop), then everyone leaves.
    stop.abort();
    await parked;
    leaveParked();
    leaveWorker();

    // Assess: nothing is left asleep, so time never went to the day ahead.
    expect(scheduler.load.sleeping).toBe(0);
    expect(seconds(clock)).toBe(0);
  });

  test('a deadline moves no time itself and fires when other waits move the clock past it', async () => {
    // Prepare: a parked execution (waiting outside time) with a deadline 40 minutes ahead, and one cancelled.
    const clock = new VirtualClock(start);
    const scheduler = new DiscreteEventScheduler(clock);
    const fired: number[] = [];
    const leaveParked = scheduler.join();
    const cancelled = scheduler.deadline(new Date(start.getTime() + 3_600_000 * 5), () => fired.push(-1));
    const parked = scheduler.waitOutside(
      new Promise<void>((resolve) =>
        scheduler.deadline(new Date(start.getTime() + 2_400_000), () => {
          fired.push(seconds(clock));
          resolve();
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([fired, seconds(clock)]).toEqual([[], 0]);

    // Act: another execution bakes for an hour.
    cancelled();
    const leaveBaker = scheduler.join();
    await scheduler.sleep(3_600_000);
    await parked;
    leaveBaker();
    leaveParked();

    // Assess: it fired with the jump that passed it (to the baker's hour), once; the cancelled one never.
    expect(fired).toEqual([3600]);
    expect(seconds(clock)).toBe(3600);
  });
});
