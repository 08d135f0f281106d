import type { VirtualClock } from '../../lambdas/adapters/local/virtual-clock.js';

/** How the executions of one local stack wait for time to pass. */
export interface Scheduler {
  /** An execution starts; the function it returns is called once when it ends or parks. */
  join(): () => void;
  /**
   * The calling execution waits `ms` of time (an ASL Wait: a poll, a bake; a scheduled change's due instant).
   * An aborted `cancel` ends the sleep at once and takes it off the clock, so time no longer moves for it.
   */
  sleep(ms: number, cancel?: AbortSignal): Promise<void>;
  /** The calling execution waits on something outside time (a reviewer in another terminal). */
  waitOutside<T>(until: Promise<T>): Promise<T>;
  /**
   * Calls `fire` once time has passed `at`, as a Task's TimeoutSeconds does on Step Functions. A deadline does not
   * move time by itself (a parked execution is not a sleeper): it fires when other waits move the clock past it.
   * Returns the cancel.
   */
  deadline(at: Date, fire: () => void): () => void;
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
  private sleepers: Array<{ at: number; seq: number; wake: () => void }> = [];
  private deadlines: Array<{ at: number; fire: () => void }> = [];
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

  sleep(ms: number, cancel?: AbortSignal): Promise<void> {
    if (!(ms > 0) || cancel?.aborted) return Promise.resolve();
    return new Promise((wake) => {
      // The clock holds whole milliseconds, as a Date does: a wait of 227,812.5 ms (a retry's backoff, 30 s ×
      // 1.5^5) wakes at the first one not before its instant, or the clock would stop just short of it for good.
      const sleeper = { at: Math.ceil(this.clock.now().getTime() + ms), seq: this.seq++, wake };
      this.sleepers.push(sleeper);
      cancel?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          wake();
        },
        { once: true },
      );
      this.advanceIfAllWait();
    });
  }

  deadline(at: Date, fire: () => void): () => void {
    const entry = { at: at.getTime(), fire };
    this.deadlines.push(entry);
    return () => {
      this.deadlines = this.deadlines.filter((d) => d !== entry);
    };
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

  /**
   * How many executions are in the pipeline, how many of them wait on the clock and how many wait outside it;
   * time moves only while the last two add up to the first.
   */
  get load(): { members: number; sleeping: number; outside: number } {
    return { members: this.members, sleeping: this.sleepers.length, outside: this.outside };
  }

  private advanceIfAllWait(): void {
    if (this.sleepers.length === 0 || this.sleepers.length + this.outside < this.members) return;
    this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = this.sleepers[0]?.at ?? this.clock.now().getTime();
    this.clock.advanceTo(new Date(next));
    const now = this.clock.now().getTime();
    // Deadlines passed fire first, as a task's timeout does with the jump that reaches it.
    const expired = this.deadlines.filter((d) => d.at <= now);
    this.deadlines = this.deadlines.filter((d) => d.at > now);
    for (const deadline of expired) deadline.fire();
    while (this.sleepers.length > 0 && (this.sleepers[0]?.at ?? Number.POSITIVE_INFINITY) <= now) {
      this.sleepers.shift()?.wake();
    }
  }
}

/** The longest delay setTimeout honours; a longer one fires at once. */
const maxTimerMs = 2 ** 31 - 1;

/**
 * Wall-clock time for people who want to watch a real rollout (`ITV_CLOCK=wall`): a wait takes its real
 * duration, and the stack's clock moves at the pace of real time from its own instant — during a wait too, however
 * many overlap (a home whose clock ran ahead in virtual runs keeps its lead).
 */
export class WallClockScheduler implements Scheduler {
  constructor(private readonly clock: VirtualClock) {
    const offset = clock.now().getTime() - Date.now();
    clock.follow(() => Date.now() + offset);
  }

  join(): () => void {
    return () => {};
  }

  async sleep(ms: number, cancel?: AbortSignal): Promise<void> {
    if (!(ms > 0) || cancel?.aborted) return;
    const start = Date.now();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(ms, maxTimerMs));
      cancel?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    const elapsed = Date.now() - start;
    // setTimeout takes at most 2^31 - 1 ms (about 24.8 days): a longer wait sleeps again for the rest.
    if (ms - elapsed > 0 && !cancel?.aborted) await this.sleep(ms - elapsed, cancel);
  }

  waitOutside<T>(until: Promise<T>): Promise<T> {
    return until;
  }

  deadline(at: Date, fire: () => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    const arm = (remaining: number) => {
      const delay = Math.max(0, Math.min(remaining, maxTimerMs));
      const armedAt = Date.now();
      timer = setTimeout(() => {
        const left = remaining - (Date.now() - armedAt);
        if (left > 0) return arm(left);
        this.clock.advanceTo(at);
        fire();
      }, delay);
      // A park's deadline alone does not keep the process alive.
      timer.unref();
    };
    arm(at.getTime() - this.clock.now().getTime());
    return () => clearTimeout(timer);
  }
}
