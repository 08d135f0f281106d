import { EMPTY_TREE_HASH, nodeHashBytes, nodeHashInPlace, nodeHashInto } from '../ledger/hash.js';
import { splitPoint } from '../ledger/merkle-tree.js';
import type { InclusionProof } from '../ledger/proof-types.js';

/**
 * The right edge of an RFC 9162 Merkle tree in the hex form kept in the state store: the roots of its perfect
 * subtrees, largest first. It lets a checkpoint extend the previous one with only the new leaves instead of
 * rehashing the whole ledger.
 */
export interface Frontier {
  size: number;
  nodes: Array<{ height: number; hash: string }>;
}

// Roots are folded here: hashing is synchronous, so one scratch serves every frontier.
const rootScratch = Buffer.alloc(32);

/** Offset of subtree root `index` in a frontier's buffer: one spare byte, then 32 bytes a root. */
const slot = (index: number) => 1 + 32 * index;

/**
 * The right edge of an RFC 9162 tree over 32-byte leaf hashes: the roots of its perfect subtrees, largest
 * first, 32 bytes each in one buffer. Adding a leaf costs one node hash on average, hashed in place: a new
 * leaf is copied into the slot after the last root, so each pair to merge lies side by side, and the byte
 * before the pair (the spare byte, or the last byte of the root before it) stands in for the 0x01 prefix while
 * the pair is hashed. No child is copied to hash it.
 */
export class MerkleFrontier {
  /** `pairs[i]`: the view of 0x01 ‖ root i ‖ root i+1 (its first byte borrowed), made once per buffer. */
  private pairs: Buffer[] = [];

  private constructor(
    private nodes: Buffer,
    private readonly heights: number[],
    private count: number,
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier(Buffer.allocUnsafe(slot(8)), [], 0);
  }

  /** From the hex form kept in the state store. */
  static fromJSON(frontier: Frontier): MerkleFrontier {
    const nodes = Buffer.allocUnsafe(slot(Math.max(8, frontier.nodes.length + 1)));
    frontier.nodes.forEach((node, index) => {
      nodes.write(node.hash, slot(index), 32, 'hex');
    });
    return new MerkleFrontier(
      nodes,
      frontier.nodes.map((node) => node.height),
      frontier.size,
    );
  }

  get size(): number {
    return this.count;
  }

  /** Adds the 32-byte leaf hash at `leaf[offset]`; the leaf is copied, never kept. */
  push(leaf: Uint8Array, offset = 0): void {
    const heights = this.heights;
    let top = heights.length;
    if (slot(top + 1) > this.nodes.length) this.grow();
    const nodes = this.nodes;
    // Copied byte by byte: for 32 bytes a loop costs less than Buffer.copy's checks and native call.
    const to = slot(top);
    for (let i = 0; i < 32; i++) nodes[to + i] = leaf[offset + i]!;
    let height = 0;
    while (top > 0 && heights[top - 1] === height) {
      top--;
      heights.pop();
      // The pair's hash replaces its left child: the frontier stays in order without moving anything.
      nodeHashInPlace(this.pairs[top] ?? this.pairView(top), nodes, slot(top));
      height++;
    }
    heights.push(height);
    this.count++;
  }

  /** MTH of all leaves so far (SHA-256 of nothing for none), lower-case hex. */
  root(): string {
    const last = this.heights.length - 1;
    if (last < 0) return EMPTY_TREE_HASH;
    if (last === 0) return this.nodes.toString('hex', slot(0), slot(1));
    nodeHashInto(this.nodes, slot(last - 1), this.nodes, slot(last), rootScratch, 0);
    for (let index = last - 2; index >= 0; index--)
      nodeHashInto(this.nodes, slot(index), rootScratch, 0, rootScratch, 0);
    return rootScratch.toString('hex');
  }

  clone(): MerkleFrontier {
    const nodes = Buffer.allocUnsafe(slot(this.heights.length + 1));
    this.nodes.copy(nodes, 0, 0, slot(this.heights.length));
    return new MerkleFrontier(nodes, [...this.heights], this.count);
  }

  /** The perfect subtrees with the first leaf each covers (copies of their hashes). */
  subtrees(): Array<{ start: number; size: number; hash: Buffer }> {
    let start = 0;
    return this.heights.map((height, index) => {
      const size = 2 ** height;
      const subtree = { start, size, hash: Buffer.from(this.nodes.subarray(slot(index), slot(index + 1))) };
      start += size;
      return subtree;
    });
  }

  toJSON(): Frontier {
    return {
      size: this.count,
      nodes: this.heights.map((height, index) => ({
        height,
        hash: this.nodes.toString('hex', slot(index), slot(index + 1)),
      })),
    };
  }

  private pairView(index: number): Buffer {
    const view = this.nodes.subarray(slot(index) - 1, slot(index + 2));
    this.pairs[index] = view;
    return view;
  }

  private grow(): void {
    const grown = Buffer.allocUnsafe(Math.max(2 * this.nodes.length - 1, slot(8)));
    this.nodes.copy(grown, 0, 0, slot(this.heights.length));
    this.nodes = grown;
    this.pairs = [];
  }
}

/**
 * RFC 9162 subtree hashes, roots and inclusion proofs from a frontier at size `base.size` plus the leaves after
 * it, so proofs about recent entries never need the ledger from seq 0. Inclusion proofs work for leaves at or
 * after the base: their nodes left of the base are then always unions of the frontier's subtrees. Anything else
 * throws `RangeError`.
 */
export class FrontierTree {
  private readonly subtrees: Map<number, { size: number; hash: Buffer }>;
  /**
   * Range hashes computed so far, by `${a}:${b}`: a bundle's inclusion proofs share most of their nodes, and the
   * tree never changes once built.
   */
  private readonly computed = new Map<string, Buffer>();

  /** `leafAt(i)` returns leaf hash i for base.size ≤ i < size. */
  constructor(
    private readonly base: MerkleFrontier,
    private readonly leafAt: (index: number) => Uint8Array,
    readonly size: number,
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

  /** MTH(D[a:b]) for b > a. */
  private rangeHash(a: number, b: number): Buffer {
    if (a >= this.base.size) {
      if (b - a === 1) {
        // Only read: a Buffer view of the leaf needs no copy.
        const leaf = this.leafAt(a);
        return Buffer.isBuffer(leaf) ? leaf : Buffer.from(leaf);
      }
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
