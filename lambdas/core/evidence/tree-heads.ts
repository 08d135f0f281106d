import { MerkleFrontier } from './frontier-tree.js';
import type { LeafLog } from './leaf-log.js';

/** The tree head at one size: the RFC 9162 root of the first `size` leaves. */
export interface TreeHead {
  size: number;
  root: string;
}

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
