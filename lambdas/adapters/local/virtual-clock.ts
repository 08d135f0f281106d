import type { Clock } from '../../ports/clock.js';

/**
 * Virtual time for the local runtime and tests: it moves only when told to, so a 60-minute rollout with its
 * bake runs in milliseconds and every run is reproducible. Never reads wall time.
 */
export class VirtualClock implements Clock {
  private instantMs: number;

  constructor(start: Date) {
    if (Number.isNaN(start.getTime())) throw new RangeError('VirtualClock start must be a valid Date');
    this.instantMs = start.getTime();
  }

  now(): Date {
    return new Date(this.instantMs);
  }

  /** Moves time forward by `ms` (never backward). */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a finite ms ≥ 0, got ${ms}`);
    this.instantMs += ms;
    return this.now();
  }

  /** Moves time forward to `instant`; an instant in the past leaves the clock where it is. */
  advanceTo(instant: Date): Date {
    this.instantMs = Math.max(this.instantMs, instant.getTime());
    return this.now();
  }
}
