import type { StateStore } from '../../ports/state-store.js';
import { VersionConflictError } from '../errors.js';
import { stateKeys } from '../state-keys.js';

/** A service's error budget as Observe last measured it from its telemetry. */
export interface MeasuredBudget {
  /** Fraction (0..1, negative when overspent) of the SLO window's error budget left. */
  errorBudgetRemaining: number;
  /** The end of the observation window it was measured over. */
  measuredAt: string;
  /** The intent whose release window it was. */
  intentId: string;
}

/**
 * Keeps the newest measurement of the service's error budget: the one whose window ends last, whatever order
 * concurrent or retried Observe stages write in (a conditional write on the item's version, retried on conflict).
 */
export async function recordMeasuredBudget(
  state: StateStore,
  service: string,
  measured: MeasuredBudget,
): Promise<void> {
  const key = stateKeys.measuredBudget(service);
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await state.get<MeasuredBudget>(key.pk, key.sk);
    if (current && Date.parse(current.data.measuredAt) >= Date.parse(measured.measuredAt)) return;
    try {
      await state.put(key.pk, key.sk, measured, current?.version ?? 0);
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
  throw new VersionConflictError(`the measured error budget of ${service} kept changing under 8 writes`);
}

/** The service's last measured error budget; undefined until a release of it has been observed with data. */
export async function readMeasuredBudget(
  state: StateStore,
  service: string,
): Promise<MeasuredBudget | undefined> {
  const key = stateKeys.measuredBudget(service);
  return (await state.get<MeasuredBudget>(key.pk, key.sk))?.data;
}
