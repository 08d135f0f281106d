import type { ProgressEvent } from '../runtime/local-pipeline.js';

/** An intent's events from a number on, and how many before the first of them the log no longer holds. */
export interface ProgressRead {
  events: ProgressEvent[];
  /** Events between the number asked for and the first returned that the log dropped (its newest are kept). */
  skipped: number;
}

/**
 * What each intent's executions reported, stage by stage, for clients that follow an intent (`itv submit`
 * prints a line per stage). Events are numbered from an intent's first, and a follower asks for those after
 * the last it read. Bounded: it keeps the most recent `maxIntents` intents and the newest `maxEvents` events
 * of each, counting those it drops, and `sweep` drops the intents that stopped running more than `retainMs`
 * ago, so a long-running control plane's memory returns to where it was once its work is done. A long run
 * goes past `maxEvents`: a queued intent re-checks its admission (4 events) whenever any intent on the control
 * plane concludes, and a release is polled (2 events) up to once a minute. A follower that keeps up reads every
 * event however many there are; one that starts late is told how many it missed (`skipped`). A follower that
 * finds an intent's progress gone reads its status from the ledger, as it does at the end of every execution.
 */
export class ProgressLog {
  private readonly byIntent = new Map<string, { events: ProgressEvent[]; dropped: number; lastAt: number }>();

  constructor(
    private readonly maxIntents = 1000,
    private readonly maxEvents = 500,
    private readonly retainMs = 30_000,
  ) {}

  record(event: ProgressEvent, now = Date.now()): void {
    if (!event.intentId) return;
    let entry = this.byIntent.get(event.intentId);
    if (!entry) {
      entry = { events: [], dropped: 0, lastAt: now };
      this.byIntent.set(event.intentId, entry);
      const oldest = this.byIntent.keys().next().value;
      if (this.byIntent.size > this.maxIntents && oldest !== undefined) this.byIntent.delete(oldest);
    }
    entry.lastAt = now;
    entry.events.push(event);
    // Past the bound the oldest goes, counted: what a follower reads next is always the newest.
    if (entry.events.length > this.maxEvents) {
      entry.events.shift();
      entry.dropped++;
    }
  }

  /**
   * The intent's events numbered `after` and later (counted from its first) that the log still holds, its newest
   * `maxEvents`. `skipped` counts those before them it no longer holds, so a reader can say so and ask
   * next for `after + skipped + events.length`.
   */
  since(intentId: string, after: number): ProgressRead {
    const entry = this.byIntent.get(intentId);
    if (!entry) return { events: [], skipped: 0 };
    const start = Math.max(0, after, entry.dropped);
    return { events: entry.events.slice(start - entry.dropped), skipped: start - Math.max(0, after) };
  }

  /** Drops the progress of intents not running whose last event is older than the retention. */
  sweep(isRunning: (intentId: string) => boolean, now = Date.now()): number {
    let dropped = 0;
    for (const [intentId, entry] of this.byIntent) {
      if (now - entry.lastAt >= this.retainMs && !isRunning(intentId)) {
        this.byIntent.delete(intentId);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.byIntent.size;
  }
}
