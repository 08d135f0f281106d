import type { StoredEntry } from '../ports/ledger-store.js';
import { deploymentEventReadPayload, intentConcludedPayload, payloadOf } from './ledger/entry-payloads.js';

/**
 * The $/hour report: value per hour, time to value and cost of delay aggregated over any combination of
 * grouping dimensions (intent tags from the enterprise taxonomy, plus service, kind, tier and outcome), and
 * the four DORA figures, all computed from the ledger alone.
 */
export interface ConcludedIntent {
  intentId: string;
  outcome: string;
  service: string | null;
  kind: string | null;
  tier: number | null;
  tags: Record<string, string>;
  valuePerHourUsd: number;
  costOfDelayUsd: number;
  timeToValueSeconds: number | null;
  concludedAt: string;
  /** Seconds from the first rollback event to the rollback's completion, for rolled-back intents. */
  restoreSeconds: number | null;
}

export interface ValueGroup {
  key: Record<string, string>;
  intents: number;
  released: number;
  /** Sum of value per hour of the released intents: the value now flowing. */
  valuePerHourUsd: number;
  costOfDelayUsd: number;
  medianTimeToValueSeconds: number | null;
}

export interface DoraFigures {
  /** Median seconds from declaration to released value. */
  leadTimeSeconds: number | null;
  deploymentsPerDay: number | null;
  /** Rolled back / (released + rolled back). */
  changeFailureRate: number | null;
  timeToRestoreSeconds: number | null;
}

const builtIn: Record<string, (c: ConcludedIntent) => string> = {
  service: (c) => c.service ?? '-',
  kind: (c) => c.kind ?? '-',
  tier: (c) => (c.tier === null ? '-' : String(c.tier)),
  outcome: (c) => c.outcome,
};

/** One record per concluded intent, read from its `intent.concluded` entry and its release events. */
export function concludedIntents(entries: readonly StoredEntry[]): ConcludedIntent[] {
  const rollback = new Map<string, { started?: number; completed?: number }>();
  for (const { entry } of entries) {
    if (entry.type === 'release.rollback-started' || entry.type === 'release.rollback-completed') {
      const times = rollback.get(entry.intentId) ?? {};
      const at = Date.parse(payloadOf(entry, deploymentEventReadPayload).at ?? entry.timestamp);
      if (entry.type === 'release.rollback-started') times.started ??= at;
      else times.completed = at;
      rollback.set(entry.intentId, times);
    }
  }
  return entries
    .filter(({ entry }) => entry.type === 'intent.concluded')
    .map(({ entry }) => {
      const p = payloadOf(entry, intentConcludedPayload);
      const times = rollback.get(entry.intentId);
      return {
        intentId: entry.intentId,
        outcome: String(p.outcome ?? 'unknown'),
        service: p.service ?? null,
        kind: p.kind ?? null,
        tier: p.tier ?? null,
        tags: p.tags ?? {},
        valuePerHourUsd: Number(p.valuePerHourUsd ?? 0),
        costOfDelayUsd: Number(p.costOfDelayUsd ?? 0),
        timeToValueSeconds: p.timeToValueSeconds ?? null,
        concludedAt: entry.timestamp,
        restoreSeconds:
          times?.started !== undefined && times.completed !== undefined
            ? Math.max(0, (times.completed - times.started) / 1000)
            : null,
      };
    });
}

/** Groups by the given dimensions (`region`, `service`, `team,quarter` …); an intent without a tag groups under `-`. */
export function valueReport(
  intents: readonly ConcludedIntent[],
  dimensions: readonly string[],
): ValueGroup[] {
  const groups = new Map<string, ConcludedIntent[]>();
  for (const intent of intents) {
    const key = dimensions.map((d) => (builtIn[d] ? builtIn[d](intent) : (intent.tags[d] ?? '-')));
    const id = JSON.stringify(key);
    groups.set(id, [...(groups.get(id) ?? []), intent]);
  }
  return [...groups.entries()]
    .map(([id, members]) => {
      const values = JSON.parse(id) as string[];
      const released = members.filter((m) => m.outcome === 'released');
      return {
        key: Object.fromEntries(dimensions.map((d, i) => [d, values[i] ?? '-'])),
        intents: members.length,
        released: released.length,
        valuePerHourUsd: released.reduce((sum, m) => sum + m.valuePerHourUsd, 0),
        costOfDelayUsd: members.reduce((sum, m) => sum + m.costOfDelayUsd, 0),
        medianTimeToValueSeconds: median(
          released.flatMap((m) => (m.timeToValueSeconds === null ? [] : [m.timeToValueSeconds])),
        ),
      };
    })
    .sort((a, b) => b.valuePerHourUsd - a.valuePerHourUsd);
}

/** DORA's four keys from the concluded intents. */
export function doraFigures(intents: readonly ConcludedIntent[]): DoraFigures {
  const released = intents.filter((i) => i.outcome === 'released');
  // A change held after a regression, by a person or because nobody decided, failed as a frozen one did.
  const failed = intents.filter(
    (i) => i.outcome === 'rolled-back' || i.outcome === 'frozen' || i.outcome === 'held',
  );
  const times = intents.map((i) => Date.parse(i.concludedAt)).sort((a, b) => a - b);
  const spanDays = times.length > 1 ? (times[times.length - 1]! - times[0]!) / 86_400_000 : 0;
  return {
    leadTimeSeconds: median(
      released.flatMap((i) => (i.timeToValueSeconds === null ? [] : [i.timeToValueSeconds])),
    ),
    deploymentsPerDay: spanDays > 0 ? released.length / spanDays : null,
    changeFailureRate:
      released.length + failed.length > 0 ? failed.length / (released.length + failed.length) : null,
    timeToRestoreSeconds: median(
      failed.flatMap((i) => (i.restoreSeconds === null ? [] : [i.restoreSeconds])),
    ),
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
