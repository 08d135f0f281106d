import {
  IntentStoppedError,
  InvalidInputError,
  ItvError,
  NotFoundError,
  VersionConflictError,
} from '../errors.js';
import type { Caller } from '../principals/caller.js';
import { stateKeys } from '../state-keys.js';
import type { PipelineDeps } from './deps.js';
import { assertInControl, type StopRequest, stopRequestOf } from './intent-control.js';
import { type IntentStatus, intentStatus } from './status.js';

/**
 * Stopping an intent in flight (`POST /intents/{id}/stop`, `itv stop`).
 *
 * The mechanism is a stop request written once to the state table, read by the stages themselves — the same
 * on Step Functions and on the local runtime, and never a second writer racing the execution on the ledger:
 * - a stage before any release (ValidateStructure, AdmitPolicy, FormDecision, Verify, AwaitReview, StartRelease,
 *   AwaitLane) throws `IntentStoppedError` when it finds the request, which the state machine catches into
 *   Learn: the intent concludes `stopped`, its lane place is deleted and its waiters woken as for any conclusion,
 *   and it is sealed like any other;
 * - CheckRelease treats it as it treats a policy breach: it stops and rolls back a release that may be reverted
 *   and holds one that must not (`release.frozen`, cause `stop`); AwaitReleaseDecision answers a held release's
 *   wait with `hold` on the stopper's behalf;
 * - parked waits are resumed so that a stage reads the request: the lane park is woken (its token is kept under
 *   `lanePark`), and so is a scheduled intent's park until its due instant (`duePark`), which is withdrawn at
 *   once, and a park for check results (`checksPark`), after which Verify reads the request; the review wait is failed with `IntentStoppedError`, the release decision wait is answered.
 *
 * Each parked stage writes its token before it reads the request, and the route writes the request before it
 * reads the token: one of the two always sees the other, so no stop is lost and no park is left behind.
 */

export {
  assertInControl,
  authorityOf,
  type ControlVerdict,
  controllersOf,
  controlVerdict,
  describeAuthority,
  entriesOf,
  type IntentControllers,
  type StopAuthority,
  type StopRequest,
  stewardsClause,
  stopRequestOf,
} from './intent-control.js';

export const stopReasonMaxLength = 500;

/** The intent has concluded (or failed): nothing is left to stop. Carries the status it has (HTTP 409). */
export class IntentNotInFlightError extends ItvError {
  constructor(
    message: string,
    readonly status: string,
  ) {
    super(message);
  }
}

/**
 * Throws `IntentStoppedError` when somebody asked to stop `intentId`: a stage calls it before it acts. The
 * message names the stage (`stopped at AdmitPolicy`), which Learn records.
 */
export async function honourStop(
  intentId: string | undefined,
  stage: string,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<void> {
  if (!intentId) return;
  const request = await stopRequestOf(intentId, deps);
  if (request) {
    throw new IntentStoppedError(`stopped at ${stage} by ${request.by}: ${request.reason}`);
  }
}

/** The stage named by `honourStop`'s message, from a Catch's cause (Lambda's error JSON, or the message). */
export function stoppedAtStage(cause: unknown): string {
  const named = typeof cause === 'string' ? /stopped at (\w+) by /.exec(cause) : null;
  return named?.[1] ?? 'unknown';
}

/** `reason` is required: a non-blank string of at most `stopReasonMaxLength` characters. */
export function checkStopReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new InvalidInputError('a stop needs a reason', [
      { path: 'reason', message: 'must say why, in words' },
    ]);
  }
  if (reason.length > stopReasonMaxLength) {
    throw new InvalidInputError('the reason is too long', [
      { path: 'reason', message: `must be at most ${stopReasonMaxLength} characters, not ${reason.length}` },
    ]);
  }
  return reason.trim();
}

/** What `requestStop` answers: the request the stages honour, and for a later one, what of it was not kept. */
export interface StopAnswer {
  request: StopRequest;
  status: IntentStatus;
  repeated: boolean;
  /** A later request whose caller or reason differs from the first's: who asked and why, recorded nowhere. */
  unrecorded?: { by: string; reason: string };
  /** Says so, in words, for whoever sent the later request. */
  note?: string;
}

/**
 * Records a stop request for an intent in flight, as `caller`, with the authority it is made under. Throws `NotFoundError` (no such intent),
 * `NotInControlError` (not its requester, an owner nor a release steward), `IntentNotInFlightError` (it concluded or failed).
 * A second request while the first is being honoured answers the first (`repeated`): stopping is idempotent.
 * Only the first is recorded, so a second one that says something else is told its reason was not
 * (`unrecorded`, `note`): the first stop's reason is the one the ledger keeps.
 */
export async function requestStop(
  input: { intentId: string; reason: string; caller: Caller },
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'state' | 'catalog' | 'clock'>,
): Promise<StopAnswer> {
  const entries = await deps.ledger.forIntent(deps.ledgerName, input.intentId);
  const status = intentStatus(input.intentId, entries);
  if (!status) throw new NotFoundError(`no intent ${input.intentId} on the ledger`);
  const as = assertInControl(input.intentId, entries, input.caller, deps.catalog, 'stop');
  if (status.outcome !== null || status.status === 'failed') {
    throw new IntentNotInFlightError(
      `intent ${input.intentId} is ${status.status}: it is no longer in flight, so there is nothing to stop`,
      status.status,
    );
  }
  const request: StopRequest = {
    intentId: input.intentId,
    by: input.caller.principal,
    as,
    authenticatedAs: input.caller.authenticatedAs,
    reason: input.reason,
    requestedAt: deps.clock.now().toISOString(),
  };
  const key = stateKeys.stopRequest(input.intentId);
  try {
    // Created only if absent: the first request is the one the stages honour and the ledger records.
    await deps.state.put(key.pk, key.sk, request, 0);
    return { request, status, repeated: false };
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const first = (await stopRequestOf(input.intentId, deps)) ?? request;
    if (first.reason === request.reason && first.by === request.by)
      return { request: first, status, repeated: true };
    return {
      request: first,
      status,
      repeated: true,
      unrecorded: { by: request.by, reason: request.reason },
      note: `intent ${input.intentId} was already stopped by ${first.by} at ${first.requestedAt} (${first.reason}): this stop's reason was not recorded`,
    };
  }
}

/** The task token a queued intent is parked on, if it is parked for its lane. */
export async function laneParkOf(
  intentId: string,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<string | undefined> {
  const key = stateKeys.lanePark(intentId);
  return (await deps.state.get<{ token: string }>(key.pk, key.sk))?.data.token;
}
