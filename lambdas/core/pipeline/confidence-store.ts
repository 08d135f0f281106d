import type { StateStore } from '../../ports/state-store.js';
import { readTally, setMark, type TallySpec } from '../compounding/running-tally.js';
import type { ConfidenceRecord } from '../confidence.js';
import { stateKeys } from '../state-keys.js';

/** An outcome's mark: the item each judged intent has always had in its (service, kind) partition. */
interface OutcomeMark {
  clean: boolean;
}

function outcomeTally(service: string, kind: string): TallySpec<OutcomeMark> {
  return {
    totals: stateKeys.outcomeTally(service, kind),
    markers: stateKeys.outcome(service, kind, '').pk,
    zero: { successes: 0, failures: 0 },
    countsOf: (mark) => ({ successes: mark.clean ? 1 : 0, failures: mark.clean ? 0 : 1 }),
  };
}

function confidenceRecord(counts: Record<string, number>): ConfidenceRecord {
  return { successes: counts.successes ?? 0, failures: counts.failures ?? 0 };
}

/** Clean and regressed releases of (service, kind) so far: one read of the running totals. */
export async function readConfidence(
  state: StateStore,
  service: string,
  kind: string,
): Promise<ConfidenceRecord> {
  return confidenceRecord(await readTally(state, outcomeTally(service, kind)));
}

/**
 * Records the outcome of one intent and returns the record with it: idempotent per intent, so a retried Learn
 * stage does not count twice.
 */
export async function recordOutcome(
  state: StateStore,
  service: string,
  kind: string,
  intentId: string,
  clean: boolean,
): Promise<ConfidenceRecord> {
  return confidenceRecord(await setMark(state, outcomeTally(service, kind), intentId, { clean }));
}
