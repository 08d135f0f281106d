import type { VirtualClock } from '../../lambdas/adapters/local/virtual-clock.js';

/** How the executions of one local stack wait for time to pass. */
export interface Scheduler {
  /** An execution starts; the function it returns is called once when it ends or parks. */
  join(): () => void;
  /** The calling execution waits `ms` of time (an ASL Wait: a lane re-check, a poll, a bake). */
  sleep(ms: number): Promise<void>;
  /** The calling execution waits on something outside time (a reviewer in another terminal). */
  waitOutside<T>(until: Promise<T>): Promise<T>;
}

/**
 * One virtual clock shared by every execution, as a discrete-event scheduler: an execution that waits names
 * the instant it wakes at, and the clock moves to the earliest such instant only once every execution is
 * waiting — never because one execution's bake is long, and never backwards. While any execution works,
 * time stands still; when all wait, it jumps to the next event, so an hour of rollouts takes no wall time.
 *
 * Two overlapping releases: A polls every 60 s, B joins at t=30 s and polls every 120 s. The clock goes
 * 0 → 30 (B starts) → 60 (A) → 120 (A) → 150 (B) → 180 (A) …, each execution seeing the other's writes in
 * the order they happen, as two Step Functions executions would.
 */
export class DiscreteEventScheduler implements Scheduler {
  private members = 0;
  private outside = 0;
  private readonly sleepers: Array<{ at: number; seq: number; wake: () => void }> = [];
  private seq = 0;

  constructor(private readonly clock: VirtualClock) {}

  join(): () => void {
    this.members++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.members--;
      this.advanceIfAllWait();
    };
  }

  sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((wake) => {
      this.sleepers.push({ at: this.clock.now().getTime() + ms, seq: this.seq++, wake });
      this.advanceIfAllWait();
    });
  }

  async waitOutside<T>(until: Promise<T>): Promise<T> {
    this.outside++;
    this.advanceIfAllWait();
    try {
      return await until;
    } finally {
      this.outside--;
    }
  }

  /** How many executions are in the pipeline, and how many of them wait on the clock. */
  get load(): { members: number; sleeping: number } {
    return { members: this.members, sleeping: this.sleepers.length };
  }

  private advanceIfAllWait(): void {
    if (this.sleepers.length === 0 || this.sleepers.length + this.outside < this.members) return;
    this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = this.sleepers[0]?.at ?? this.clock.now().getTime();
    this.clock.advanceTo(new Date(next));
    const now = this.clock.now().getTime();
    while (this.sleepers.length > 0 && (this.sleepers[0]?.at ?? Number.POSITIVE_INFINITY) <= now) {
      this.sleepers.shift()?.wake();
    }
  }
}

/**
 * Wall-clock time for people who want to watch a real rollout (`ITV_CLOCK=wall`): a wait takes its real
 * duration, and the clock moves on with it.
 */
export class WallClockScheduler implements Scheduler {
  constructor(private readonly clock: VirtualClock) {}

  join(): () => void {
    return () => {};
  }

  async sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return;
    const start = Date.now();
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.clock.advance(Date.now() - start);
  }

  waitOutside<T>(until: Promise<T>): Promise<T> {
    return until;
  }
}
