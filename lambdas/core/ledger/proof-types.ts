/** RFC 9162 §2.1.3 audit path of leaf `leafIndex` in the tree of the first `treeSize` leaves. */
export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  /** Lower-case hex node hashes, from the leaf's sibling up towards the root. */
  path: string[];
}

/** RFC 9162 §2.1.4 proof that the tree of `oldSize` leaves is a prefix of the tree of `newSize` leaves. */
export interface ConsistencyProof {
  oldSize: number;
  newSize: number;
  /** Lower-case hex node hashes, as produced by SUBPROOF(oldSize, D[newSize], true). */
  path: string[];
}

/** Outcome of checking a proof: `reason` says which step failed, for people and logs. */
export type ProofCheck = { ok: true } | { ok: false; reason: string };
