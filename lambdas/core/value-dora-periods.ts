import { type ConcludedIntent, isDeployedChange, isFailedChange, median } from './value-report.js';
import type { ValueWindow } from './value-window.js';

/**
 * DORA's four figures per period — a day when the window is a month or shorter, a week (from Monday, UTC)
 * otherwise — computed as `doraFigures` computes them over the whole window. The periods run from the first
 * conclusion's to the last one's; a period without a conclusion has zero deployments and no other figure.
 */
export interface DoraPeriod {
  /** The period's first instant and the next period's (exclusive), UTC. */
  from: string;
  to: string;
  released: number;
  failed: number;
  /** Released changes per day of the period. */
  deploymentsPerDay: number;
  /**
   * Median seconds to released value, counted from the declaration or, for a change scheduled for later
   * (`notBefore`, a future timestamp), from its due instant: the wait its requester chose is not lead time.
   */
  leadTimeSeconds: number | null;
  /** failed / changes that reached users (`isFailedChange`, `isDeployedChange`). */
  changeFailureRate: number | null;
  /** Median seconds from a failed release's start to its rollback's end. */
  timeToRestoreSeconds: number | null;
}

export interface DoraOverTime {
  period: 'day' | 'week';
  /**
   * What the periods cover: the window asked for, each open bound closed by the first or last conclusion; null
   * when nothing concluded. The ledger's timestamps: on the local runtime, its virtual clock's. `days` and
   * `spanDays` as `DoraFigures.window` has them: the days a per-day rate over the whole window is counted over (at
   * least one), and the window's length in days, which decides day or week periods.
   */
  window: { from: string; to: string; days: number; spanDays: number } | null;
  periods: DoraPeriod[];
}

const day = 86_400_000;
/** The longest window still shown by day. */
export const dailyUpToDays = 31;

/** @example doraOverTime(intents, { since: null, until: null }).periods[0] // { from: '2026-11-02T00:00:00.000Z', … } */
export function doraOverTime(intents: readonly ConcludedIntent[], asked: ValueWindow): DoraOverTime {
  if (intents.length === 0) return { period: 'day', window: null, periods: [] };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const times = new Float64Array(intents.length);
  intents.forEach((intent, i) => {
    const at = Date.parse(intent.concludedAt);
    times[i] = at;
    if (at < first) first = at;
    if (at > last) last = at;
  });
  const from = asked.since === null ? first : Date.parse(asked.since);
  const to = asked.until === null ? last : Date.parse(asked.until);
  const spanDays = (to - from) / day;
  const period = spanDays <= dailyUpToDays ? 'day' : 'week';
  const length = period === 'day' ? day : 7 * day;
  const start = period === 'day' ? startOfDay(first) : startOfWeek(first);
  const count = Math.floor((last - start) / length) + 1;
  const buckets = Array.from({ length: count }, () => [] as ConcludedIntent[]);
  intents.forEach((intent, i) => {
    buckets[Math.floor((times[i]! - start) / length)]!.push(intent);
  });
  return {
    period,
    window: {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      days: Math.max(1, spanDays),
      spanDays,
    },
    periods: buckets.map((members, i) => periodFigures(members, start + i * length, length)),
  };
}

function periodFigures(members: readonly ConcludedIntent[], from: number, length: number): DoraPeriod {
  const released = members.filter((m) => m.outcome === 'released');
  const failed = members.filter(isFailedChange);
  const deployed = members.filter(isDeployedChange).length;
  return {
    from: new Date(from).toISOString(),
    to: new Date(from + length).toISOString(),
    released: released.length,
    failed: failed.length,
    deploymentsPerDay: released.length / (length / day),
    leadTimeSeconds: median(
      released.flatMap((m) => (m.timeToValueSeconds === null ? [] : [m.timeToValueSeconds])),
    ),
    changeFailureRate: deployed > 0 ? failed.length / deployed : null,
    timeToRestoreSeconds: median(
      failed.flatMap((m) => (m.restoreSeconds === null ? [] : [m.restoreSeconds])),
    ),
  };
}

function startOfDay(at: number): number {
  return Math.floor(at / day) * day;
}

/** Monday 00:00 UTC of the instant's ISO week (1970-01-01 was a Thursday). */
function startOfWeek(at: number): number {
  const midnight = startOfDay(at);
  const weekday = (new Date(midnight).getUTCDay() + 6) % 7;
  return midnight - weekday * day;
}
