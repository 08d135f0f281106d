import { canonicalJson } from '../ledger/canonical-json.js';
import { leafHashInPlace } from '../ledger/hash.js';
import type { CheckpointSource, LedgerAudit } from './audit-result.js';
import { LedgerAuditor, SIGNED_ENTRY_TYPES, type SignedPart } from './ledger-auditor.js';

/*
 * The export reader's fast path. An export line is the RFC 8785 text of `{ "entry": E, "hash": H }`, so the
 * bytes of JCS(E) sit inside it verbatim: the leaf hash is taken over them in place, straight into the
 * auditor's leaf log, and seq, prevHash, ledger and hash are compared on the bytes at the positions canonical
 * key order puts them. Of a signed entry only the payload is parsed, for its signature. A line that does not
 * have exactly that layout, or whose checks fail, is parsed in full instead, which names the fault: the fast
 * path never reports one itself.
 *
 * Both paths bind every byte of a line: its leaf hash must be the stored hash, which the next entry's prevHash
 * and the signed roots bind in turn, so no edit passes either. A line the fast path does not take is parsed in
 * full and must be byte for byte the RFC 8785 text of what it parses to (no other spacing, key order, escapes
 * or CR), as the documented third-party checks read it; a blank line is malformed too.
 */

const token = (text: string) => Buffer.from(text, 'latin1');
const ENTRY_OPEN = token('{"entry":{"idempotencyKey":"');
const INTENT_KEY = token('","intentId":"');
const LEDGER_KEY = token('","ledger":"');
const PAYLOAD_KEY = token('","payload":{');
const PREV_KEY = token('},"prevHash":"');
const SEQ_KEY = token('","seq":');
const TIMESTAMP_KEY = token(',"timestamp":"');
const TYPE_KEY = token('","type":"');
const HASH_KEY = token('},"hash":"');
const ENTRY_OFFSET = '{"entry":'.length;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
/** The two lower-case hex digits of each byte value, the first in the low 8 bits. */
const HEX_PAIRS = Uint16Array.from({ length: 256 }, (_, b) => {
  const digits = b.toString(16).padStart(2, '0');
  return digits.charCodeAt(0) | (digits.charCodeAt(1) << 8);
});
const GENESIS = Buffer.alloc(32);
const SIGNED_TYPES = [...SIGNED_ENTRY_TYPES].map((type) => ({ type, bytes: token(type) }));

/** Whether the 64 hex digits at `bytes[at]` spell the 32 bytes at `hash[offset]` (lower case): no string made. */
function hexMatches(bytes: Buffer, at: number, hash: Buffer, offset: number): boolean {
  for (let i = 0; i < 32; i++) {
    if ((bytes[at + 2 * i]! | (bytes[at + 2 * i + 1]! << 8)) !== HEX_PAIRS[hash[offset + i]!]) return false;
  }
  return true;
}

