import { isHashHex, nodeHashBytes } from './hash.js';
import { leafBuffers, splitPoint, subtreeHash } from './merkle-tree.js';
import type { InclusionProof, ProofCheck } from './proof-types.js';

function auditPath(leaves: readonly Buffer[], index: number, start: number, end: number): Buffer[] {
  const n = end - start;
  if (n === 1) return [];
  const k = splitPoint(n);
  if (index < k) return [...auditPath(leaves, index, start, start + k), subtreeHash(leaves, start + k, end)];
  return [...auditPath(leaves, index - k, start + k, end), subtreeHash(leaves, start, start + k)];
}

function isSize(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/**
 * RFC 9162 §2.1.3.1 inclusion proof of leaf `leafIndex` in the tree of the first `treeSize` leaf hashes.
 * Throws `RangeError` when the index or size does not fit the leaves given.
 */
export function inclusionProof(
  leafHashes: readonly string[],
  leafIndex: number,
  treeSize: number = leafHashes.length,
): InclusionProof {
  if (!isSize(treeSize) || treeSize > leafHashes.length) {
    throw new RangeError(`treeSize ${treeSize} must be an integer in [1, ${leafHashes.length}]`);
  }
  if (!isSize(leafIndex) || leafIndex >= treeSize) {
    throw new RangeError(`leafIndex ${leafIndex} must be an integer in [0, ${treeSize - 1}]`);
  }
  const leaves = leafBuffers(leafHashes.slice(0, treeSize));
  const path = auditPath(leaves, leafIndex, 0, treeSize).map((hash) => hash.toString('hex'));
  return { leafIndex, treeSize, path };
}

/** Checks an inclusion proof for `leafHash` against `rootHash` with the RFC 9162 §2.1.3.2 algorithm. */
export function verifyInclusion(leafHash: string, proof: InclusionProof, rootHash: string): ProofCheck {
  const { leafIndex, treeSize, path } = proof;
  if (!isSize(treeSize) || !isSize(leafIndex))
    return { ok: false, reason: 'leafIndex and treeSize must be integers ≥ 0' };
  if (leafIndex >= treeSize)
    return { ok: false, reason: `leafIndex ${leafIndex} is not below treeSize ${treeSize}` };
  if (!isHashHex(leafHash) || !isHashHex(rootHash))
    return { ok: false, reason: 'leaf and root must be hex SHA-256' };
  if (!Array.isArray(path) || !path.every(isHashHex))
    return { ok: false, reason: 'path must hold hex SHA-256 hashes' };
  // Arithmetic rather than bit operators: sizes may exceed 2^31.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash, 'hex');
  for (const p of path) {
    if (sn === 0) return { ok: false, reason: 'path is longer than the tree is deep' };
    const sibling = Buffer.from(p, 'hex');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHashBytes(sibling, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHashBytes(r, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return { ok: false, reason: 'path is shorter than the tree is deep' };
  if (r.toString('hex') !== rootHash) return { ok: false, reason: 'recomputed root differs from rootHash' };
  return { ok: true };
}
