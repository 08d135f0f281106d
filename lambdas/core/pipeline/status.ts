import type { StoredEntry } from '../../ports/ledger-store.js';

export interface IntentStatus {
  intentId: string;
  title: string | null;
  service: string | null;
  /** `awaiting-review`, `releasing`, the outcome once concluded, or the last step recorded. */
  status: string;
  outcome: string | null;
  tier: number | null;
  timeToValueSeconds: number | null;
  valuePerHourUsd: number | null;
  steps: Array<{ seq: number; type: string; timestamp: string }>;
}

/** Summarizes an intent from its ledger entries alone: the ledger is the source of truth. */
export function intentStatus(intentId: string, entries: StoredEntry[]): IntentStatus | undefined {
  if (entries.length === 0) return undefined;
  const last = (type: string) =>
    [...entries].reverse().find((stored) => stored.entry.type.startsWith(type))?.entry;
  const declared = last('intent.declared')?.payload as {
    intent?: { title?: string; change?: { service?: string } };
  };
  const concluded = last('intent.concluded')?.payload as
    | { outcome: string; tier: number | null; timeToValueSeconds: number | null; valuePerHourUsd: number }
    | undefined;
  const admission = last('admission.')?.payload as { tier?: number } | undefined;
  const lastType = entries[entries.length - 1]!.entry.type;
  let status = lastType;
  if (concluded) status = concluded.outcome;
  else if (lastType === 'stage.failed') status = 'failed';
  else if (last('review.requested') && !last('review.approved') && !last('review.rejected'))
    status = 'awaiting-review';
  else if (last('release.')) status = 'releasing';
  return {
    intentId,
    title: declared?.intent?.title ?? null,
    service: declared?.intent?.change?.service ?? null,
    status,
    outcome: concluded?.outcome ?? null,
    tier: concluded?.tier ?? admission?.tier ?? null,
    timeToValueSeconds: concluded?.timeToValueSeconds ?? null,
    valuePerHourUsd: concluded?.valuePerHourUsd ?? null,
    steps: entries.map((stored) => ({
      seq: stored.entry.seq,
      type: stored.entry.type,
      timestamp: stored.entry.timestamp,
    })),
  };
}
