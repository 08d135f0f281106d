import { MerkleFrontier } from './frontier-tree.js';
import type { LeafLog } from './leaf-log.js';

/** The tree head at one size: its root and the frontier to prove from it. */
export interface TreeHead {
  size: number;
  root: string;
  frontier: MerkleFrontier;
}

// Subtrees of 16 leaves and more are remembered (about one node per 8 leaves), so consistency proofs
// between checkpoints reuse the walk's hashes instead of rehashing every leaf a second time.
const REMEMBERED_HEIGHT = 4;

/**
 * Builds the Merkle tree as leaves arrive and keeps the head at every size asked for before the walk
 * passes it: one node hash per leaf on average, and no second pass over the ledger.
 */
export class TreeHeads {
  readonly at = new Map<number, TreeHead>();
  private readonly frontier = MerkleFrontier.empty();
  private readonly wanted = new Set<number>();
  private readonly subtrees: Array<Map<number, Buffer>> = [];

  constructor() {
    this.frontier.onSubtree = (start, height, hash) => {
      if (height < REMEMBERED_HEIGHT) return;
      this.subtrees[height] ??= new Map();
      this.subtrees[height].set(start, hash);
    };
  }

  get size(): number {
    return this.frontier.size;
  }

  /** Asks for the head at `size`; false when the walk is already past it (see `fillIn`). */
  want(size: number): boolean {
    if (this.at.has(size)) return true;
    if (size === this.frontier.size) this.capture();
    else if (size > this.frontier.size) this.wanted.add(size);
    else return false;
    return true;
  }

  push(leaf: Buffer): void {
    this.frontier.push(leaf);
    if (this.wanted.delete(this.frontier.size)) this.capture();
  }

  /** Root of all leaves so far. */
  root(): string {
    return this.frontier.root();
  }

  /** A perfect subtree met on the way, if remembered. */
  readonly known = (start: number, size: number): Buffer | undefined =>
    this.subtrees[Math.log2(size)]?.get(start);

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
        this.at.set(frontier.size, {
          size: frontier.size,
          root: frontier.root(),
          frontier: frontier.clone(),
        });
        next++;
      }
    };
    capture();
    for (let index = 0; index < leaves.size && next < missing.length; index++) {
      frontier.push(leaves.at(index));
      capture();
    }
  }

  private capture(): void {
    const size = this.frontier.size;
    this.at.set(size, { size, root: this.frontier.root(), frontier: this.frontier.clone() });
  }
}
