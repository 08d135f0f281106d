import type { StateStore } from '../../ports/state-store.js';
import type { Frontier } from './frontier-tree.js';

/** The state store partition of a ledger's checkpoint bookkeeping. */
export const checkpointPartition = (ledger: string) => `CHECKPOINT#${ledger}`;

/** The item holding the frontier at an interval checkpoint: where proofs about later entries start. */
export const frontierItemKey = (size: number) => `SIZE#${String(size).padStart(12, '0')}`;

/** The frontier kept at an interval checkpoint of `size` entries (the empty one for 0), if there is one. */
export async function frontierAt(
  state: StateStore,
  ledger: string,
  size: number,
): Promise<Frontier | undefined> {
  if (size === 0) return { size: 0, nodes: [] };
  const item = await state.get<Frontier>(checkpointPartition(ledger), frontierItemKey(size));
  return item?.data.size === size ? item.data : undefined;
}

export function keepFrontier(state: StateStore, ledger: string, frontier: Frontier): Promise<unknown> {
  return state.put(checkpointPartition(ledger), frontierItemKey(frontier.size), frontier);
}
