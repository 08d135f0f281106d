import { isHashHex, nodeHashBytes } from './hash.js';
import { leafBuffers, splitPoint, subtreeHash } from './merkle-tree.js';
import type { ConsistencyProof, ProofCheck } from './proof-types.js';

function subproof(
  leaves: readonly Buffer[],
  m: number,
  start: number,
  end: number,
  complete: boolean,
): Buffer[] {
  const n = end - start;
  if (m === n) return complete ? [] : [subtreeHash(leaves, start, end)];
  const k = splitPoint(n);
  if (m <= k)
    return [...subproof(leaves, m, start, start + k, complete), subtreeHash(leaves, start + k, end)];
  return [...subproof(leaves, m - k, start + k, end, false), subtreeHash(leaves, start, start + k)];
}

function isPowerOfTwo(n: number): boolean {
  let p = 1;
  while (p < n) p *= 2;
  return p === n;
}

function isSize(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/**
 * RFC 9162 §2.1.4.1 proof that the first `oldSize` leaves are a prefix of the first `newSize` leaves.
 * The proof is empty when oldSize is 0 or equals newSize. Throws `RangeError` on impossible sizes.
 */
export function consistencyProof(
  leafHashes: readonly string[],
  oldSize: number,
  newSize: number = leafHashes.length,
): ConsistencyProof {
  if (!isSize(newSize) || newSize > leafHashes.length) {
    throw new RangeError(`newSize ${newSize} must be an integer in [0, ${leafHashes.length}]`);
  }
  if (!isSize(oldSize) || oldSize > newSize) {
    throw new RangeError(`oldSize ${oldSize} must be an integer in [0, ${newSize}]`);
  }
  if (oldSize === 0 || oldSize === newSize) return { oldSize, newSize, path: [] };
  const leaves = leafBuffers(leafHashes.slice(0, newSize));
  const path = subproof(leaves, oldSize, 0, newSize, true).map((hash) => hash.toString('hex'));
  return { oldSize, newSize, path };
}

/**
 * Checks a consistency proof between two tree heads with the RFC 9162 §2.1.4.2 algorithm. The empty tree
 * is consistent with every tree, and equal sizes need equal roots and an empty path.
 */
export function verifyConsistency(proof: ConsistencyProof, oldRoot: string, newRoot: string): ProofCheck {
  const { oldSize, newSize, path } = proof;
  if (!isSize(oldSize) || !isSize(newSize))
    return { ok: false, reason: 'oldSize and newSize must be integers ≥ 0' };
  if (oldSize > newSize) return { ok: false, reason: `oldSize ${oldSize} is above newSize ${newSize}` };
  if (!isHashHex(oldRoot) || !isHashHex(newRoot)) return { ok: false, reason: 'roots must be hex SHA-256' };
  if (!Array.isArray(path) || !path.every(isHashHex))
    return { ok: false, reason: 'path must hold hex SHA-256 hashes' };
  if (oldSize === newSize) {
    if (path.length !== 0) return { ok: false, reason: 'path must be empty for equal sizes' };
    return oldRoot === newRoot ? { ok: true } : { ok: false, reason: 'equal sizes with different roots' };
  }
  if (oldSize === 0) {
    return path.length === 0 ? { ok: true } : { ok: false, reason: 'path must be empty from the empty tree' };
  }
  if (path.length === 0) return { ok: false, reason: 'path is empty' };
  const nodes = path.map((hash) => Buffer.from(hash, 'hex'));
  // An old tree that is a complete subtree is itself the first node of the proof (step 2).
  if (isPowerOfTwo(oldSize)) nodes.unshift(Buffer.from(oldRoot, 'hex'));
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Buffer = nodes[0]!;
  let sr: Buffer = nodes[0]!;
  for (const c of nodes.slice(1)) {
    if (sn === 0) return { ok: false, reason: 'path is longer than the trees are deep' };
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHashBytes(c, fr);
      sr = nodeHashBytes(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHashBytes(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return { ok: false, reason: 'path is shorter than the trees are deep' };
  if (fr.toString('hex') !== oldRoot)
    return { ok: false, reason: 'recomputed old root differs from oldRoot' };
  if (sr.toString('hex') !== newRoot)
    return { ok: false, reason: 'recomputed new root differs from newRoot' };
  return { ok: true };
}
