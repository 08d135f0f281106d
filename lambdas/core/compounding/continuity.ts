import type { StateStore } from '../../ports/state-store.js';
import { stateKeys } from '../state-keys.js';
import { type Counts, readTally, setMark, type TallySpec } from './running-tally.js';

/**
 * Decision continuity: the share of verified intents that reused a decision already proven in production.
 * Kept as a running tally with one marker per intent, so a retried Verify replaces its own mark instead of
 * counting twice, and reading the rate is one read whatever the history.
 */
export interface DecisionContinuity {
  reused: number;
  total: number;
  /** reused / total; 0 before any intent was verified. */
  rate: number;
}

interface ContinuityMark {
  reusedDecisionId: string | null;
}

const continuityTally: TallySpec<ContinuityMark> = {
  totals: stateKeys.continuityTally(),
  markers: stateKeys.continuity('').pk,
  zero: { reused: 0, total: 0 },
  countsOf: (mark) => ({ reused: mark.reusedDecisionId === null ? 0 : 1, total: 1 }),
};

function continuityOf(counts: Counts): DecisionContinuity {
  const reused = counts.reused ?? 0;
  const total = counts.total ?? 0;
  return { reused, total, rate: total === 0 ? 0 : reused / total };
}

/** Records whether one verified intent reused a decision (idempotent per intent). */
export async function recordContinuity(
  state: StateStore,
  intentId: string,
  reusedDecisionId: string | null,
): Promise<void> {
  await setMark(state, continuityTally, intentId, { reusedDecisionId });
}

/** The continuity rate over every verified intent in the store. */
export async function decisionContinuity(state: StateStore): Promise<DecisionContinuity> {
  return continuityOf(await readTally(state, continuityTally));
}
