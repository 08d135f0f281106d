/**
 * Mutable operational state beside the immutable ledger: intent records, reviews, lane leases,
 * confidence and cached decisions. Items are addressed by (pk, sk); writes can be conditional on a
 * version so concurrent writers never overwrite each other.
 */
export interface StateItem<T = Record<string, unknown>> {
  pk: string;
  sk: string;
  /** Monotonic version, 1 on create; used for optimistic concurrency. */
  version: number;
  data: T;
}

/** Sort keys `from ≤ sk < below`, in UTF-8 byte order; either bound open. */
export interface SortKeyRange {
  from?: string;
  below?: string;
}

export interface StateStore {
  get<T = Record<string, unknown>>(pk: string, sk: string): Promise<StateItem<T> | undefined>;
  /**
   * Writes `data`. `expectedVersion` 0 means "must not exist"; a number means "must be at that version";
   * undefined writes unconditionally. Throws `VersionConflictError` when the condition fails. `expiresAt`
   * sets the table's TTL attribute, so DynamoDB deletes the item some time after that instant (readers must
   * still treat an item past it as gone: TTL deletion lags, and dynalite does none).
   */
  put<T = Record<string, unknown>>(
    pk: string,
    sk: string,
    data: T,
    expectedVersion?: number,
    options?: { expiresAt?: Date },
  ): Promise<StateItem<T>>;
  /**
   * All items of a partition, ordered by sk as DynamoDB orders strings: by their UTF-8 bytes; with `range`, only
   * those whose sk lies in it (one Query on DynamoDB, however large the partition).
   */
  list<T = Record<string, unknown>>(pk: string, range?: SortKeyRange): Promise<StateItem<T>[]>;
  /**
   * Removes the item; `expectedVersion` as for `put` (0: must not exist, so deleting an absent item is a
   * no-op). Deleting an absent item unconditionally is no error. Empty keys are `InvalidInputError`.
   */
  delete(pk: string, sk: string, expectedVersion?: number): Promise<void>;
}
