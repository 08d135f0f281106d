import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { LedgerStore, StoredEntry } from '../../ports/ledger-store.js';
import { InvalidInputError } from '../errors.js';
import { intentConcludedPayload, ledgerPayloads } from '../ledger/entry-payloads.js';
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
  /**
   * Set when the page ended because the walk read as much of the ledger as one page may (`walkLimit`), not
   * because it was full: the timestamp of the oldest entry it read. Fewer items than asked (none, even) then
   * mean only that nothing newer matched; `nextCursor` searches on from there.
   */
  searchedBackTo?: string;
}

/** The parts of an `intent.declared` payload a list reads, parsed where they are read. */
const declaredParts = z.looseObject({
  intent: z
    .looseObject({
      authority: z.looseObject({ team: z.string().optional() }).optional(),
      change: z.looseObject({ service: z.string().optional() }).optional(),
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
 * Every status an intent can show (`intentStatus`): `in-flight` (any that has not concluded), the waits and
 * phases it names, every outcome, and the type of the last step recorded, which is its status between them
 * (`admission.queued`, `structure.validated` …). A check report and the conclusion never are: the status
 * skips the one and shows the outcome for the other.
 */
export const listableStatuses: readonly string[] = [
  ...new Set([
    'in-flight',
    'awaiting-review',
    'awaiting-checks',
    'awaiting-decision',
    'releasing',
    'registering-contract',
    'preempted',
    'failed',
    ...outcomes,
    ...Object.keys(ledgerPayloads).filter((type) => type !== 'check.reported' && type !== 'intent.concluded'),
  ]),
];

/** Short names people type for a status, and the status each stands for. */
export const statusAliases: Readonly<Record<string, string>> = {
  queued: 'admission.queued',
  scheduled: 'admission.scheduled',
};

/**
 * The statuses people filter by, in the order a form offers them: where an intent waits or stands, then how it
 * ended. Any other status an intent shows is the type of its latest step, which a filter also accepts.
 */
export const filterableStatuses: readonly string[] = [
  ...new Set([
    'in-flight',
    'awaiting-review',
    'awaiting-checks',
    'awaiting-decision',
    'queued',
    'scheduled',
    'releasing',
    'registering-contract',
    'preempted',
    ...outcomes,
  ]),
];

/**
 * A status as a filter names it: its alias when it has one, else itself.
 * Example: `statusFilterName('admission.queued')` is `'queued'`.
 */
export function statusFilterName(status: string): string {
  return Object.entries(statusAliases).find(([, stands]) => stands === status)?.[0] ?? status;
}

/**
 * The statuses a filter names, aliases resolved; `InvalidInputError` naming `status` and listing the statuses
 * people filter by for a status no intent can have, which would otherwise match nothing and look like an empty
 * ledger.
 * Example: `statusFilter(['queued', 'released'])` is `['admission.queued', 'released']`.
 */
export function statusFilter(named: readonly string[]): string[] {
  const unknown = named.filter(
    (status) => !listableStatuses.includes(status) && aliasOf(status) === undefined,
  );
  if (unknown.length > 0) {
    const aliases = Object.entries(statusAliases)
      .map(([alias, status]) => `${alias} for ${status}`)
      .join(', ');
    throw new InvalidInputError('invalid intent list query', [
      {
        path: 'status',
        message: `must be one of ${filterableStatuses.join(', ')} (${aliases}; or the type of an intent's latest ledger step), comma separated; not ${unknown.map((status) => `"${status.slice(0, 40)}"`).join(', ')}`,
      },
    ]);
  }
  return [...new Set(named.map((status) => aliasOf(status) ?? status))];
}

/** The status an alias stands for: the table's own keys only, as `constructor` is every object's and no alias. */
function aliasOf(name: string): string | undefined {
  return Object.hasOwn(statusAliases, name) ? statusAliases[name] : undefined;
}

/** The value of a tag the intent declared itself; a name every object inherits (`constructor`) is no tag. */
function ownTag(tags: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return tags !== undefined && Object.hasOwn(tags, key) ? tags[key] : undefined;
}

/**
 * The service a filter names, which must be one of the catalog's: `InvalidInputError` naming `service` and
 * listing the known ones otherwise, as `statusFilter` does, where the list would match nothing and look empty.
 * Example: `serviceFilter('launch-flags', catalog.services)` is `'launch-flags'`.
 */
export function serviceFilter(named: string, services: Readonly<Record<string, unknown>>): string {
  return catalogName(named, services, 'service', 'is not in the service catalog; known services');
}

/** The team a filter names, which must be one of the catalog's, as `serviceFilter` for services. */
export function teamFilter(named: string, teams: Readonly<Record<string, unknown>>): string {
  return catalogName(named, teams, 'team', 'is not a team of the catalog; known teams');
}

function catalogName(
  named: string,
  known: Readonly<Record<string, unknown>>,
  field: string,
  notKnown: string,
): string {
  if (Object.hasOwn(known, named)) return named;
  const names = Object.keys(known).sort();
  const shown = names.length > 30 ? [...names.slice(0, 30), `and ${names.length - 30} more`] : names;
  throw new InvalidInputError('invalid intent list query', [
    { path: field, message: `"${named.slice(0, 40)}" ${notKnown}: ${shown.join(', ') || 'none'}` },
  ]);
}

/** What a list reads of the ledger: a range of it, its head, and one intent's entries. */
export type LedgerReads = Pick<LedgerStore, 'read' | 'head' | 'forIntent'>;

/** Entries read per step of the walk back from the head. */
const walkChunk = 500;
/**
 * The most entries one page walks: a filter that matches few intents answers within this much reading, with
 * what it found and a cursor to search on, rather than walking the whole ledger in one request.
 */
export const walkLimit = 20_000;
/** One intent's entries are fetched this many at a time. */
const fetchWidth = 16;

/**
 * Intents of the ledger, newest first, filtered and cut into pages of `limit`. The cursor names the position
 * of the last intent handed out (the sequence number of its first entry), so a page is stable while new
 * intents arrive: they come before the first page, never inside a later one.
 *
 * The ledger is walked back from the head (or the cursor) a chunk at a time, and each intent met is read whole
 * through the by-intent index: once the walk has passed below an intent's first entry, every intent declared
 * after it has been met, so it can be handed out in order. A page therefore reads about as much of the ledger
 * as its intents span, not the whole ledger. A filter that matches few intents stops after `walkLimit` entries
 * with the page it has (`searchedBackTo`), and its cursor walks on from there.
 * Example: `await listIntents(ledger, 'main', { status: ['in-flight'] }, { limit: 20 })`.
 */
export async function listIntents(
  ledger: LedgerReads,
  ledgerName: string,
  filter: IntentListFilter,
  page: { limit: number; cursor?: string; chunk?: number; walkLimit?: number },
): Promise<IntentPage> {
  const before =
    page.cursor === undefined ? Number.POSITIVE_INFINITY : decodeCursor(page.cursor, filterKey(filter));
  const head = await ledger.head(ledgerName);
  if (!head) return { items: [] };
  // Every intent whose first entry lies below `position` is still to be met.
  let position = Math.min(head.entry.seq + 1, before);
  const walk = new WalkedIntents(filter);
  const found: Array<{ first: number; intentId: string; own: StoredEntry[] }> = [];
  const items: IntentSummary[] = [];
  let last: number | undefined;
  let walkedCount = 0;
  let oldestWalked: string | undefined;
  for (;;) {
    found.sort((a, b) => b.first - a.first);
    while (found.length > 0 && found[0]!.first >= position) {
      const next = found.shift()!;
      const summary = summarize(next.intentId, next.own);
      if (!summary || !matches(summary, filter)) continue;
      if (items.length === page.limit) return { items, nextCursor: encodeCursor(last!, filter) };
      items.push(summary);
      last = next.first;
    }
    if (position === 0 && walk.pending.size === 0) return { items };
    if (position > 0 && walkedCount >= (page.walkLimit ?? walkLimit)) {
      // Every intent whose first entry is at or above `position` has been handed out or ruled out above.
      return { items, nextCursor: encodeCursor(position, filter), searchedBackTo: oldestWalked! };
    }
    let wanted: string[];
    let walked: StoredEntry[] = [];
    if (position === 0) {
      // Intents met whose declaration never came (none, on a ledger only the pipeline wrote): read them now.
      wanted = [...walk.pending];
      walk.pending.clear();
    } else {
      const from = Math.max(0, position - (page.chunk ?? walkChunk));
      walked = await ledger.read(ledgerName, from, position);
      position = from;
      walkedCount += walked.length;
      oldestWalked = walked[0]?.entry.timestamp ?? oldestWalked;
      wanted = walk.meet(walked);
    }
    for (let i = 0; i < wanted.length; i += fetchWidth) {
      const ids = wanted.slice(i, i + fetchWidth);
      const owns = await Promise.all(ids.map((id) => ledger.forIntent(ledgerName, id)));
      ids.forEach((intentId, j) => {
        // An index that has not caught up yet: what the walk read of the intent stands in for it.
        const own = owns[j]!.length > 0 ? owns[j]! : walked.filter((s) => s.entry.intentId === intentId);
        const first = own[0]?.entry.seq;
        if (first !== undefined && first < before) found.push({ first, intentId, own });
      });
    }
  }
}

/** The entry types an intent's first entry has: the door records one of them before anything else. */
const declarations: ReadonlySet<string> = new Set([
  'intent.declared',
  'intent.incomplete',
  'request.refused',
]);

/**
 * What the walk back has seen of each intent. Walking back, an intent's declaration comes after all its later
 * entries, so when it is met the walk knows whether (and how) the intent concluded; the filters that its
 * declaration and its conclusion settle are applied there, and only the intents that may match are read whole.
 */
class WalkedIntents {
  /** Intents met, not yet declared in what was walked, with the outcome their latest conclusion names. */
  readonly pending = new Set<string>();
  private readonly outcomes = new Map<string, string>();
  private readonly done = new Set<string>();

  constructor(private readonly filter: IntentListFilter) {}

  /** Takes a chunk of the walk (ascending); returns the intents to read whole. */
  meet(chunk: readonly StoredEntry[]): string[] {
    const wanted: string[] = [];
    for (let i = chunk.length - 1; i >= 0; i--) {
      const { entry } = chunk[i]!;
      const id = entry.intentId;
      if (this.done.has(id)) continue;
      this.pending.add(id);
      if (entry.type === 'intent.concluded' && !this.outcomes.has(id)) {
        const outcome = intentConcludedPayload.safeParse(entry.payload).data?.outcome;
        if (outcome !== undefined) this.outcomes.set(id, outcome);
      }
      if (!declarations.has(entry.type)) continue;
      this.pending.delete(id);
      this.done.add(id);
      if (this.mayMatch(entry, this.outcomes.get(id))) wanted.push(id);
    }
    return wanted;
  }

  /** False only when the declaration or the conclusion already rules the intent out. */
  private mayMatch(declaration: StoredEntry['entry'], outcome: string | undefined): boolean {
    const { filter } = this;
    // A later declaration is no earlier than the first: before `since`, so is the first.
    if (filter.since !== undefined && Date.parse(declaration.timestamp) < filter.since.getTime())
      return false;
    if (filter.status && filter.status.length > 0 && outcome !== undefined) {
      if (!filter.status.some((wanted) => wanted !== 'in-flight' && wanted === outcome)) return false;
    }
    if (declaration.type !== 'intent.declared') return true;
    const parts = declaredParts.safeParse(declaration.payload).data?.intent;
    const service = parts?.change?.service;
    if (filter.service !== undefined && service !== filter.service) return false;
    if (filter.team !== undefined && parts?.authority?.team !== filter.team) return false;
    for (const [key, value] of Object.entries(filter.tags ?? {}))
      if (ownTag(parts?.tags, key) !== value) return false;
    return true;
  }
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
  for (const [key, value] of Object.entries(filter.tags ?? {}))
    if (ownTag(summary.tags, key) !== value) return false;
  if (filter.status && filter.status.length > 0) {
    const inFlight = summary.outcome === null && !concludedStatuses.has(summary.status);
    return filter.status.some((wanted) => (wanted === 'in-flight' ? inFlight : summary.status === wanted));
  }
  return true;
}

/**
 * The filter as a cursor remembers it: a digest of its canonical form (statuses as a set, tags in key order),
 * so the cursor stays short and opaque, and a page size may change between pages while the filter may not.
 */
function filterKey(filter: IntentListFilter): string {
  const canonical = JSON.stringify([
    [...new Set(filter.status ?? [])].sort(),
    filter.service ?? null,
    filter.team ?? null,
    filter.since?.toISOString() ?? null,
    Object.entries(filter.tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('base64url').slice(0, 16);
}

function encodeCursor(seq: number, filter: IntentListFilter): string {
  return Buffer.from(JSON.stringify({ v: 2, before: seq, filter: filterKey(filter) }), 'utf8').toString(
    'base64url',
  );
}

const cursorSchema = z.union([
  z.strictObject({ v: z.literal(2), before: z.number().int().nonnegative(), filter: z.string() }),
  // Handed out before cursors remembered their filter: taken as they were.
  z.strictObject({ v: z.literal(1), before: z.number().int().nonnegative() }),
]);

/** Where the cursor's page ended; `InvalidInputError` naming `cursor` for a forged one or another filter's. */
function decodeCursor(cursor: string, filter: string): number {
  let decoded: z.infer<typeof cursorSchema>;
  try {
    decoded = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidInputError('the cursor is not one this API handed out', [
      { path: 'cursor', message: 'must be the nextCursor of an earlier page, as it was given' },
    ]);
  }
  if (decoded.v === 2 && decoded.filter !== filter) {
    // Another filter's position would skip or repeat intents of this one, silently.
    throw new InvalidInputError('the cursor was handed out for another filter', [
      {
        path: 'cursor',
        message:
          'was handed out for another filter: send it with the status, service, team, tag and since of the page that gave it',
      },
    ]);
  }
  return decoded.before;
}
