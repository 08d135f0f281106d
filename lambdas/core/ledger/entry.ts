import * as z from 'zod';
import type { LedgerEntry, LedgerEntryDraft, StoredEntry } from '../../ports/ledger-store.js';
import { InvalidInputError } from '../errors.js';
import { canonicalJson } from './canonical-json.js';
import { GENESIS_PREV_HASH, leafHashOfText } from './hash.js';

const hashHex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const LEDGER_NAME = /^[A-Za-z0-9._-]{1,128}$/;
const EVENT_TYPE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
/** RFC 3339 with seconds and an offset or `Z`: the pattern `z.iso.datetime({ offset: true })` tests. */
const TIMESTAMP = z.regexes.datetime({ offset: true });

/** Ledger names never hold `#`, which the DynamoDB adapter keeps for its own bookkeeping partitions. */
export const ledgerNameSchema = z
  .string()
  .regex(LEDGER_NAME, 'must be 1-128 letters, digits, ".", "_" or "-"');

export const ledgerEntryDraftSchema = z.strictObject({
  intentId: z.string().min(1).max(256),
  type: z.string().regex(EVENT_TYPE, 'must be a dotted lower-case event type'),
  // DynamoDB keys hold at most 2048 bytes; the store indexes `${ledger}#${idempotencyKey}`.
  idempotencyKey: z.string().min(1).max(256),
  timestamp: z.iso.datetime({ offset: true }),
  payload: z.record(z.string(), z.unknown()),
});

/** The exact shape of an entry: unknown fields are refused, since they would be hashed too. */
export const ledgerEntrySchema = ledgerEntryDraftSchema.extend({
  ledger: ledgerNameSchema,
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  prevHash: hashHex,
});

export const storedEntrySchema = z.strictObject({ entry: ledgerEntrySchema, hash: hashHex });

function issuesOf(error: z.ZodError): Array<{ path: string; message: string }> {
  // String(): a path may hold a symbol key, which join() would throw on.
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '$',
    message: issue.message,
  }));
}

/** Throws `InvalidInputError` naming each bad field of the ledger name or the draft. */
export function assertAppendable(ledger: string, draft: LedgerEntryDraft): void {
  // Every append asks this: what the schemas accept is recognised first without them (their parse costs several
  // times as much and leaves garbage), and anything else is left to them, to accept or to name what is wrong.
  if (plainlyAppendable(ledger, draft)) return;
  const parsedLedger = ledgerNameSchema.safeParse(ledger);
  if (!parsedLedger.success) {
    throw new InvalidInputError(`ledger name "${ledger}" is invalid`, issuesOf(parsedLedger.error));
  }
  const parsed = ledgerEntryDraftSchema.safeParse(draft);
  if (!parsed.success) throw new InvalidInputError('ledger entry draft is invalid', issuesOf(parsed.error));
}

const DRAFT_FIELDS = ['intentId', 'type', 'idempotencyKey', 'timestamp', 'payload'];

/**
 * True only for what `ledgerNameSchema` and `ledgerEntryDraftSchema` accept, by the same rules and patterns: a
 * plain object with exactly the draft's fields, each of the right form, and a payload that is a plain object with
 * string keys only. False leaves the case to the schemas (test/unit/ledger/entry-validation.property.test.ts holds
 * this to "never accepts what they refuse").
 */
function plainlyAppendable(ledger: unknown, draft: unknown): boolean {
  if (typeof ledger !== 'string' || !LEDGER_NAME.test(ledger)) return false;
  if (!isPlainRecord(draft)) return false;
  // A field left out is undefined below, which no test passes.
  for (const key in draft) if (!DRAFT_FIELDS.includes(key)) return false;
  const { intentId, type, idempotencyKey, timestamp, payload } = draft;
  return (
    isBoundedString(intentId) &&
    typeof type === 'string' &&
    EVENT_TYPE.test(type) &&
    isBoundedString(idempotencyKey) &&
    typeof timestamp === 'string' &&
    TIMESTAMP.test(timestamp) &&
    isPlainRecord(payload) &&
    Object.getOwnPropertySymbols(payload).length === 0
  );
}

const isBoundedString = (value: unknown) =>
  typeof value === 'string' && value.length >= 1 && value.length <= 256;

/** An object made by a literal or JSON.parse (or with a null prototype), with no property named `constructor`. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && !Object.hasOwn(value, 'constructor');
}

/**
 * The entry that follows `head` (or the genesis entry when `head` is undefined), with its leaf hash.
 * Throws `InvalidInputError` naming each bad field of the draft.
 */
export function chainEntry(ledger: string, draft: LedgerEntryDraft, head?: StoredEntry): StoredEntry {
  assertAppendable(ledger, draft);
  return linkEntry(ledger, draft, head).stored;
}

/**
 * `chainEntry` for a draft `assertAppendable` already passed, with the entry's RFC 8785 text: the one
 * canonicalization both its leaf hash and the stored item are made from.
 */
export function linkEntry(
  ledger: string,
  draft: LedgerEntryDraft,
  head?: StoredEntry,
): { stored: StoredEntry; text: string } {
  const entry: LedgerEntry = {
    ledger,
    seq: head === undefined ? 0 : head.entry.seq + 1,
    prevHash: head === undefined ? GENESIS_PREV_HASH : head.hash,
    intentId: draft.intentId,
    type: draft.type,
    idempotencyKey: draft.idempotencyKey,
    timestamp: draft.timestamp,
    payload: draft.payload,
  };
  const text = canonicalJson(entry);
  return { stored: { entry, hash: leafHashOfText(text) }, text };
}

/** Parses one stored entry from untrusted JSON (an export line, a bundle); throws `InvalidInputError`. */
export function parseStoredEntry(value: unknown): StoredEntry {
  const parsed = storedEntrySchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidInputError('stored ledger entry is malformed', issuesOf(parsed.error));
  return parsed.data as StoredEntry;
}
