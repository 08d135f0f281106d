import { inSortKeyRange } from '../../../../lambdas/adapters/sort-key-range.js';
import { InvalidInputError, VersionConflictError } from '../../../../lambdas/core/errors.js';
import type { SortKeyRange, StateItem, StateStore } from '../../../../lambdas/ports/state-store.js';

function assertKey(pk: string, sk: string): void {
  if (pk.length === 0 || sk.length === 0)
    throw new InvalidInputError('state item key is invalid', [
      { path: pk.length === 0 ? 'pk' : 'sk', message: 'must not be empty' },
    ]);
}

function assertVersion(expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && !(Number.isSafeInteger(expectedVersion) && expectedVersion >= 0))
    throw new InvalidInputError('expectedVersion is invalid', [
      { path: 'expectedVersion', message: `${expectedVersion} is not an integer ≥ 0` },
    ]);
}

/** DynamoDB orders string keys by their UTF-8 bytes, not by JavaScript's UTF-16 code units. */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * A StateStore in memory with the port's semantics (test/contract/state-store-contract.ts); data is
 * deep-copied like a real store.
 */
export class MemoryStateStore implements StateStore {
  private readonly items = new Map<string, StateItem>();

  private static key(pk: string, sk: string): string {
    assertKey(pk, sk);
    return JSON.stringify([pk, sk]);
  }

  async get<T = Record<string, unknown>>(pk: string, sk: string): Promise<StateItem<T> | undefined> {
    const item = this.items.get(MemoryStateStore.key(pk, sk));
    return item ? (structuredClone(item) as StateItem<T>) : undefined;
  }

  async put<T = Record<string, unknown>>(
    pk: string,
    sk: string,
    data: T,
    expectedVersion?: number,
  ): Promise<StateItem<T>> {
    const key = MemoryStateStore.key(pk, sk);
    assertVersion(expectedVersion);
    const current = this.items.get(key);
    const currentVersion = current?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
      throw new VersionConflictError(
        `${pk}/${sk}: expected version ${expectedVersion}, found ${currentVersion}`,
      );
    }
    const item = { pk, sk, version: currentVersion + 1, data: structuredClone(data) } as StateItem<T>;
    this.items.set(key, item as StateItem);
    return structuredClone(item);
  }

  async list<T = Record<string, unknown>>(pk: string, range?: SortKeyRange): Promise<StateItem<T>[]> {
    if (pk.length === 0)
      throw new InvalidInputError('state partition is invalid', [
        { path: 'pk', message: 'must not be empty' },
      ]);
    return [...this.items.values()]
      .filter((item) => item.pk === pk && inSortKeyRange(item.sk, range))
      .sort((a, b) => byUtf8(a.sk, b.sk))
      .map((item) => structuredClone(item) as StateItem<T>);
  }

  async delete(pk: string, sk: string, expectedVersion?: number): Promise<void> {
    const key = MemoryStateStore.key(pk, sk);
    assertVersion(expectedVersion);
    const currentVersion = this.items.get(key)?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
      throw new VersionConflictError(
        `${pk}/${sk}: expected version ${expectedVersion}, found ${currentVersion}`,
      );
    }
    this.items.delete(key);
  }
}

/** Deterministic ids: deployment-1, deployment-2, … */
export function counterIds(): { next(prefix: string): string } {
  let counter = 0;
  return { next: (prefix) => `${prefix}-${++counter}` };
}
