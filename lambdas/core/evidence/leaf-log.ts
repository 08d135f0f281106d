/** The leaf hashes of a ledger, 32 bytes each in one growing buffer: a million leaves take 32 MB. */
export class LeafLog {
  private bytes = Buffer.allocUnsafe(32 * 1024);
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(leaf: Uint8Array): void {
    if ((this.count + 1) * 32 > this.bytes.length) {
      const grown = Buffer.allocUnsafe(this.bytes.length * 2);
      this.bytes.copy(grown, 0, 0, this.count * 32);
      this.bytes = grown;
    }
    this.bytes.set(leaf, this.count * 32);
    this.count++;
  }

  /** Leaf `index` as a view (not a copy). */
  at(index: number): Buffer {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`leaf index ${index} must be in [0, ${this.count - 1}]`);
    }
    return this.bytes.subarray(index * 32, index * 32 + 32);
  }
}
