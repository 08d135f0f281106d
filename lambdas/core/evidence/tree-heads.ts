import { MerkleFrontier } from './frontier-tree.js';
import type { LeafLog } from './leaf-log.js';

/** The tree head at one size: the RFC 9162 root of the first `size` leaves. */
export interface TreeHead {
  size: number;
  root: string;
}

// Subtrees of 8 leaves and more are remembered (about one node per 4 leaves, 8 MB for a million), so
// consistency proofs between checkpoints reuse the walk's hashes instead of rehashing every leaf a second time.
const REMEMBERED_HEIGHT = 3;

/**
 * Builds the Merkle tree as leaves arrive and keeps the head at every size asked for before the walk
 * passes it: one node hash per leaf on average, and no second pass over the ledger.
 */
export class TreeHeads {
  readonly at = new Map<number, TreeHead>();
  private readonly frontier = MerkleFrontier.empty();
  /** Sizes asked for ahead of the walk, largest first once sorted: the walk only compares with the last. */
  private wanted: number[] = [];
  private wantedSorted = true;
  /**
   * Per height h ≥ REMEMBERED_HEIGHT, the roots of its perfect subtrees, 32 bytes each, in the order the walk
   * completes them: the i-th covers leaves [i·2^h, (i+1)·2^h).
   */
  private readonly subtrees: Buffer[] = [];
  private readonly counts: number[] = [];

  constructor() {
    this.frontier.onSubtree = (_start, height, hash, offset) => {
      if (height < REMEMBERED_HEIGHT) return;
      const index = this.counts[height] ?? 0;
      let slab = this.subtrees[height];
      if (slab === undefined || (index + 1) * 32 > slab.length) {
        const grown = Buffer.allocUnsafe(Math.max(1024, (slab?.length ?? 0) * 2));
        slab?.copy(grown, 0, 0, index * 32);
        slab = grown;
        this.subtrees[height] = slab;
      }
      hash.copy(slab, index * 32, offset, offset + 32);
      this.counts[height] = index + 1;
    };
  }

  get size(): number {
    return this.frontier.size;
  }

  /** Asks for the head at `size`; false when the walk is already past it (see `fillIn`). */
  want(size: number): boolean {
    if (this.at.has(size)) return true;
    if (size === this.frontier.size) this.capture();
    else if (size > this.frontier.size) {
      this.wanted.push(size);
      this.wantedSorted = false;
    } else return false;
    return true;
  }

  /** Adds the leaf hash at `leaves[offset]`. */
  push(leaves: Buffer, offset = 0): void {
    this.frontier.push(leaves, offset);
    if (!this.wantedSorted) {
      this.wanted = [...new Set(this.wanted)].sort((a, b) => b - a);
      this.wantedSorted = true;
    }
    if (this.wanted.at(-1) === this.frontier.size) {
      this.wanted.pop();
      this.capture();
    }
  }

  /** Root of all leaves so far. */
  root(): string {
    return this.frontier.root();
  }

  /** A perfect subtree met on the way, if remembered: a view of its 32 bytes. */
  readonly known = (start: number, size: number): Buffer | undefined => {
    const height = Math.log2(size);
    const slab = this.subtrees[height];
    const index = start / size;
    if (slab === undefined || !Number.isInteger(index) || index >= this.counts[height]!) return undefined;
    return slab.subarray(index * 32, index * 32 + 32);
  };

  /** Heads at sizes asked for too late, by walking the leaves again (only signed heads that landed late need it). */
  fillIn(leaves: LeafLog, sizes: Iterable<number>): void {
    const missing = [...new Set(sizes)]
      .filter((s) => !this.at.has(s) && s <= leaves.size)
      .sort((a, b) => a - b);
    if (missing.length === 0) return;
    const frontier = MerkleFrontier.empty();
    let next = 0;
    const capture = () => {
      while (next < missing.length && missing[next] === frontier.size) {
        this.at.set(frontier.size, { size: frontier.size, root: frontier.root() });
        next++;
      }
    };
    capture();
    for (let index = 0; index < leaves.size && next < missing.length; index++) {
      frontier.push(leaves.buffer, leaves.offsetOf(index));
      capture();
    }
  }

  private capture(): void {
    const size = this.frontier.size;
    this.at.set(size, { size, root: this.frontier.root() });
  }
}
