import type * as z from 'zod';
import type { LedgerEntry, LedgerStore, StoredEntry } from '../../ports/ledger-store.js';
import type { StateStore } from '../../ports/state-store.js';
import { ImpersonationError, IntentIdConflictError, VersionConflictError } from '../errors.js';
import { canonicalDigest } from '../ledger/canonical-json.js';
import type { attemptPart } from '../ledger/entry-payload-parts.js';
import {
  intentConcludedPayload,
  intentDeclaredPayload,
  ledgerPayloads,
  payloadOf,
} from '../ledger/entry-payloads.js';
import { stateKeys } from '../state-keys.js';
import type { Outcome } from './state.js';

/**
 * Attempts: one execution per intent, however often it arrives, until an attempt ends without releasing.
 *
 * An intent runs under its own id; an attempt after the first runs under `<id>:attempt-<n>`, a suffix no intent
 * id may end with (`reservedAttemptSuffix`), so an attempt's id never equals another intent's, and it stays a
 * name evidence bundles and checkpoints can carry. Which attempt is current lives in one
 * state item, bumped by a conditional write that a concurrent submission loses: the loser starts the winner's
 * attempt, whose execution name already exists, and is answered as a duplicate. A bus delivery that started an
 * attempt is remembered, so a redelivered event never starts the next one.
 */

export type Attempt = z.infer<typeof attemptPart>;

/** What a submission starts: the id the run records under, and for a later attempt, its link to the previous. */
export interface ChosenAttempt {
  runId: string;
  attempt?: Attempt;
}

interface AttemptRecord {
  number: number;
  runId: string;
}

/**
 * Outcomes after which the intent may run again as a new attempt — submitted again, or retried (`itv retry`,
 * `retry-intent.ts`), one rule for both: it changed nothing, or undid itself. A rejection by rule runs every rule
 * again (the catalog, the policy, a delegation or the clock may have changed since; if none has, it is rejected
 * again, and the ledger shows it was asked). Not after a release, nor a reviewer's rejection (a new attempt would
 * go to review again, perhaps before another reviewer of record: the same id after it is a duplicate of the
 * rejected attempt), nor a frozen or held release, which stays where it was held (moving it on is a new change).
 */
export const rerunnableOutcomes: readonly Outcome[] = [
  'rolled-back',
  'refused',
  'rejected-incomplete',
  'rejected-structure',
  'schema-update-required',
  'rejected-policy',
  'failed-verification',
  'stopped',
  'failed',
];
const rerunnable = new Set<string>(rerunnableOutcomes);

/** The id attempt `number` of `intentId` runs under: the intent's own id for the first. */
export function attemptRunId(intentId: string, number: number): string {
  return number === 1 ? intentId : `${intentId}:attempt-${number}`;
}

/** The intent and attempt number a run id names: the inverse of `attemptRunId`. */
export function attemptOfRun(runId: string): { intentId: string; number: number } {
  const match = /^(.*):attempt-(\d+)$/.exec(runId);
  return match ? { intentId: match[1]!, number: Number(match[2]) } : { intentId: runId, number: 1 };
}

/**
 * The stop of a run whose release must not be reverted and was held where it stood (`intent.stopped`, action
 * `held`), if it was: it concludes `stopped`, yet it is partly out, as a frozen or held release is, and may not
 * run again as it is. Example: stopped at 40 % of users → `{by: 'alice', …}`.
 */
export function heldByStop(entries: ReadonlyArray<{ entry: LedgerEntry }>): { by: string } | undefined {
  for (const { entry } of entries) {
    if (entry.type !== 'intent.stopped') continue;
    const stop = payloadOf(entry, ledgerPayloads['intent.stopped']);
    if (stop.action === 'held') return { by: stop.by };
  }
  return undefined;
}

/** Whether a run's ledger entries show it ended without releasing: its execution failed, or it concluded so. */
export function endedUnreleased(entries: ReadonlyArray<{ entry: LedgerEntry }>): boolean {
  let ended = false;
  for (const { entry } of entries) {
    if (entry.type === 'stage.failed') ended = true;
    if (entry.type === 'intent.concluded') {
      ended = rerunnable.has(String(payloadOf(entry, intentConcludedPayload).outcome));
    }
  }
  return ended && !heldByStop(entries);
}

/**
 * An intent id is its first requester's: a submission for anybody else under it — answered as a duplicate of
 * their change, or started as its next attempt once theirs ended unreleased — would let one principal's change
 * stand for another's. Refused (403 naming `id`) before anything is recorded; the same requester (or a delegate
 * submitting for them, whose intent they are) goes on as before.
 */
export async function refuseAnotherRequestersId(
  intentId: string,
  requester: string | undefined,
  deps: { ledger: Pick<LedgerStore, 'forIntent'>; ledgerName: string },
): Promise<void> {
  const declared = (await deps.ledger.forIntent(deps.ledgerName, intentId)).find(
    (stored) => stored.entry.type === 'intent.declared',
  );
  if (!declared) return;
  const first = payloadOf(declared.entry, intentDeclaredPayload).authority?.requester;
  if (typeof first === 'string' && first !== requester) {
    const not = requester === undefined ? 'and this one names no requester' : `not ${requester}'s`;
    throw new ImpersonationError(
      `intent id ${intentId} is ${first}'s change, ${not}: give this change an id of its own`,
      'id',
    );
  }
}

