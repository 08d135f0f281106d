import { createHash, hash } from 'node:crypto';
import type { LedgerEntry } from '../../ports/ledger-store.js';
import { canonicalBytes } from './canonical-json.js';

// RFC 9162 §2.1.1 domain separation: a leaf can never be passed off as an interior node.
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);
// One reusable input for node hashes of two 32-byte children, the verifiers' hot path: one one-shot SHA-256
// over 65 bytes costs about half of a createHash/update/update/update/digest sequence. Safe because hashing
// is synchronous and JavaScript runs one call at a time.
const nodeInput = Buffer.alloc(65);
nodeInput[0] = 0x01;
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

/** RFC 9162 leaf hash of raw leaf bytes: SHA-256(0x00 ‖ data), 32 bytes. */
export function leafHashOfBytes(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** RFC 9162 interior node hash: SHA-256(0x01 ‖ left ‖ right), 32 bytes. */
export function nodeHashBytes(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return hash('sha256', nodeInput, 'buffer');
}

/** Interior node hash over two lower-case hex hashes, as lower-case hex. */
export function nodeHash(leftHex: string, rightHex: string): string {
  return nodeHashBytes(Buffer.from(leftHex, 'hex'), Buffer.from(rightHex, 'hex')).toString('hex');
}

/** Leaf hash of a ledger entry: lower-case hex SHA-256(0x00 ‖ JCS(entry)). */
export function leafHash(entry: LedgerEntry): string {
  return leafHashOfBytes(canonicalBytes(entry)).toString('hex');
}
