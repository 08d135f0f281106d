import type { LedgerEntry } from '../../ports/ledger-store.js';
import { ledgerPayloads, payloadOf } from '../ledger/entry-payloads.js';

/** How much of the time before a release its metric series shows: the baseline the release is judged against. */
export const baselineLeadMs = 10 * 60_000;

const startedPart = ledgerPayloads['release.started'].pick({ service: true, startedAt: true }).loose();

/** The service and start of an intent's first deployment (`release.started`), if a release started. */
export function firstReleaseStart(
  entries: readonly LedgerEntry[],
): { service: string; startedAt: string } | undefined {
  const started = entries.find((entry) => entry.type === 'release.started');
  return started ? payloadOf(started, startedPart) : undefined;
}

/**
 * The window an intent's monitored metrics are drawn over: from `baselineLeadMs` before its first deployment
 * started to its conclusion, or to `now` while it is still in flight. Undefined before any release started.
 */
export function releaseWindow(
  entries: readonly LedgerEntry[],
  now: Date,
): { service: string; from: Date; to: Date } | undefined {
  const started = firstReleaseStart(entries);
  if (!started) return undefined;
  const { service, startedAt } = started;
  const startMs = Date.parse(startedAt);
  const concluded = entries.find((entry) => entry.type === 'intent.concluded');
  const to = concluded ? Date.parse(concluded.timestamp) : Math.max(now.getTime(), startMs);
  return { service, from: new Date(startMs - baselineLeadMs), to: new Date(to) };
}
