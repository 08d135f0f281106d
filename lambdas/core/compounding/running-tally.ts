import type { StateItem, StateStore } from '../../ports/state-store.js';
import { TransientError, VersionConflictError } from '../errors.js';

/*
 * A running tally: counts summed over one mark per intent, kept in one totals item, so reading it is one GetItem
 * and recording a mark is one conditional write on the totals whatever the number of intents before it.
 *
 * Guarantees (with no transactions, which dynalite lacks):
 * - Exact: the totals equal the sum over intents of each intent's latest mark, as a partition of one item per
 *   intent tallied in full would report. Setting a mark again replaces the intent's contribution; it never
 *   adds a second one.
 * - Idempotent across a retry after a partial failure. The totals carry the last intent folded in (`last`), and
 *   every writer first settles that intent's marker before its own conditional write moves the totals on.
 *   So for any intent, either it is `last` (its mark is there) or its marker holds what was counted for it: a
 *   retried stage reads which, and does not count again.
 * - Safe under concurrent writers: the totals move only by a put conditioned on the version read (a loser
 *   re-reads); markers move only forward, by the totals version they were folded in at (`appliedAt`).
 * - Readable history: a marker is the item the full-partition tally used to read, with `appliedAt` added. A
 *   state store from before running totals is folded into them once, on the first read or write that finds no
 *   totals item, by a conditional create.
 */

/** A count per name, e.g. `{ successes: 1, failures: 0 }`. */
export type Counts = Record<string, number>;

/** Where a tally lives and how one intent's mark counts. */
export interface TallySpec<M extends object> {
  /** The totals item. */
  totals: { pk: string; sk: string };
  /** The partition of per-intent markers, sk = intent id. */
  markers: string;
  /** Every count of the tally at zero: names the counts. */
  zero: Counts;
  /** What one intent's mark adds to the counts. */
  countsOf(mark: M): Counts;
}

/** A mark as stored, with the totals version it was folded in at (absent on items from before running totals). */
export type Marker<M extends object> = M & { appliedAt?: number };

interface Totals<M extends object> {
  counts: Counts;
  /** The intent folded in last and its mark, until the next writer settles its marker. */
  last: { intentId: string; mark: M } | null;
}

/** Rounds of read–fold–commit before giving up to the state machine's retry. */
export const maxTallyRounds = 50;

/** The tally's counts: one GetItem (plus, once, folding in a history kept before running totals). */
export async function readTally<M extends object>(state: StateStore, spec: TallySpec<M>): Promise<Counts> {
  return (await loadTotals(state, spec)).data.counts;
}

/**
 * Sets `intentId`'s mark and returns the counts with it folded in. Idempotent: setting the mark it already
 * counts writes nothing. Throws `TransientError` after `maxTallyRounds` lost races.
 */
export async function setMark<M extends object>(
  state: StateStore,
  spec: TallySpec<M>,
  intentId: string,
  mark: M,
): Promise<Counts> {
  for (let round = 1; round <= maxTallyRounds; round++) {
    const totals = await loadTotals(state, spec);
    const { last, counts } = totals.data;
    // The last intent's mark is in the totals; any other's counted mark is in its marker (settled by whoever
    // moved the totals past it).
    const isLast = last?.intentId === intentId;
    const marker = isLast ? undefined : ((await state.get<Marker<M>>(spec.markers, intentId)) ?? null);
    const counted = isLast ? last.mark : marker ? markOf(marker.data) : undefined;
    const delta = minus(spec.countsOf(mark), counted ? spec.countsOf(counted) : spec.zero);
    if (counted && Object.values(delta).every((d) => d === 0)) return counts;
    if (last && !isLast) {
      await settleMarker(state, spec, last.intentId, last.mark, totals.version);
    }
    let written: StateItem<Totals<M>>;
    try {
      written = await state.put<Totals<M>>(
        spec.totals.pk,
        spec.totals.sk,
        { counts: plus(counts, delta), last: { intentId, mark } },
        totals.version,
      );
    } catch (error) {
      if (error instanceof VersionConflictError) continue;
      throw error;
    }
    await settleMarker(state, spec, intentId, mark, written.version, marker);
    return written.data.counts;
  }
  throw new TransientError(
    `the tally ${spec.totals.pk}/${spec.totals.sk} lost ${maxTallyRounds} races for ${intentId}; retry the stage`,
  );
}

/**
 * Writes `intentId`'s marker as folded in at totals version `appliedAt`, unless a marker at that version or later
 * is already there: a helper that read old totals can never put an older mark back.
 */
async function settleMarker<M extends object>(
  state: StateStore,
  spec: TallySpec<M>,
  intentId: string,
  mark: M,
  appliedAt: number,
  /** The marker as read (null: absent); undefined when not read yet. */
  known?: StateItem<Marker<M>> | null,
): Promise<void> {
  let existing = known === undefined ? await state.get<Marker<M>>(spec.markers, intentId) : known;
  for (let round = 1; round <= maxTallyRounds; round++) {
    if (existing && (existing.data.appliedAt ?? 0) >= appliedAt) return;
    try {
      await state.put<Marker<M>>(spec.markers, intentId, { ...mark, appliedAt }, existing?.version ?? 0);
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      existing = await state.get<Marker<M>>(spec.markers, intentId);
    }
  }
  throw new TransientError(
    `the marker ${spec.markers}/${intentId} lost ${maxTallyRounds} races; retry the stage`,
  );
}

/**
 * The totals item; when there is none, the markers partition as the full tally read it, folded in once (a
 * conditional create: concurrent first readers agree on one). An empty history creates nothing: version 0.
 */
async function loadTotals<M extends object>(
  state: StateStore,
  spec: TallySpec<M>,
): Promise<StateItem<Totals<M>>> {
  const { pk, sk } = spec.totals;
  const found = await state.get<Totals<M>>(pk, sk);
  if (found) return found;
  const history = await state.list<Marker<M>>(spec.markers);
  const counts = history.reduce((sum, item) => plus(sum, spec.countsOf(markOf(item.data))), spec.zero);
  const folded: Totals<M> = { counts, last: null };
  if (history.length === 0) return { pk, sk, version: 0, data: folded };
  try {
    return await state.put<Totals<M>>(pk, sk, folded, 0);
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const created = await state.get<Totals<M>>(pk, sk);
    if (!created) throw new TransientError(`the tally ${pk}/${sk} vanished after it was created`);
    return created;
  }
}

function markOf<M extends object>(marker: Marker<M>): M {
  const { appliedAt: _, ...mark } = marker;
  return mark as M;
}

function plus(a: Counts, b: Counts): Counts {
  const sum: Counts = { ...a };
  for (const [name, value] of Object.entries(b)) sum[name] = (sum[name] ?? 0) + value;
  return sum;
}

function minus(a: Counts, b: Counts): Counts {
  return plus(a, Object.fromEntries(Object.entries(b).map(([name, value]) => [name, -value])));
}
