import { isHashHex, nodeHashInto } from './hash.js';
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
  return verifyConsistencyPath(
    oldSize,
    newSize,
    path.map((hash) => Buffer.from(hash, 'hex')),
    Buffer.from(oldRoot, 'hex'),
    Buffer.from(newRoot, 'hex'),
  );
}

/**
 * The RFC 9162 §2.1.4.2 check on 32-byte hashes, for 0 < oldSize < newSize: the auditor's form, with no hex
 * in between (`verifyConsistency` checks the JSON form and calls it).
 */
export function verifyConsistencyPath(
  oldSize: number,
  newSize: number,
  path: readonly Buffer[],
  oldRoot: Buffer,
  newRoot: Buffer,
): ProofCheck {
  if (path.length === 0) return { ok: false, reason: 'path is empty' };
  // An old tree that is a complete subtree is itself the first node of the proof (step 2).
  const nodes = isPowerOfTwo(oldSize) ? [oldRoot, ...path] : path;
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (!nodes.every((node) => node.length === 32))
    return { ok: false, reason: 'path must hold 32-byte hashes' };
  // Both roots are folded in place.
  const fr = Buffer.from(nodes[0]!);
  const sr = Buffer.from(nodes[0]!);
  for (let index = 1; index < nodes.length; index++) {
    const c = nodes[index]!;
    if (sn === 0) return { ok: false, reason: 'path is longer than the trees are deep' };
    if (fn % 2 === 1 || fn === sn) {
      nodeHashInto(c, 0, fr, 0, fr, 0);
      nodeHashInto(c, 0, sr, 0, sr, 0);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      nodeHashInto(sr, 0, c, 0, sr, 0);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return { ok: false, reason: 'path is shorter than the trees are deep' };
  if (!fr.equals(oldRoot)) return { ok: false, reason: 'recomputed old root differs from oldRoot' };
  if (!sr.equals(newRoot)) return { ok: false, reason: 'recomputed new root differs from newRoot' };
  return { ok: true };
}
