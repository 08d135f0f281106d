import type { StateStore } from '../../ports/state-store.js';
import type { ConfidenceRecord } from '../confidence.js';
import { stateKeys } from '../state-keys.js';

/**
 * Outcomes are stored one item per intent, so a retried Learn stage overwrites its own item instead of
 * counting twice; confidence is the tally of the partition.
 */
export async function readConfidence(
  state: StateStore,
  service: string,
  kind: string,
): Promise<ConfidenceRecord> {
  const { pk } = stateKeys.outcome(service, kind, '');
  const items = await state.list<{ clean: boolean }>(pk);
  const successes = items.filter((item) => item.data.clean).length;
  return { successes, failures: items.length - successes };
}

/** Records the outcome of one intent (idempotent per intent). */
export async function recordOutcome(
  state: StateStore,
  service: string,
  kind: string,
  intentId: string,
  clean: boolean,
): Promise<void> {
  const { pk, sk } = stateKeys.outcome(service, kind, intentId);
  await state.put(pk, sk, { clean });
}
