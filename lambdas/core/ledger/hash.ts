import { createHash, hash } from 'node:crypto';
import type { LedgerEntry, StoredEntry } from '../../ports/ledger-store.js';
import { deepFreeze } from '../deep-freeze.js';
import { canonicalJson } from './canonical-json.js';

// RFC 9162 §2.1.1 domain separation: a leaf can never be passed off as an interior node.
const LEAF_PREFIX = 0x00;
const NODE_BYTE = 0x01;
const NODE_PREFIX = Buffer.from([NODE_BYTE]);
// One reusable input for node hashes of two 32-byte children, the verifiers' hot path. Safe because hashing
// is synchronous and JavaScript runs one call at a time.
const nodeInput = Buffer.alloc(65);
nodeInput[0] = NODE_BYTE;
const HASH_HEX = /^[0-9a-f]{64}$/;

/** `prevHash` of entry 0: 64 zeros. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

/** The Merkle tree hash of an empty tree: SHA-256 of nothing (RFC 9162 §2.1.1). */
export const EMPTY_TREE_HASH = createHash('sha256').digest('hex');

/** True when `value` is a lower-case hex SHA-256 digest. */
export function isHashHex(value: unknown): value is string {
  return typeof value === 'string' && HASH_HEX.test(value);
}

/** SHA-256 of bytes, as 32 bytes. */
export function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/**
 * SHA-256 of `input` written as 32 bytes at `out[offset]`. node:crypto's one-shot hash spends more time
 * allocating the Buffer it returns than hashing 65 bytes; asked for a 'binary' (latin1) string, one character
 * per byte and lossless, it allocates none, and the 32 characters are copied where they belong — by a loop,
 * which for 32 bytes costs less than Buffer.write's checks and native call.
 */
function sha256Into(input: Uint8Array, out: Buffer, offset: number): void {
  const digest = hash('sha256', input, 'binary');
  for (let i = 0; i < 32; i++) out[offset + i] = digest.charCodeAt(i);
}

/**
 * SHA-256 of `prefix` followed by `view` after its first byte, written as 32 bytes at `out[offset]` (which must
 * not hold `view[0]`). The first byte is borrowed: it is the prefix while the bytes are hashed, then restored,
 * so data already in place is hashed without a copy.
 */
function prefixedHashInPlace(view: Buffer, prefix: number, out: Buffer, offset: number): void {
  const borrowed = view[0]!;
  view[0] = prefix;
  sha256Into(view, out, offset);
  view[0] = borrowed;
}

/** RFC 9162 leaf hash of `view` after its first byte (the raw leaf data), borrowing that byte for 0x00. */
export function leafHashInPlace(view: Buffer, out: Buffer, offset: number): void {
  prefixedHashInPlace(view, LEAF_PREFIX, out, offset);
}

/** RFC 9162 node hash of the two 32-byte hashes after `view`'s first byte, borrowing that byte for 0x01. */
export function nodeHashInPlace(view: Buffer, out: Buffer, offset: number): void {
  prefixedHashInPlace(view, NODE_BYTE, out, offset);
}

/** The same as a fresh Buffer (from Node's small-buffer pool, not an allocation of its own). */
function sha256Pooled(input: Uint8Array): Buffer {
  return Buffer.from(hash('sha256', input, 'binary'), 'latin1');
}

/** RFC 9162 leaf hash of raw leaf bytes: SHA-256(0x00 ‖ data), 32 bytes. */
export function leafHashOfBytes(data: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(data.length + 1);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256Pooled(input);
}

/**
 * RFC 9162 leaf hash of `text`'s UTF-8 bytes, as lower-case hex: the leaf of an entry whose RFC 8785 text it is.
 * A string is encoded by the hash itself: no Buffer of the text, and none of the prefixed copy, is made (RFC 8785
 * text holds no lone surrogate, so its UTF-8 bytes are exactly the text's).
 */
export function leafHashOfText(text: string): string {
  return hash('sha256', `\u0000${text}`, 'hex');
}

/** RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right), 32 bytes. */
export function nodeHashBytes(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return sha256Pooled(nodeInput);
}

/**
 * RFC 9162 interior node hash of the 32-byte hashes at `left[leftOffset]` and `right[rightOffset]`, written at
 * `out[outOffset]` (which may be where either child was read from).
 */
export function nodeHashInto(
  left: Buffer,
  leftOffset: number,
  right: Buffer,
  rightOffset: number,
  out: Buffer,
  outOffset: number,
): void {
  left.copy(nodeInput, 1, leftOffset, leftOffset + 32);
  right.copy(nodeInput, 33, rightOffset, rightOffset + 32);
  sha256Into(nodeInput, out, outOffset);
}

/** Interior node hash over two lower-case hex hashes, as lower-case hex. */
export function nodeHash(leftHex: string, rightHex: string): string {
  return nodeHashBytes(Buffer.from(leftHex, 'hex'), Buffer.from(rightHex, 'hex')).toString('hex');
}

/**
 * The RFC 8785 text and leaf hash of entries that can no longer change, by identity: only `sealedEntry` adds to
 * it, for an entry it parsed from the canonical text the hash was taken over and froze whole. The pipeline reads back entries it
 * has just written (SignCheckpoint checks the chain of every entry it signs, a bundle every entry it seals): an
 * entry kept as written is then not canonicalized and hashed again for each reader.
 */
const sealed = new WeakMap<LedgerEntry, { text: string; hash: string }>();

/** RFC 8785 text of a ledger entry: a sealed entry's is the text it was parsed from. */
export function entryText(entry: LedgerEntry): string {
  return sealed.get(entry)?.text ?? canonicalJson(entry);
}

/** Leaf hash of a ledger entry: lower-case hex SHA-256(0x00 ‖ JCS(entry)). */
export function leafHash(entry: LedgerEntry): string {
  return sealed.get(entry)?.hash ?? leafHashOfText(canonicalJson(entry));
}

/**
 * The entry whose RFC 8785 text is `text`, as a new object frozen whole, with `hash`: the leaf hash taken over
 * those very bytes (as `linkEntry` returns both), which `leafHash` then answers without hashing again, as
 * `entryText` answers the text.
 */
export function sealedEntry(text: string, hash: string): StoredEntry {
  const entry = deepFreeze(JSON.parse(text) as LedgerEntry);
  sealed.set(entry, { text, hash });
  return Object.freeze({ entry, hash });
}

/**
 * An entry as its RFC 8785 text and leaf hash, sealed (`sealedEntry`) at its first read and the same object at every
 * read after: for a writer that keeps what it wrote for reads that may never come. Making one costs an object of
 * three fields: no parse, no freeze, no closure.
 */
export class SealedOnRead {
  private sealed: StoredEntry | undefined;

  constructor(
    private readonly text: string,
    readonly hash: string,
  ) {}

  /** `sealedEntry(text, hash)`, made at the first call; a text that is not JSON throws here. */
  get stored(): StoredEntry {
    this.sealed ??= sealedEntry(this.text, this.hash);
    return this.sealed;
  }
}
