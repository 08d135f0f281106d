import type { ProgressEvent } from '../runtime/local-pipeline.js';

/**
 * What each intent's executions reported, stage by stage, for clients that follow an intent (`itv submit`
 * prints a line per stage). Bounded: it keeps the most recent `maxIntents` intents and `maxEvents` each, and
 * `sweep` drops the intents that stopped running more than `retainMs` ago, so a long-running control plane's
 * memory returns to where it was once its work is done. A follower that finds an intent's progress gone
 * reads its status from the ledger, as it does at the end of every execution.
 */
export class ProgressLog {
  private readonly byIntent = new Map<string, { events: ProgressEvent[]; lastAt: number }>();

  constructor(
    private readonly maxIntents = 1000,
    private readonly maxEvents = 500,
    private readonly retainMs = 30_000,
  ) {}

  record(event: ProgressEvent, now = Date.now()): void {
    if (!event.intentId) return;
    let entry = this.byIntent.get(event.intentId);
    if (!entry) {
      entry = { events: [], lastAt: now };
      this.byIntent.set(event.intentId, entry);
      const oldest = this.byIntent.keys().next().value;
      if (this.byIntent.size > this.maxIntents && oldest !== undefined) this.byIntent.delete(oldest);
    }
    entry.lastAt = now;
    if (entry.events.length < this.maxEvents) entry.events.push(event);
  }

  /** The intent's events from index `after` on. */
  since(intentId: string, after: number): ProgressEvent[] {
    return (this.byIntent.get(intentId)?.events ?? []).slice(Math.max(0, after));
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
