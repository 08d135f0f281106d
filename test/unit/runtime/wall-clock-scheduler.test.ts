import { WallClockScheduler } from '../../../cli/runtime/event-scheduler.js';
import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';

/** `ITV_CLOCK=wall`: the stack's clock reads real time as it passes, whoever sleeps. */
describe('wall-clock time for the local stack', () => {
  test('the clock keeps up with real time during a wait, and overlapping waits count once', async () => {
    // Prepare: a home whose clock was ahead of real time keeps its lead; it never goes back.
    const lead = 3_600_000;
    const clock = new VirtualClock(new Date(Date.now() + lead));
    const scheduler = new WallClockScheduler(clock);
    const startedAt = clock.now().getTime();
    const realStart = Date.now();

    // Act: two 300 ms waits at once; the clock is read in the middle of them, as a stop request would be.
    const both = Promise.all([scheduler.sleep(300), scheduler.sleep(300)]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const midway = clock.now().getTime() - startedAt;
    await both;
    const moved = clock.now().getTime() - startedAt;
    const real = Date.now() - realStart;

    // Assess
    expect(midway).toBeGreaterThanOrEqual(140);
    expect(moved).toBeGreaterThanOrEqual(300);
    expect(moved).toBeLessThanOrEqual(real + 5);
  });

  test('its checkpoints still call the clock virtual, moving with real time from where it started', () => {
    // Prepare: a home whose clock started an hour ahead of the wall.
    const wall = new Date();
    const clock = new VirtualClock(new Date(wall.getTime() + 3_600_000), { wallStartedAt: wall });
    expect(clock.account()).toMatchObject({ kind: 'virtual', pace: 'discrete' });

    // Act
    new WallClockScheduler(clock);

    // Assess: its instants keep their lead, so they are not the wall's readings.
    expect(clock.account()).toEqual({
      kind: 'virtual',
      pace: 'wall',
      startedAt: new Date(wall.getTime() + 3_600_000).toISOString(),
      wallStartedAt: wall.toISOString(),
    });
  });

  test('a home whose clock is behind real time moves at real pace from its own instant', async () => {
    // Prepare
    const start = new Date('2026-01-01T00:00:00Z');
    const clock = new VirtualClock(start);
    const scheduler = new WallClockScheduler(clock);

    // Act
    await scheduler.sleep(100);

    // Assess
    const moved = clock.now().getTime() - start.getTime();
    expect(moved).toBeGreaterThanOrEqual(100);
    expect(moved).toBeLessThan(60_000);
  });
});
