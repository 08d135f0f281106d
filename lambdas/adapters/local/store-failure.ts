import { ItvError } from '../../core/errors.js';

/**
 * The home's tables could not be written (LevelDB reported an I/O error or corruption: a full disk, most often).
 * Every later call on that store fails with it, reads included, until the store is opened again.
 */
export class LocalStoreFailedError extends ItvError {}

/** LevelDB's codes (classic-level) for a write the disk refused, or a store found damaged. */
const failureCodes = new Set(['LEVEL_IO_ERROR', 'LEVEL_CORRUPTION']);

/**
 * Whether a dynalite store may still be used, shared by every client of it.
 *
 * Why the first failed write ends all use of the store: LevelDB (classic-level) does not stop after a write to
 * its log fails part-way. Its log writer has already counted the lost bytes, so once space is free again it
 * goes on appending records at offsets the file no longer agrees with, and serves them from memory as if
 * written. When the store is next opened, recovery stops at the torn record and every entry after it is gone:
 * entries the pipeline had acknowledged, a ledger shorter than its signed checkpoints (TAMPERED). Refusing
 * everything after the first failure means nothing is acknowledged that recovery would drop; the owner then
 * opens the store again (a control plane exits, and the next command starts another), and recovery keeps every
 * record written whole before the failure.
 */
export class StoreHealth {
  private failure: LocalStoreFailedError | undefined;

  constructor(
    private readonly where: string,
    private readonly onFailure: (error: LocalStoreFailedError) => void = () => {},
  ) {}

  /** Throws the store's failure once it has failed. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * The error a call should reject with: a store failure (I/O or corruption) fails the store for good, once,
   * and tells the owner; any other error is the call's own, unchanged.
   */
  observe(error: unknown): unknown {
    const code = (error as { code?: unknown } | undefined)?.code;
    if (typeof code !== 'string' || !failureCodes.has(code)) return error;
    if (!this.failure) {
      this.failure = new LocalStoreFailedError(
        `the tables in ${this.where} could not be written (${(error as Error).message}); nothing more is written ` +
          'to them until they are opened again, so no entry is acknowledged that reopening would lose. Free ' +
          'disk space, then run the command again',
        { cause: error },
      );
      this.onFailure(this.failure);
    }
    return this.failure;
  }
}
