import { EMPTY_TREE_HASH, isHashHex, nodeHashBytes } from './hash.js';

/** Largest power of two strictly below n (n ≥ 2): the RFC 9162 split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Hex leaf hashes as 32-byte buffers; throws naming the first malformed one. */
export function leafBuffers(leafHashes: readonly string[]): Buffer[] {
  return leafHashes.map((hash, index) => {
    if (!isHashHex(hash)) throw new TypeError(`leafHashes[${index}]: must be 64 lower-case hex digits`);
    return Buffer.from(hash, 'hex');
  });
}

/** MTH of leaves[start, end), end > start, per RFC 9162 §2.1.1. */
export function subtreeHash(leaves: readonly Buffer[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 1) return leaves[start]!;
  const k = splitPoint(n);
  return nodeHashBytes(subtreeHash(leaves, start, start + k), subtreeHash(leaves, start + k, end));
}

/**
 * RFC 9162 Merkle tree hash over leaf hashes (not raw leaves), as lower-case hex; the empty tree hashes
 * to SHA-256 of nothing.
 */
export function merkleRoot(leafHashes: readonly string[]): string {
  if (leafHashes.length === 0) return EMPTY_TREE_HASH;
  const leaves = leafBuffers(leafHashes);
  return subtreeHash(leaves, 0, leaves.length).toString('hex');
}
