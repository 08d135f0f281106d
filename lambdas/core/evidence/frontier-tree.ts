import { EMPTY_TREE_HASH, nodeHashBytes } from '../ledger/hash.js';
import { splitPoint } from '../ledger/merkle-tree.js';
import type { ConsistencyProof, InclusionProof } from '../ledger/proof-types.js';

/**
 * The right edge of an RFC 9162 Merkle tree in the hex form kept in the state store: the roots of its perfect
 * subtrees, largest first. It lets a checkpoint extend the previous one with only the new leaves instead of
 * rehashing the whole ledger.
 */
export interface Frontier {
  size: number;
  nodes: Array<{ height: number; hash: string }>;
}

/**
 * The right edge of an RFC 9162 tree over 32-byte leaf hashes, kept as buffers: the roots of its perfect
 * subtrees, largest first. Adding a leaf costs one node hash on average.
 */
export class MerkleFrontier {
  /** Called with every perfect subtree a push completes (height ≥ 1), e.g. to remember some of them. */
  onSubtree: ((start: number, height: number, hash: Buffer) => void) | undefined;

  private constructor(
    private readonly hashes: Buffer[],
    private readonly heights: number[],
    private count: number,
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier([], [], 0);
  }

  /** From the hex form kept in the state store. */
  static fromJSON(frontier: Frontier): MerkleFrontier {
    const hashes = frontier.nodes.map((node) => Buffer.from(node.hash, 'hex'));
    return new MerkleFrontier(
      hashes,
      frontier.nodes.map((node) => node.height),
      frontier.size,
    );
  }

  get size(): number {
    return this.count;
  }

  push(leaf: Uint8Array): void {
    // Keeps a reference to `leaf`: callers hand over hashes they never change.
    let current = Buffer.isBuffer(leaf) ? leaf : Buffer.from(leaf);
    let height = 0;
    while (this.heights.length > 0 && this.heights[this.heights.length - 1] === height) {
      this.heights.pop();
      current = nodeHashBytes(this.hashes.pop()!, current);
      height++;
      this.onSubtree?.(this.count + 1 - 2 ** height, height, current);
    }
    this.hashes.push(current);
    this.heights.push(height);
    this.count++;
  }

  /** MTH of all leaves so far (SHA-256 of nothing for none), lower-case hex. */
  root(): string {
    if (this.hashes.length === 0) return EMPTY_TREE_HASH;
    let root = this.hashes[this.hashes.length - 1]!;
    for (let index = this.hashes.length - 2; index >= 0; index--)
      root = nodeHashBytes(this.hashes[index]!, root);
    return root.toString('hex');
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier([...this.hashes], [...this.heights], this.count);
  }

  /** The perfect subtrees with the first leaf each covers. */
  subtrees(): Array<{ start: number; size: number; hash: Buffer }> {
    let start = 0;
    return this.hashes.map((hash, index) => {
      const size = 2 ** this.heights[index]!;
      const subtree = { start, size, hash };
      start += size;
      return subtree;
    });
  }

  toJSON(): Frontier {
    return {
      size: this.count,
      nodes: this.hashes.map((hash, index) => ({ height: this.heights[index]!, hash: hash.toString('hex') })),
    };
  }
}

/**
 * RFC 9162 subtree hashes, roots and proofs from a frontier at size `base.size` plus the leaves after it, so
 * proofs about recent entries never need the ledger from seq 0. Inclusion proofs work for leaves at or after
 * the base, consistency proofs from an old size at or after it: their nodes left of the base are then always
 * unions of the frontier's subtrees. Anything else throws `RangeError`.
 */
export class FrontierTree {
  private readonly subtrees: Map<number, { size: number; hash: Buffer }>;
  /**
   * Range hashes computed so far, by `${a}:${b}`: a bundle's inclusion proofs share most of their nodes, and the
   * tree never changes once built.
   */
  private readonly computed = new Map<string, Buffer>();

  /**
   * `leafAt(i)` returns leaf hash i for base.size ≤ i < size; `known(start, size)` may return the hash of a
   * perfect subtree already computed elsewhere, to save rehashing its leaves.
   */
  constructor(
    private readonly base: MerkleFrontier,
    private readonly leafAt: (index: number) => Uint8Array,
    readonly size: number,
    private readonly known?: (start: number, size: number) => Buffer | undefined,
    /** Keep every range hash computed: for many proofs from one tree (a bundle's), not one pass over it. */
    private readonly memoise = false,
  ) {
    if (!Number.isSafeInteger(size) || size < base.size) {
      throw new RangeError(`tree size ${size} must be an integer ≥ the frontier's ${base.size}`);
    }
    this.subtrees = new Map(base.subtrees().map((s) => [s.start, { size: s.size, hash: s.hash }]));
  }

