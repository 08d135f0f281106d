import type { LedgerEntry, LedgerStore, StoredEntry } from '../ports/ledger-store.js';
import type { StateStore } from '../ports/state-store.js';
import { VersionConflictError } from './errors.js';
import { stateKeys } from './state-keys.js';
import { type ConcludedIntent, concludedIntents, valueEndings } from './value-report.js';

/*
 * The value view: what `GET /value` answers from instead of the whole ledger. One summary item per concluded
 * intent (or one that failed before concluding: `valueEndings`) in the state store (`stateKeys.concludedSummary`), made by `concludedIntents` from that intent's own
 * entries, and a marker (`stateKeys.valueSummarized`) saying up to which seq every conclusion has one. Each
 * request first catches the view up from the marker: it reads only the entries appended since, summarizes the
 * conclusions among them, then moves the marker.
 *
 * Guarantees.
 * - A summary holds what `concludedIntents` over the whole ledger holds for that conclusion: its figures come
 *   from the intent's entries (its declaration's value model, its release and roll-back instants), which are all
 *   written before its conclusion, and for a later attempt its previous attempt's, concluded before it began.
 * - Idempotent: a summary is the same whoever writes it and however often, so a request that dies between a
 *   summary and the marker, or two that race, leave the view right; the next request writes it again.
 * - The marker moves forward only: its write is conditional on the version read, and a request that loses that
 *   race leaves it to the winner (whose summaries are the same).
 * - On AWS the intent's entries come through the byIntent index, which can lag an append by a moment: a
 *   conclusion whose own entry the index does not show yet stops the catch-up before it, for a later request.
 * - Bounded: one request reads at most `maxEntries` entries and writes at most `maxSummaries` summaries, so the
 *   first request on a year of ledger cannot outrun API Gateway's 29 s; until the view has caught up the answer
 *   says so (`catchingUp`).
 */

export interface ValueViewDeps {
  ledger: LedgerStore;
  state: StateStore;
  ledgerName: string;
}

/** How much of the ledger one request summarizes at most. */
export interface CatchUpBounds {
  maxEntries: number;
  maxSummaries: number;
}

/**
 * A summary costs a Query and a write, 16 at a time; 1,000 of them and 20,000 entries read in pages of 500 take
 * seconds on DynamoDB, not the tens API Gateway would cut off.
 */
export const catchUpBounds: CatchUpBounds = { maxEntries: 20_000, maxSummaries: 1_000 };

/** Entries read per ledger Query while catching up. */
const pageEntries = 500;
/** Conclusions summarized at once: each is a Query of its intent's entries and a write. */
const parallelSummaries = 16;

/** The summary item of one concluded intent: its record and the seq of its `intent.concluded` entry. */
export interface ConcludedSummary {
  seq: number;
  intent: ConcludedIntent;
}

/** The marker item: every conclusion below `nextSeq` is summarized, and its intents carry `tags`. */
interface SummarizedMarker {
  nextSeq: number;
  tags: string[];
}

/** How far the view reaches: all of the ledger, or (`catchingUp`) the entries up to `summarizedThroughSeq`. */
export interface ValueViewReach {
  tags: string[];
  catchingUp?: { summarizedThroughSeq: number; ledgerSize: number };
}

/**
 * The sort key of a conclusion's summary: its instant as `toISOString()` (so string order is time order and a
 * window `since`/`until` is a key range), its intent and its seq (unique).
 *
 * @example concludedSummarySortKey('2026-11-02T09:00:00+01:00', 'a', 7) // '2026-11-02T08:00:00.000Z#a#7'
 */
export function concludedSummarySortKey(concludedAt: string, intentId: string, seq: number): string {
  return `${new Date(concludedAt).toISOString()}#${intentId}#${seq}`;
}

