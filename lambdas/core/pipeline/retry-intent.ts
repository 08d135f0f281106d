import type { LedgerStore } from '../../ports/ledger-store.js';
import type { StateStore } from '../../ports/state-store.js';
import type { Catalog } from '../catalog-schema.js';
import { ItvError, NotFoundError } from '../errors.js';
import { ledgerPayloads, payloadOf } from '../ledger/entry-payloads.js';
import type { Caller } from '../principals/caller.js';
import { stateKeys } from '../state-keys.js';
import { attemptOfRun, heldByStop, rerunnableOutcomes } from './attempts.js';
import { assertMayRetry } from './run-again.js';
import type { Outcome } from './state.js';
import { intentStatus } from './status.js';

export { assertMayRetry, recordedStop, retryVerdict, type StopBy } from './run-again.js';

/**
 * Retrying an intent (`POST /intents/{id}/retry`, `itv retry`): its current attempt ended without releasing for
 * a reason the same intent may get past unchanged, so it runs again as the next attempt (`attempts.ts`), under
 * the same intent id, with the link to the attempt before it on the ledger.
 *
 * Retryable after the outcomes after which submitting it again starts a new attempt (`rerunnableOutcomes`, one
 * rule for both): `failed` (a stage failed), `stopped`, `rolled-back`, `failed-verification` (a check, which CI
 * may now pass), and a rejection by structure, policy or completeness or a schema update required — every rule
 * runs again, and the catalog, the policy, a delegation or the clock may have changed since. Not retryable: a
 * release; a reviewer's rejection, which a retry must not get round; a frozen or held release (or one a stop
 * held where it stood, which concludes `stopped`: `heldByStop`), which is partly
 * out and stays where it was held once it has concluded (its owners' decision window is over: moving its
 * configuration on, forward or back, is a new change); and a refused request, whose intent was never recorded
 * (submit it again).
 */
export const retryableOutcomes: readonly Outcome[] = rerunnableOutcomes;

/** The intent is in flight, or ended in a way a retry may not answer (HTTP 409); names its status. */
export class NotRetryableError extends ItvError {
  constructor(
    message: string,
    readonly status: string,
  ) {
    super(message);
  }
}

/** What a retry starts: the intent as it was declared, bound to its requester as first submitted. */
export interface RetryPlan {
  /** The intent's own id (without an attempt's suffix). */
  intentId: string;
  /** The attempt that ended, which the new one links to. */
  previousRunId: string;
  intent: unknown;
  /** Who submitted it first: the requester stays who it was; whoever retries is recorded beside. */
  submittedBy: Caller;
  source: 'api' | 'eventbridge' | 'cli';
}

/**
 * Checks that `caller` may retry `id` (the intent's id or any attempt's) and that its current attempt may be
 * retried. Throws `NotFoundError`, `NotInControlError` (neither requester nor owner, or the requester of an
 * intent somebody else stopped) or `NotRetryableError`.
 */
export async function planRetry(
  id: string,
  caller: Caller,
  deps: { ledger: Pick<LedgerStore, 'forIntent'>; ledgerName: string; state: StateStore; catalog: Catalog },
): Promise<RetryPlan> {
  const { intentId } = attemptOfRun(id);
  const key = stateKeys.attempt(intentId);
  const current = (await deps.state.get<{ runId: string }>(key.pk, key.sk))?.data.runId ?? intentId;
  const entries = await deps.ledger.forIntent(deps.ledgerName, current);
  const status = intentStatus(current, entries);
  if (!status && current !== intentId) {
    // The next attempt was claimed a moment ago (a retry or a submission at once with this one) and its
    // declaration is on its way: it is in flight, not unknown.
    throw new NotRetryableError(
      `intent ${intentId}'s next attempt, ${current}, is starting: it is in flight; stop it first (POST /intents/${current}/stop) to run it again`,
      'starting',
    );
  }
  if (!status) throw new NotFoundError(`no intent ${id} on the ledger`);
  await assertMayRetry(current, entries, caller, deps);
  const outcome = status.outcome ?? (status.status === 'failed' ? 'failed' : null);
  if (outcome === null) {
    throw new NotRetryableError(
      `intent ${current} is ${status.status}: it is still in flight; stop it first (POST /intents/${current}/stop) to run it again`,
      status.status,
    );
  }
  if (!retryableOutcomes.includes(outcome as Outcome)) {
    throw new NotRetryableError(`intent ${current} ended ${outcome}: ${whyNot(outcome)}`, outcome);
  }
  // A stop holds a release that must not be reverted where it stands: it concludes `stopped`, yet it is partly
  // out, as a held release is, and a retry would take it to everyone with no owner deciding.
  const held = heldByStop(entries);
  if (held) {
    const share =
      status.rolloutPercentage === null ? 'part of its users' : `${status.rolloutPercentage}% of users`;
    throw new NotRetryableError(
      `intent ${current} was stopped by ${held.by}, and its release, which must not be reverted, is held at ${share}: a retry would take it to everyone with no owner deciding; ${whyNot('held').replace('its release stays where it was held; ', '')}`,
      outcome,
    );
  }
  const declared = entries.find((stored) => stored.entry.type === 'intent.declared')?.entry;
  if (!declared) {
    throw new NotRetryableError(`intent ${current} was never declared: submit it again`, outcome);
  }
  const payload = payloadOf(declared, ledgerPayloads['intent.declared']);
  return {
    intentId,
    previousRunId: current,
    intent: payload.intent,
    submittedBy: payload.submittedBy,
    source: payload.source,
  };
}

function whyNot(outcome: string): string {
  if (outcome === 'released') return 'it released; submit a new change to change it again';
  if (outcome === 'rejected-review')
    return 'its reviewer of record rejected it; a retry may not get round a review';
  if (outcome === 'frozen' || outcome === 'held') {
    // Concluded, the owners' decision window is over (a decision now is refused): what remains is a new change.
    return 'its release stays where it was held; moving its configuration on, forward or back, is a new change to submit';
  }
  return 'it may not run again as it is';
}
