import type { StateStore } from '../../lambdas/ports/state-store.js';

/**
 * The same table as reached from another process (a second Lambda container, a retried task's): a store object of
 * its own. Work that takes turns per store in one process (admissions, checkpoint signing) races it instead, as
 * it would across processes.
 */
export function fromAnotherProcess(state: StateStore): StateStore {
  return {
    get: (pk, sk) => state.get(pk, sk),
    list: (pk) => state.list(pk),
    delete: (pk, sk, expectedVersion) => state.delete(pk, sk, expectedVersion),
    put: (pk, sk, data, expectedVersion, options) => state.put(pk, sk, data, expectedVersion, options),
  };
}
