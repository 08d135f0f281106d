import * as z from 'zod';
import type { StoredEntry } from '../../ports/ledger-store.js';
import { InvalidInputError } from '../errors.js';
import { outcomes } from './state.js';
import { type IntentStatus, intentStatus } from './status.js';

/** What `GET /intents` and `itv list` filter on; every field optional, all given must hold. */
export interface IntentListFilter {
  /** Statuses as `IntentStatus.status` says them; `in-flight` is every intent that has not concluded. */
  status?: readonly string[];
  service?: string;
  team?: string;
  /** Intents first recorded at or after this instant. */
  since?: Date;
  /** Tags the intent must carry, each with this value (`region=EU`). */
  tags?: Readonly<Record<string, string>>;
}

/** One intent in a list: what a person scanning what is in flight needs, without its steps. */
export interface IntentSummary extends Omit<IntentStatus, 'steps' | 'reasons'> {
  team: string | null;
  /** The intent's taxonomy tags as it declared them (`{}` when it declared none). */
  tags: Record<string, string>;
  /** When its first entry was recorded, and its latest. */
  declaredAt: string;
  updatedAt: string;
  lastStep: string;
}

export interface IntentPage {
  items: IntentSummary[];
  /** Opaque: hand it back as `cursor` for the next page; absent on the last. */
  nextCursor?: string;
}

/** The parts of an `intent.declared` payload a list reads, parsed where they are read. */
const declaredParts = z.looseObject({
  intent: z
    .looseObject({
      authority: z.looseObject({ team: z.string().optional() }).optional(),
      tags: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

/**
 * Statuses that mean the intent is over: every outcome (`outcomes`), and `failed`, which a stage failure shows
 * before RecordFailure concludes it. Everything else is in flight.
 */
const concludedStatuses: ReadonlySet<string> = new Set<string>([...outcomes, 'failed']);

/**
 * Intents of the ledger, newest first, filtered and cut into pages of `limit`. The cursor names the position
 * of the last intent handed out (the sequence number of its first entry), so a page is stable while new
 * intents arrive: they come before the first page, never inside a later one.
 * Example: `listIntents(entries, { status: ['in-flight'] }, { limit: 20 })`.
 */
export function listIntents(
  entries: readonly StoredEntry[],
  filter: IntentListFilter,
  page: { limit: number; cursor?: string },
): IntentPage {
  const before = page.cursor === undefined ? Number.POSITIVE_INFINITY : decodeCursor(page.cursor);
  const byIntent = new Map<string, StoredEntry[]>();
  for (const stored of entries) {
    const list = byIntent.get(stored.entry.intentId);
    if (list) list.push(stored);
    else byIntent.set(stored.entry.intentId, [stored]);
  }
  const newestFirst = [...byIntent.entries()]
    .filter(([, own]) => own[0]!.entry.seq < before)
    .sort(([, a], [, b]) => b[0]!.entry.seq - a[0]!.entry.seq);
  const items: IntentSummary[] = [];
  let last: number | undefined;
  for (const [intentId, own] of newestFirst) {
    const summary = summarize(intentId, own);
    if (!summary || !matches(summary, filter)) continue;
    if (items.length === page.limit) {
      return { items, nextCursor: encodeCursor(last!) };
    }
    items.push(summary);
    last = own[0]!.entry.seq;
  }
  return { items };
}

function summarize(intentId: string, own: StoredEntry[]): IntentSummary | undefined {
  const status = intentStatus(intentId, own);
  if (!status) return undefined;
  const { steps, reasons: _reasons, ...rest } = status;
  const declared = own.find((stored) => stored.entry.type === 'intent.declared')?.entry.payload;
  const parts = declared ? declaredParts.safeParse(declared).data?.intent : undefined;
  return {
    ...rest,
    team: parts?.authority?.team ?? null,
    tags: parts?.tags ?? {},
    declaredAt: steps[0]!.timestamp,
    updatedAt: steps[steps.length - 1]!.timestamp,
    lastStep: steps[steps.length - 1]!.type,
  };
}

function matches(summary: IntentSummary, filter: IntentListFilter): boolean {
  if (filter.service !== undefined && summary.service !== filter.service) return false;
  if (filter.team !== undefined && summary.team !== filter.team) return false;
  if (filter.since !== undefined && Date.parse(summary.declaredAt) < filter.since.getTime()) return false;
  for (const [key, value] of Object.entries(filter.tags ?? {})) if (summary.tags[key] !== value) return false;
  if (filter.status && filter.status.length > 0) {
    const inFlight = summary.outcome === null && !concludedStatuses.has(summary.status);
    return filter.status.some((wanted) => (wanted === 'in-flight' ? inFlight : summary.status === wanted));
  }
  return true;
}

function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ v: 1, before: seq }), 'utf8').toString('base64url');
}

const cursorSchema = z.strictObject({ v: z.literal(1), before: z.number().int().nonnegative() });

function decodeCursor(cursor: string): number {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))).before;
  } catch {
    throw new InvalidInputError('the cursor is not one this API handed out', [
      { path: 'cursor', message: 'must be the nextCursor of an earlier page, as it was given' },
    ]);
  }
}
