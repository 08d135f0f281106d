import type { Clock } from '../../../lambdas/ports/clock.js';

/**
 * One discrete-event clock for the whole emulated deployment: real time plus an offset that every emulated
 * Lambda process shares (it receives the offset with each invocation). Nothing waits in wall time: when no
 * work is running (every execution is asleep in a Wait, parked on a task token, or finished) the clock jumps
 * to the earliest sleeper's instant, so an 8-minute rollout with a 10-minute bake takes no wall time while
 * concurrent executions still see one consistent time.
 */
export class VirtualClock implements Clock {
  private offsetMs: number;
  private active = 0;
  private sleepers: Array<{ at: number; wake: () => void; fail: (error: unknown) => void }> = [];
  private advanceHooks: Array<(from: Date, to: Date) => Promise<void>> = [];
  private deadlines: Array<{ at: number; fire: () => void }> = [];
  private jumping = false;

  constructor(start: Date) {
    this.offsetMs = start.getTime() - Date.now();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Milliseconds to add to real time; emulated Lambda processes apply the same. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Runs `work` counted as activity: the clock does not jump while it runs. */
  async busy<T>(work: () => Promise<T>): Promise<T> {
    this.active += 1;
    try {
      return await work();
    } finally {
      this.idle();
    }
  }

  /** Marks the start of activity that ends with `idle()` (an execution between its waits). */
  enter(): void {
    this.active += 1;
  }

  idle(): void {
    this.active -= 1;
    this.scheduleJump();
  }

  /** Sleeps `ms` of virtual time; the caller must be active (it is idle while asleep, active again after). */
  async sleep(ms: number): Promise<void> {
    const at = this.now().getTime() + Math.max(0, ms);
    const woken = new Promise<void>((resolve, reject) =>
      this.sleepers.push({ at, wake: resolve, fail: reject }),
    );
    this.idle();
    await woken;
  }

  /**
   * Calls `fire` once the clock passes `at`, as a task's TimeoutSeconds does. A deadline does not pull the clock
   * forward by itself (a parked task is not a sleeper: time passes because something else waits, or a scenario
   * lets it pass); it fires with the jump that reaches it, before any sleeper wakes. Returns the cancel.
   */
  deadline(at: Date, fire: () => void): () => void {
    const entry = { at: at.getTime(), fire };
    this.deadlines.push(entry);
    return () => {
      this.deadlines = this.deadlines.filter((d) => d !== entry);
    };
  }

  /** Called with each jump before any sleeper wakes, e.g. to publish the metrics of the skipped minutes. */
  onAdvance(hook: (from: Date, to: Date) => Promise<void>): void {
    this.advanceHooks.push(hook);
  }

  private scheduleJump(): void {
    if (this.jumping) return;
    setImmediate(() => void this.jump());
  }

  private async jump(): Promise<void> {
    if (this.jumping || this.active > 0 || this.sleepers.length === 0) return;
    this.jumping = true;
    try {
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers[0]!;
      const from = this.now();
      if (next.at > from.getTime()) this.offsetMs += next.at - from.getTime();
      const to = this.now();
      // A hook that fails (metrics the services could not publish) fails every sleeper due now, rather than
      // leaving them asleep on a clock that has moved on.
      try {
        for (const hook of this.advanceHooks) await hook(from, to);
      } catch (error) {
        const due = this.sleepers.filter((sleeper) => sleeper.at <= to.getTime());
        this.sleepers = this.sleepers.filter((sleeper) => sleeper.at > to.getTime());
        this.active += due.length;
        for (const sleeper of due) sleeper.fail(error);
        return;
      }
      const expired = this.deadlines.filter((d) => d.at <= to.getTime());
      this.deadlines = this.deadlines.filter((d) => d.at > to.getTime());
      for (const deadline of expired) deadline.fire();
      const due = this.sleepers.filter((sleeper) => sleeper.at <= to.getTime());
      this.sleepers = this.sleepers.filter((sleeper) => sleeper.at > to.getTime());
      // Woken sleepers are active again before anything else may jump the clock.
      this.active += due.length;
      for (const sleeper of due) sleeper.wake();
    } finally {
      this.jumping = false;
    }
    if (this.active === 0) this.scheduleJump();
  }
}
