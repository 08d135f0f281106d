import type * as z from 'zod';
import type { LedgerEntry, StoredEntry } from '../../ports/ledger-store.js';
import type { Catalog } from '../catalog-schema.js';
import {
  IntentStoppedError,
  InvalidInputError,
  ItvError,
  NotFoundError,
  NotInControlError,
  VersionConflictError,
} from '../errors.js';
import { intentDeclaredPayload, payloadOf, type stopAuthoritySchema } from '../ledger/entry-payloads.js';
import type { AuthenticatedAs, Caller } from '../principals/caller.js';
import { stateKeys } from '../state-keys.js';
import type { PipelineDeps } from './deps.js';
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

export const stopReasonMaxLength = 500;

/** What a stop request keeps: who asked (the authenticated caller) and as what, why, when. */
export interface StopRequest {
  intentId: string;
  by: string;
  /** The authority the stop was made under; absent from requests written before it was kept. */
  as?: StopAuthority;
  authenticatedAs: AuthenticatedAs;
  reason: string;
  requestedAt: string;
}

/** The intent has concluded (or failed): nothing is left to stop. Carries the status it has (HTTP 409). */
export class IntentNotInFlightError extends ItvError {
  constructor(
    message: string,
    readonly status: string,
  ) {
    super(message);
  }
}

/** The stop request of `intentId`, if somebody asked. */
export async function stopRequestOf(
  intentId: string,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<StopRequest | undefined> {
  const key = stateKeys.stopRequest(intentId);
  return (await deps.state.get<StopRequest>(key.pk, key.sk))?.data;
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

/**
 * Who may stop or retry an intent: its requester, its service's owners and the catalog's release stewards.
 */
export interface IntentControllers {
  requester: string | undefined;
  service: string | undefined;
  owners: readonly string[];
  stewards: readonly string[];
}

/** The principals in control of the intent whose ledger entries are `entries`. */
export function controllersOf(
  entries: readonly LedgerEntry[] | readonly StoredEntry[],
  catalog: Catalog,
): IntentControllers {
  const declared = entriesOf(entries).find((entry) => entry.type === 'intent.declared');
  const payload = declared ? payloadOf(declared, intentDeclaredPayload) : undefined;
  const requester =
    typeof payload?.authority?.requester === 'string' ? payload.authority.requester : undefined;
  const service = payload?.intent.change?.service;
  const owners = service ? (catalog.services[service]?.owners ?? []) : [];
  return { requester, service, owners, stewards: catalog.releaseStewards };
}

/** The authority under which a principal stops or retries an intent; the one used is recorded with a stop. */
export type StopAuthority = z.infer<typeof stopAuthoritySchema>;

/** What `as` says in words: `owner` → `an owner of launch-flags`. */
export function describeAuthority(as: StopAuthority, controllers: IntentControllers): string {
  if (as === 'owner') return `an owner of ${controllers.service ?? 'its service'}`;
  if (as === 'release-steward') return 'a release steward';
  return 'its requester';
}

/** The authority `principal` holds over the intent, the narrowest first, if any. */
export function authorityOf(principal: string, controllers: IntentControllers): StopAuthority | undefined {
  if (principal === controllers.requester) return 'requester';
  if (controllers.owners.includes(principal)) return 'owner';
  if (controllers.stewards.includes(principal)) return 'release-steward';
  return undefined;
}

/** `a release steward (heidi)`, or nothing when the catalog names none. */
export function stewardsClause(controllers: IntentControllers): string | undefined {
  return controllers.stewards.length > 0
    ? `a release steward (${controllers.stewards.join(', ')})`
    : undefined;
}

/** The entries themselves, whether as stored (with their hashes) or as the API serves them. */
export function entriesOf(entries: readonly LedgerEntry[] | readonly StoredEntry[]): LedgerEntry[] {
  return entries.map((e) => ('entry' in e ? e.entry : e));
}

/**
 * Whether a principal may stop or retry an intent: the authority it acts under, or, when it holds none, who may
 * (`who`, in words, and `because` of what, where more than the rule) and the refusal the API answers (HTTP 403). One rule for the API, which refuses, and for the
 * console, which offers only what the API would accept and names who may otherwise.
 */
export type ControlVerdict =
  | { may: true; as: StopAuthority }
  | { may: false; who: string; because?: string; refusal: string };

/**
 * Who may stop or retry an intent: its requester (the principal the intent was bound to when it was submitted),
 * an owner of its service or a release steward (`catalog.releaseStewards`); answers which of them `principal`
 * is (an owner who requested is its requester), or who may instead.
 */
export function controlVerdict(
  intentId: string,
  entries: readonly LedgerEntry[] | readonly StoredEntry[],
  principal: string,
  catalog: Catalog,
  verb: 'stop' | 'retry',
): ControlVerdict {
  const controllers = controllersOf(entries, catalog);
  const { requester, service, owners } = controllers;
  const authority = authorityOf(principal, controllers);
  if (authority) return { may: true, as: authority };
  const who =
    [
      requester ? `its requester ${requester}` : undefined,
      owners.length > 0 ? `an owner of ${service} (${owners.join(', ')})` : undefined,
      stewardsClause(controllers),
    ]
      .filter(Boolean)
      .join(' or ') || 'its requester or an owner of its service';
  return { may: false, who, refusal: `${principal} may not ${verb} intent ${intentId}: only ${who} may` };
}

/**
 * `controlVerdict` for `caller`: answers the authority it acts under. Throws `NotInControlError` naming who may,
 * otherwise.
 */
export function assertInControl(
  intentId: string,
  entries: StoredEntry[],
  caller: Caller,
  catalog: Catalog,
  verb: 'stop' | 'retry',
): StopAuthority {
  const verdict = controlVerdict(intentId, entries, caller.principal, catalog, verb);
  if (!verdict.may) throw new NotInControlError(verdict.refusal);
  return verdict.as;
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
