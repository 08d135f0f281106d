import type { StateStore } from '../../ports/state-store.js';
import type { Catalog } from '../catalog-schema.js';
import type { Intent } from '../intent.js';
import type { PolicySignals } from '../policy/types.js';
import { readMeasuredBudget } from './measured-budget.js';
import { describeRevocation, revokedAuthority } from './revocations.js';

/**
 * The live readings the policy set is evaluated with wherever a stage judges the change: the revocation in force
 * at `now` that voids the requester's authority (`catalog` carries the delegations granted at run time), and the
 * error budget Observe last measured, which beats the catalog's baseline. AdmitPolicy, its dry run and
 * CheckRelease all read them, so a rule answers a running release as it answered its admission.
 */
export async function policySignals(
  intent: Intent,
  catalog: Catalog,
  state: StateStore,
  now: Date,
): Promise<PolicySignals> {
  const revocation = await revokedAuthority(intent, catalog, state, now);
  return {
    authorityRevoked: revocation ? describeRevocation(revocation) : undefined,
    ...(await measuredBudgetSignals(state, intent.change.service)),
  };
}

/** The service's measured error budget as policy signals; none until a release of it has been observed. */
export async function measuredBudgetSignals(
  state: StateStore,
  service: string,
): Promise<Pick<PolicySignals, 'errorBudgetRemaining' | 'errorBudgetMeasuredAt'>> {
  const budget = await readMeasuredBudget(state, service);
  return budget
    ? { errorBudgetRemaining: budget.errorBudgetRemaining, errorBudgetMeasuredAt: budget.measuredAt }
    : {};
}
