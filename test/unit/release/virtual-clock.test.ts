import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';

describe('VirtualClock', () => {
  const start = new Date('2026-11-02T10:00:00.000Z');

  test('stands still until advanced, then moves by exactly the amount asked', () => {
    // Prepare
    const clock = new VirtualClock(start);
    // Act
    const before = clock.now();
    clock.advance(90_000);
    // Assess
    expect(before).toEqual(start);
    expect(clock.now().toISOString()).toBe('2026-11-02T10:01:30.000Z');
  });

  test('hands out copies and keeps none, so a caller cannot move time by mutating a Date', () => {
    const given = new Date(start);
    const clock = new VirtualClock(given);
    clock.now().setTime(0);
    given.setTime(0);
    expect(clock.now().toISOString()).toBe('2026-11-02T10:00:00.000Z');
  });

  test('advanceTo moves forward only', () => {
    const clock = new VirtualClock(start);
    clock.advanceTo(new Date('2026-11-02T11:00:00.000Z'));
    clock.advanceTo(new Date('2026-11-02T09:00:00.000Z'));
    expect(clock.now().toISOString()).toBe('2026-11-02T11:00:00.000Z');
  });

  test('refuses to go backwards or by a non-number', () => {
    const clock = new VirtualClock(start);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => new VirtualClock(new Date('not a date'))).toThrow(RangeError);
  });
});