  /** MTH of the first `treeSize` leaves, lower-case hex; treeSize ≥ the base's size. */
  root(treeSize: number = this.size): string {
    this.assertSize(treeSize, this.base.size);
    if (treeSize === 0) return EMPTY_TREE_HASH;
    return this.rangeHash(0, treeSize).toString('hex');
  }

  /** RFC 9162 §2.1.3.1 audit path of `leafIndex` in the tree of `treeSize` leaves. */
  inclusionProof(leafIndex: number, treeSize: number = this.size): InclusionProof {
    this.assertSize(treeSize, 1);
    if (!Number.isSafeInteger(leafIndex) || leafIndex < this.base.size || leafIndex >= treeSize) {
      throw new RangeError(`leafIndex ${leafIndex} must be in [${this.base.size}, ${treeSize - 1}]`);
    }
    const path: Buffer[] = [];
    let start = 0;
    let end = treeSize;
    // Walk down from the root, collecting siblings; the RFC lists them leaf first.
    while (end - start > 1) {
      const k = splitPoint(end - start);
      if (leafIndex < start + k) {
        path.push(this.rangeHash(start + k, end));
        end = start + k;
      } else {
        path.push(this.rangeHash(start, start + k));
        start += k;
      }
    }
    return { leafIndex, treeSize, path: path.reverse().map((hash) => hash.toString('hex')) };
  }

  /** RFC 9162 §2.1.4.1 proof from `oldSize` (≥ the base's size, or 0) to `newSize`. */
  consistencyProof(oldSize: number, newSize: number = this.size): ConsistencyProof {
    this.assertSize(newSize, 0);
    if (!Number.isSafeInteger(oldSize) || oldSize > newSize || (oldSize !== 0 && oldSize < this.base.size)) {
      throw new RangeError(`oldSize ${oldSize} must be 0 or in [${this.base.size}, ${newSize}]`);
    }
    if (oldSize === 0 || oldSize === newSize) return { oldSize, newSize, path: [] };
    const path = this.subproof(oldSize, 0, newSize, true).map((hash) => hash.toString('hex'));
    return { oldSize, newSize, path };
  }

  private subproof(m: number, start: number, end: number, complete: boolean): Buffer[] {
    const n = end - start;
    if (m === n) return complete ? [] : [this.rangeHash(start, end)];
    const k = splitPoint(n);
    if (m <= k) return [...this.subproof(m, start, start + k, complete), this.rangeHash(start + k, end)];
    return [...this.subproof(m - k, start + k, end, false), this.rangeHash(start, start + k)];
  }

  /** MTH(D[a:b]) for b > a. */
  private rangeHash(a: number, b: number): Buffer {
    if (a >= this.base.size) {
      if (b - a === 1) return Buffer.from(this.leafAt(a));
      const remembered = this.known?.(a, b - a);
      if (remembered) return remembered;
    } else {
      const subtree = this.subtrees.get(a);
      if (subtree?.size === b - a) return subtree.hash;
      if (subtree !== undefined && subtree.size > b - a) {
        throw new RangeError(
          `leaves [${a}, ${b}) lie inside a frontier subtree: the frontier cannot prove them`,
        );
      }
      if (subtree === undefined) {
        throw new RangeError(`leaves [${a}, ${b}) do not start at a frontier subtree`);
      }
    }
    const key = this.memoise ? `${a}:${b}` : undefined;
    const memo = key === undefined ? undefined : this.computed.get(key);
    if (memo !== undefined) return memo;
    const k = splitPoint(b - a);
    const hash = nodeHashBytes(this.rangeHash(a, a + k), this.rangeHash(a + k, b));
    if (key !== undefined) this.computed.set(key, hash);
    return hash;
  }

  private assertSize(treeSize: number, min: number): void {
    if (!Number.isSafeInteger(treeSize) || treeSize < min || treeSize > this.size) {
      throw new RangeError(`tree size ${treeSize} must be an integer in [${min}, ${this.size}]`);
    }
  }
}