/** Summarizes the conclusions appended since the marker, within the bounds, and moves the marker past them. */
export async function catchUpValueView(
  deps: ValueViewDeps,
  bounds: CatchUpBounds = catchUpBounds,
): Promise<ValueViewReach> {
  const { ledger, state, ledgerName } = deps;
  const key = stateKeys.valueSummarized(ledgerName);
  const marker = await state.get<SummarizedMarker>(key.pk, key.sk);
  const start = marker?.data.nextSeq ?? 0;
  const tags = new Set(marker?.data.tags ?? []);
  const end = start + bounds.maxEntries;
  let next = start;
  let summaries = 0;
  let stopped = false;
  let atHead = false;
  // The entries of each intent declared since the marker, as the pages bring them: its summary is made from them
  // rather than read again through the intent index (which read each entry twice, and may lag).
  const declaredSince = new Map<string, StoredEntry[]>();
  // Page by page, so a request that reaches its summaries' bound has not read far past them.
  while (!stopped && !atHead && next < end) {
    const asked = Math.min(end, next + pageEntries) - next;
    const page = await ledger.read(ledgerName, next, next + asked);
    atHead = page.length < asked;
    for (const stored of page) {
      const own = declaredSince.get(stored.entry.intentId);
      if (own) own.push(stored);
      else if (stored.entry.type === 'intent.declared') declaredSince.set(stored.entry.intentId, [stored]);
    }
    // A failure may end an intent (`valueEndings`): each is a candidate, and its summary says whether it does.
    const conclusions = page
      .map(({ entry }) => entry)
      .filter((entry) => entry.type === 'intent.concluded' || entry.type === 'stage.failed');
    const taken = conclusions.slice(0, bounds.maxSummaries - summaries);
    const made = await inParallel(taken, (entry) =>
      summaryOf(ledger, ledgerName, entry, declaredSince.get(entry.intentId)),
    );
    const lagging = made.indexOf(undefined);
    const done = (lagging === -1 ? made : made.slice(0, lagging)) as Array<ConcludedSummary | 'ends-nothing'>;
    const kept = done.filter((made): made is ConcludedSummary => made !== 'ends-nothing');
    await inParallel(kept, (summary) => {
      const { concludedAt, intentId } = summary.intent;
      const item = stateKeys.concludedSummary(
        ledgerName,
        concludedSummarySortKey(concludedAt, intentId, summary.seq),
      );
      return state.put<ConcludedSummary>(item.pk, item.sk, summary);
    });
    for (const summary of kept) for (const tag in summary.intent.tags) tags.add(tag);
    summaries += done.length;
    // The first conclusion left unsummarized (its index lags, or the bound is reached) is where the next begins.
    const left = conclusions[done.length];
    if (left !== undefined) {
      next = left.seq;
      stopped = true;
    } else next = page.length > 0 ? page[page.length - 1]!.entry.seq + 1 : next;
  }
  const known = [...tags].sort();
  if (next > start) {
    try {
      await state.put<SummarizedMarker>(key.pk, key.sk, { nextSeq: next, tags: known }, marker?.version ?? 0);
    } catch (error) {
      // Another request moved it first: from the same entries, to the same summaries.
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
  if (atHead && !stopped) return { tags: known };
  const head = await ledger.head(ledgerName);
  const ledgerSize = head === undefined ? 0 : head.entry.seq + 1;
  return next >= ledgerSize
    ? { tags: known }
    : { tags: known, catchingUp: { summarizedThroughSeq: next - 1, ledgerSize } };
}

/**
 * The record of the conclusion at `concluded` (or of the failure that ended its intent), from its intent's
 * entries: those the pages brought from its declaration on (`read`), or else through the intent index; undefined
 * while the index lags; `ends-nothing` for a `stage.failed` that followed the intent's end (`valueEndings`).
 */
async function summaryOf(
  ledger: LedgerStore,
  ledgerName: string,
  concluded: LedgerEntry,
  read?: readonly StoredEntry[],
): Promise<ConcludedSummary | 'ends-nothing' | undefined> {
  const own = read ?? (await ledger.forIntent(ledgerName, concluded.intentId));
  if (!own.some(({ entry }) => entry.seq === concluded.seq)) return undefined;
  const conclusions = valueEndings(own).map(({ entry }) => entry.seq);
  if (!conclusions.includes(concluded.seq)) return 'ends-nothing';
  // A later attempt's delay counts from its previous attempt's conclusion: that attempt's entries are read too.
  const previous = previousAttemptOf(own);
  const before = previous === undefined ? [] : await ledger.forIntent(ledgerName, previous);
  const intent = concludedIntents([...before, ...own]).filter((c) => c.intentId === concluded.intentId)[
    conclusions.indexOf(concluded.seq)
  ];
  return intent === undefined ? undefined : { seq: concluded.seq, intent };
}

/** The id the previous attempt of this intent ran under, when its declaration names one. */
function previousAttemptOf(own: readonly StoredEntry[]): string | undefined {
  const declared = own.find(({ entry }) => entry.type === 'intent.declared')?.entry.payload as
    | { attempt?: { previousIntentId?: unknown } }
    | undefined;
  const previous = declared?.attempt?.previousIntentId;
  return typeof previous === 'string' ? previous : undefined;
}

/** `work` over the items, `parallelSummaries` at a time, results in the items' order. */
async function inParallel<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += parallelSummaries) {
    results.push(...(await Promise.all(items.slice(i, i + parallelSummaries).map(work))));
  }
  return results;
}
