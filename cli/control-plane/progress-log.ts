import type { ProgressEvent } from '../runtime/local-pipeline.js';

/**
 * What each intent's executions reported, stage by stage, for clients that follow an intent (`itv submit`
 * prints a line per stage). Bounded: it keeps the most recent `maxIntents` intents and `maxEvents` each, so a
 * long-running control plane's memory does not grow with its history.
 */
export class ProgressLog {
  private readonly byIntent = new Map<string, ProgressEvent[]>();

  constructor(
    private readonly maxIntents = 1000,
    private readonly maxEvents = 500,
  ) {}

  record(event: ProgressEvent): void {
    if (!event.intentId) return;
    let events = this.byIntent.get(event.intentId);
    if (!events) {
      events = [];
      this.byIntent.set(event.intentId, events);
      const oldest = this.byIntent.keys().next().value;
      if (this.byIntent.size > this.maxIntents && oldest !== undefined) this.byIntent.delete(oldest);
    }
    if (events.length < this.maxEvents) events.push(event);
  }

  /** The intent's events from index `after` on. */
  since(intentId: string, after: number): ProgressEvent[] {
    return (this.byIntent.get(intentId) ?? []).slice(Math.max(0, after));
  }
}
