import * as z from 'zod';
import type { LedgerEntry, LedgerEntryDraft, StoredEntry } from '../../ports/ledger-store.js';
import { InvalidInputError } from '../errors.js';
import { canonicalJson } from './canonical-json.js';
import { GENESIS_PREV_HASH, leafHashOfText } from './hash.js';

const hashHex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
export const LEDGER_NAME = /^[A-Za-z0-9._-]{1,128}$/;
export const EVENT_TYPE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;
/** RFC 3339 with seconds and an offset or `Z`. */
export const timestampSchema = z.iso.datetime({ offset: true });

/** Ledger names never hold `#`, which the DynamoDB adapter keeps for its own bookkeeping partitions. */
export const ledgerNameSchema = z
  .string()
  .regex(LEDGER_NAME, 'must be 1-128 letters, digits, ".", "_" or "-"');

export const ledgerEntryDraftSchema = z.strictObject({
  intentId: z.string().min(1).max(256),
  type: z.string().regex(EVENT_TYPE, 'must be a dotted lower-case event type'),
  // DynamoDB keys hold at most 2048 bytes; the store indexes `${ledger}#${idempotencyKey}`.
  idempotencyKey: z.string().min(1).max(256),
  timestamp: timestampSchema,
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
  const parsedLedger = ledgerNameSchema.safeParse(ledger);
  if (!parsedLedger.success) {
    throw new InvalidInputError(`ledger name "${ledger}" is invalid`, issuesOf(parsedLedger.error));
  }
  const parsed = ledgerEntryDraftSchema.safeParse(draft);
  if (!parsed.success) throw new InvalidInputError('ledger entry draft is invalid', issuesOf(parsed.error));
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
  // Keys in RFC 8785 order: a payload whose keys are too is then written by JSON.stringify (`canonicalJson`).
  const entry: LedgerEntry = {
    idempotencyKey: draft.idempotencyKey,
    intentId: draft.intentId,
    ledger,
    payload: draft.payload,
    prevHash: head === undefined ? GENESIS_PREV_HASH : head.hash,
    seq: head === undefined ? 0 : head.entry.seq + 1,
    timestamp: draft.timestamp,
    type: draft.type,
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
