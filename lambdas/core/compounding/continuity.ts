import type { StateStore } from '../../ports/state-store.js';
import { stateKeys } from '../state-keys.js';

/**
 * Decision continuity: the share of verified intents that reused a decision already proven in production.
 * One item per intent, so a retried Verify overwrites its own tally instead of counting twice.
 */
export interface DecisionContinuity {
  reused: number;
  total: number;
  /** reused / total; 0 before any intent was verified. */
  rate: number;
}

/** Records whether one verified intent reused a decision (idempotent per intent). */
export async function recordContinuity(
  state: StateStore,
  intentId: string,
  reusedDecisionId: string | null,
): Promise<void> {
  const { pk, sk } = stateKeys.continuity(intentId);
  await state.put(pk, sk, { reusedDecisionId });
}

/** The continuity rate over every verified intent in the store. */
export async function decisionContinuity(state: StateStore): Promise<DecisionContinuity> {
  const items = await state.list<{ reusedDecisionId: string | null }>(stateKeys.continuity('').pk);
  const reused = items.filter((item) => item.data.reusedDecisionId !== null).length;
  return { reused, total: items.length, rate: items.length === 0 ? 0 : reused / items.length };
}