function matches(bytes: Buffer, at: number, expected: Buffer): boolean {
  if (at < 0 || at + expected.length > bytes.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

/** Index of the quote closing the JSON string that starts at `at` (before `end`), or -1. */
function stringEnd(bytes: Buffer, at: number, end: number): number {
  let quote = bytes.indexOf(QUOTE, at);
  while (quote !== -1 && quote < end) {
    // A quote preceded by an odd number of backslashes is escaped and does not close the string.
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = bytes.indexOf(QUOTE, quote + 1);
  }
  return -1;
}

function isTypeChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The decimal integer in bytes[start, end) written as RFC 8785 writes it (no leading zero), or -1. */
function canonicalInteger(bytes: Buffer, start: number, end: number): number {
  if (end - start > 15 || end === start || (end - start > 1 && bytes[start] === ZERO)) return -1;
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + bytes[i]! - ZERO;
  return value;
}

/** Checks one canonical line in place; false sends it to the full parse. Restores every byte it touches. */
function readFast(
  bytes: Buffer,
  start: number,
  end: number,
  auditor: LedgerAuditor,
  ledger: Buffer,
): boolean {
  if (!matches(bytes, start, ENTRY_OPEN)) return false;
  let at = stringEnd(bytes, start + ENTRY_OPEN.length, end);
  if (!matches(bytes, at, INTENT_KEY)) return false;
  at = stringEnd(bytes, at + INTENT_KEY.length, end);
  if (!matches(bytes, at, LEDGER_KEY) || !matches(bytes, at + LEDGER_KEY.length, ledger)) return false;
  const payloadOpen = at + LEDGER_KEY.length + ledger.length;
  if (!matches(bytes, payloadOpen, PAYLOAD_KEY)) return false;
  const floor = payloadOpen + PAYLOAD_KEY.length;
  // The tail, read backwards: },"hash":"H"}  then  ,"prevHash":"P","seq":N,"timestamp":"T","type":"Y"}
  const hashStart = end - 66;
  if (bytes[end - 1] !== 0x7d || bytes[end - 2] !== QUOTE || !matches(bytes, hashStart - 10, HASH_KEY))
    return false;
  const entryEnd = hashStart - 9;
  if (bytes[entryEnd - 2] !== QUOTE) return false;
  let q = entryEnd - 3;
  while (q > floor && isTypeChar(bytes[q]!)) q--;
  if (q === entryEnd - 3 || !matches(bytes, q - 9, TYPE_KEY)) return false;
  let r = q - 10;
  while (r > floor && bytes[r] !== QUOTE && bytes[r] !== BACKSLASH) r--;
  if (!matches(bytes, r - 13, TIMESTAMP_KEY)) return false;
  const digitsEnd = r - 13;
  let d = digitsEnd - 1;
  while (d > floor && isDigit(bytes[d]!)) d--;
  const digitsStart = d + 1;
  const seq = auditor.nextSeq;
  if (canonicalInteger(bytes, digitsStart, digitsEnd) !== seq) return false;
  if (!matches(bytes, digitsStart - 8, SEQ_KEY)) return false;
  const prevStart = digitsStart - 72;
  if (prevStart - 14 < floor || !matches(bytes, prevStart - 14, PREV_KEY)) return false;
  const leaves = auditor.leafBuffer;
  const previous = seq === 0 ? GENESIS : leaves;
  if (!hexMatches(bytes, prevStart, previous, seq === 0 ? 0 : 32 * (seq - 1))) return false;
  const typeLength = entryEnd - 2 - (q + 1);
  let signed: SignedPart | undefined;
  for (const { type, bytes: name } of SIGNED_TYPES) {
    if (name.length !== typeLength || !matches(bytes, q + 1, name)) continue;
    // The payload object, from its brace to the brace before ,"prevHash": only what the signature check reads.
    try {
      signed = { type, payload: JSON.parse(bytes.toString('utf8', floor - 1, prevStart - 13)) };
    } catch {
      return false;
    }
  }
  // SHA-256(0x00 ‖ JCS(entry)) in one call, into the leaf's slot: the byte before the entry (the ':' of
  // "entry":) is borrowed for the 0x00.
  const slot = auditor.reserveLeaf();
  const entryStart = start + ENTRY_OFFSET;
  leafHashInPlace(bytes.subarray(entryStart - 1, entryEnd), auditor.leafBuffer, slot);
  if (!hexMatches(bytes, hashStart, auditor.leafBuffer, slot)) return false;
  return auditor.addReservedLeaf(signed);
}

/**
 * Verifies a ledger export (JSON Lines, one RFC 8785 `{ "entry", "hash" }` a line, in seq order) with only the
 * public key, plus any signed checkpoints kept outside it (the evidence store's). `bytes` is borrowed: one
 * byte per line is changed and restored while its leaf is hashed.
 */
export function auditExport(
  bytes: Buffer,
  publicKeySpkiDer: Uint8Array,
  options: {
    checkpoints?: readonly CheckpointSource[];
    /** Filled with how many lines took each path. */
    stats?: { fast: number; full: number };
  } = {},
): LedgerAudit {
  const auditor = new LedgerAuditor(publicKeySpkiDer, {
    checkpoints: options.checkpoints,
    // No export line is shorter than about 256 bytes (two hashes, a prevHash and the keys around them).
    expectedEntries: bytes.length / 256,
  });
  let ledger: Buffer | undefined;
  let start = 0;
  let line = 0;
  while (start < bytes.length && !auditor.failed) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    line++;
    if (end > start && ledger && readFast(bytes, start, end, auditor, ledger)) {
      if (options.stats) options.stats.fast++;
    } else if (end > start) {
      if (options.stats) options.stats.full++;
      readFull(bytes.toString('utf8', start, end), line, auditor);
      if (ledger === undefined && auditor.ledger !== undefined)
        ledger = Buffer.from(auditor.ledger, 'latin1');
    } else if (end < bytes.length) {
      auditor.addMalformed(`line ${line} is empty: an export holds one entry a line, with no blank lines`);
    }
    start = end + 1;
  }
  return auditor.finish();
}

function readFull(text: string, line: number, auditor: LedgerAuditor): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    auditor.addMalformed(`line ${line} is not JSON: ${(error as Error).message}`);
    return;
  }
  // The line is the RFC 8785 text of { entry, hash } or it is not a line of an export: the documented third-party
  // checks hash the entry's bytes as they stand, and this verifier must not pass what they fail.
  let canonical: string | undefined;
  try {
    canonical = canonicalJson(value);
  } catch {
    canonical = undefined;
  }
  if (canonical !== text) {
    auditor.addMalformed(
      `line ${line} is not the RFC 8785 text of its entry and hash (spacing, key order, line ending or escapes differ), which every export line is`,
    );
    return;
  }
  auditor.addStored(value);
}
