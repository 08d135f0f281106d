/**
 * The leaf hashes of a ledger, 32 bytes each in one growing buffer: a million leaves take 32 MB. A reader
 * may hash straight into the next slot (`reserve`, then `commit` once the leaf is checked), so no leaf is
 * ever a Buffer of its own.
 */
export class LeafLog {
  private bytes: Buffer;
  private count = 0;

  /** `capacity`: the leaves expected, to spare copies as the buffer grows (it grows past it as needed). */
  constructor(capacity = 1024) {
    this.bytes = Buffer.allocUnsafe(32 * Math.max(1, Math.ceil(capacity)));
  }

  get size(): number {
    return this.count;
  }

  /** The buffer the leaves live in; replaced when it grows, so read it after `reserve`. */
  get buffer(): Buffer {
    return this.bytes;
  }

  /** Offset of leaf `index` in `buffer`. */
  offsetOf(index: number): number {
    return index * 32;
  }

  /** Makes room for leaf `size` and returns its offset in `buffer`; it counts once committed. */
  reserve(): number {
    if ((this.count + 1) * 32 > this.bytes.length) {
      const grown = Buffer.allocUnsafe(this.bytes.length * 2);
      this.bytes.copy(grown, 0, 0, this.count * 32);
      this.bytes = grown;
    }
    return this.count * 32;
  }

  /** Counts the leaf written at the reserved slot; returns its offset. */
  commit(): number {
    return 32 * this.count++;
  }

  push(leaf: Uint8Array): void {
    const offset = this.reserve();
    this.bytes.set(leaf, offset);
    this.commit();
  }

  /** Leaf `index` as a view (not a copy). */
  at(index: number): Buffer {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`leaf index ${index} must be in [0, ${this.count - 1}]`);
    }
    return this.bytes.subarray(index * 32, index * 32 + 32);
  }
}