/**
 * An intent id names one change. Submitted again with other content while the run it would join stands (in
 * flight, or concluded so that a submission is answered as its duplicate), the answer would be that change's, and
 * this content would never run: refused (`IntentIdConflictError`, 409 naming `id`) before anything is recorded.
 * A run not yet declared is not judged (its declaration is on its way). Content is compared as an id is derived
 * from it (`deriveIntentId`): without `simulation`, and without who submitted it — a delegate resubmitting the
 * owner's change submits the same change.
 */
export async function refuseOtherContent(
  runId: string,
  intent: Record<string, unknown>,
  deps: { ledger: Pick<LedgerStore, 'forIntent'>; ledgerName: string },
): Promise<void> {
  const entries = await deps.ledger.forIntent(deps.ledgerName, runId);
  const declared = entries.find((stored) => stored.entry.type === 'intent.declared')?.entry;
  if (!declared) return;
  const earlier = payloadOf(declared, intentDeclaredPayload).intent as Record<string, unknown>;
  if (canonicalDigest(changeContent(earlier)) === canonicalDigest(changeContent(intent))) return;
  const concluded = entries.find((stored) => stored.entry.type === 'intent.concluded')?.entry;
  const state = concluded ? String(payloadOf(concluded, intentConcludedPayload).outcome) : 'in flight';
  // Named as it was given: an attempt after the first runs under `<id>:attempt-<n>`, which the caller never typed.
  const { intentId, number } = attemptOfRun(runId);
  const attempt = number > 1 ? `its attempt ${number}, ${runId}, ` : '';
  throw new IntentIdConflictError(
    `intent id ${intentId} already names another change (${attempt}declared at seq ${declared.seq}, ${state}): give this change an id of its own`,
  );
}

/** What makes an intent the change it is: all of it but its simulated faults and who submitted it. */
function changeContent(intent: Record<string, unknown>): Record<string, unknown> {
  const { simulation: _simulation, ...content } = intent;
  const authority = content.authority as Record<string, unknown> | undefined;
  if (authority === undefined || authority === null || typeof authority !== 'object') return content;
  const { requester: _requester, onBehalfOf: _onBehalfOf, delegations: _delegations, ...rest } = authority;
  return { ...content, authority: rest };
}

/**
 * Throws when whoever asks may not run the attempt `runId`, which ended unreleased with `entries`, again: called
 * before the next attempt is claimed, so a refusal writes nothing.
 */
export type RunAgainGuard = (runId: string, entries: StoredEntry[]) => Promise<void>;

/**
 * The attempt a submission of `intentId` starts. `deliveryId` (an event's id) makes a redelivery start what the
 * first delivery started. `mayRunAgain` judges the caller before a next attempt is claimed.
 */
export async function chooseAttempt(
  intentId: string,
  deliveryId: string | undefined,
  deps: { state: StateStore; ledger: Pick<LedgerStore, 'forIntent'>; ledgerName: string },
  mayRunAgain?: RunAgainGuard,
): Promise<ChosenAttempt> {
  if (deliveryId) {
    const key = stateKeys.delivery(intentId, deliveryId);
    const delivered = await deps.state.get<ChosenAttempt>(key.pk, key.sk);
    if (delivered) return delivered.data;
  }
  const chosen = await currentOrNext(intentId, deps, mayRunAgain);
  if (!deliveryId) return chosen;
  const key = stateKeys.delivery(intentId, deliveryId);
  try {
    await deps.state.put(key.pk, key.sk, chosen, 0);
    return chosen;
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    // The same event delivered twice at once: both start what the first recorded.
    return ((await deps.state.get<ChosenAttempt>(key.pk, key.sk))?.data ?? chosen) as ChosenAttempt;
  }
}

async function currentOrNext(
  intentId: string,
  deps: { state: StateStore; ledger: Pick<LedgerStore, 'forIntent'>; ledgerName: string },
  mayRunAgain: RunAgainGuard | undefined,
): Promise<ChosenAttempt> {
  const key = stateKeys.attempt(intentId);
  for (;;) {
    const item = await deps.state.get<AttemptRecord>(key.pk, key.sk);
    const current = item?.data ?? { number: 1, runId: intentId };
    const entries = await deps.ledger.forIntent(deps.ledgerName, current.runId);
    if (!endedUnreleased(entries)) return chosen(intentId, current);
    await mayRunAgain?.(current.runId, entries);
    const next = { number: current.number + 1, runId: attemptRunId(intentId, current.number + 1) };
    try {
      await deps.state.put(key.pk, key.sk, next, item?.version ?? 0);
      return chosen(intentId, next, current.runId);
    } catch (error) {
      // Another submission started the next attempt first: read again, and start (or find) that one.
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
}

function chosen(intentId: string, record: AttemptRecord, previousIntentId?: string): ChosenAttempt {
  if (record.number === 1) return { runId: record.runId };
  return {
    runId: record.runId,
    attempt: {
      intentId,
      number: record.number,
      previousIntentId: previousIntentId ?? attemptRunId(intentId, record.number - 1),
    },
  };
}
