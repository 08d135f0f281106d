import { VersionConflictError } from '../../../../lambdas/core/errors.js';
import type { StateItem, StateStore } from '../../../../lambdas/ports/state-store.js';

/** A StateStore in memory with the port's expectedVersion semantics; data is deep-copied like a real store. */
export class MemoryStateStore implements StateStore {
  private readonly items = new Map<string, StateItem>();

  private static key(pk: string, sk: string): string {
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

  async list<T = Record<string, unknown>>(pk: string): Promise<StateItem<T>[]> {
    return [...this.items.values()]
      .filter((item) => item.pk === pk)
      .sort((a, b) => (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0))
      .map((item) => structuredClone(item) as StateItem<T>);
  }

  async delete(pk: string, sk: string, expectedVersion?: number): Promise<void> {
    const key = MemoryStateStore.key(pk, sk);
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
