import type { ClockAccount } from '../../core/ledger/checkpoint.js';
import type { Clock } from '../../ports/clock.js';

/**
 * Virtual time for the local runtime and tests: it moves only when told to, so a 60-minute rollout with its
 * bake runs in milliseconds and every run is reproducible. Never reads wall time itself; told to `follow` a
 * source (the wall clock, for `ITV_CLOCK=wall`), it keeps up with that source as well.
 */
export class VirtualClock implements Clock {
  private instantMs: number;
  private source: (() => number) | undefined;
  private readonly startedAt: string;
  private readonly wallStartedAt: string | undefined;

  /** `wallStartedAt`: the wall's time as the clock starts at `start`, which its account names (the caller reads it). */
  constructor(start: Date, options: { wallStartedAt?: Date } = {}) {
    if (Number.isNaN(start.getTime())) throw new RangeError('VirtualClock start must be a valid Date');
    this.instantMs = start.getTime();
    this.startedAt = start.toISOString();
    this.wallStartedAt = options.wallStartedAt?.toISOString();
  }

  /**
   * Virtual, wherever it started: also when it follows the wall, its instants keep the lead (or lag) of its start,
   * so they are never the wall's own readings.
   */
  account(): ClockAccount {
    return {
      kind: 'virtual',
      pace: this.source ? 'wall' : 'discrete',
      startedAt: this.startedAt,
      ...(this.wallStartedAt === undefined ? {} : { wallStartedAt: this.wallStartedAt }),
    };
  }

  now(): Date {
    if (this.source) this.instantMs = Math.max(this.instantMs, this.source());
    return new Date(this.instantMs);
  }

  /**
   * From now on the clock reads the later of its own instant and `source()` (milliseconds since the epoch): it
   * keeps up with the source as it passes, and still never goes back.
   */
  follow(source: () => number): void {
    this.source = source;
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
