import { checkCompleteness } from '../completeness.js';
import { ImpersonationError } from '../errors.js';
import { screenIntent } from '../intake/screen-intent.js';
import { screenPayloadRef } from '../intake/screen-payload-ref.js';
import { bindRequester, serviceOf } from '../principals/bind-requester.js';
import type { Caller } from '../principals/caller.js';
import { declaredTags } from '../tags.js';
import { attemptRunId } from './attempts.js';
import { delegationsSeenBy } from './delegations.js';
import { type PipelineDeps, record } from './deps.js';
import { fallbackIntentId } from './parsed-intent.js';
import type { Declared, PipelineState } from './state.js';

/**
 * Stage 1: bind the requester to the authenticated caller, parse the intent (G, Θ, A, τ), check it is
 * complete against the catalog, derive its id and record `intent.declared`, `intent.incomplete` or
 * `request.refused`. Entry points bind the requester before they start the execution (and answer a refusal
 * themselves where they can); binding again here means no execution declares an intent for somebody who
 * did not submit it, however it was started. An incomplete or refused intent still gets an id (a digest of
 * what was sent) so the ledger shows it too.
 */
export async function declareIntent(state: PipelineState, deps: PipelineDeps): Promise<Declared> {
  const caller = state.caller;
  if (!caller) {
    return refuse(state, deps, 'caller', 'no authenticated caller came with the intent; nothing is declared');
  }
  // The entry points screened it already; an execution started any other way is screened here, before
  // binding echoes a field or anything is recorded: what the door refuses is never stored, only its reasons.
  const salt = deps.ids.next('salt');
  const screened = screenIntent(state.intent, salt);
  if (screened.issues.length > 0) return refuseAll(state, deps, screened.issues, caller);
  const byReference = await screenPayloadRef(state.intent, deps.payloads, salt);
  if (byReference.length > 0) return refuseAll(state, deps, byReference, caller);
  let bound: ReturnType<typeof bindRequester>;
  try {
    const now = deps.clock.now();
    const { catalog, voided } = await delegationsSeenBy(
      deps.catalog,
      caller.principal,
      serviceOf(state.intent),
      deps.state,
      now,
    );
    bound = bindRequester(state.intent, caller, catalog, now, voided);
  } catch (error) {
    if (error instanceof ImpersonationError) return refuse(state, deps, error.field, error.message, caller);
    throw error;
  }
  // Later stages read the execution's own intent: it must be the one declared, bound by its entry point.
  if (!isFixedPoint(state.intent, bound.intent)) {
    return refuse(
      state,
      deps,
      'authority.requester',
      `the intent reached the pipeline without its requester bound to the caller (${caller.principal}); submit it through the API, the event bus or the CLI`,
      caller,
    );
  }
  const checked = checkCompleteness(bound.intent, deps.catalog, salt, deps.clock.now());
  if (!checked.ok) {
    if (!checked.storable) return refuseAll(state, deps, checked.issues, caller);
    const { intentId, attempt } = runOf(fallbackIntentId(state.intent), state);
    const stored = await record(deps, intentId, 'intent.incomplete', {
      source: state.source,
      received: state.intent ?? null,
      issues: checked.issues,
      submittedBy: caller,
      ...attempt,
    });
    return {
      intentId,
      verdict: 'incomplete',
      issues: checked.issues,
      declaredAt: stored.entry.timestamp,
    };
  }
  const { intent } = checked;
  const { intentId, attempt } = runOf(checked.intentId, state);
  const tags = declaredTags(deps.catalog.services[intent.change.service]?.tags, intent.tags);
  const stored = await record(deps, intentId, 'intent.declared', {
    source: state.source,
    intent,
    authority: intent.authority,
    submittedBy: caller,
    binding: bound.binding,
    valueModel: intent.goal.valueModel,
    tags,
    ...attempt,
  });
  return {
    intentId,
    verdict: 'complete',
    issues: [],
    service: intent.change.service,
    title: intent.title,
    tags,
    declaredAt: stored.entry.timestamp,
  };
}

/** One `request.refused` entry: who called (if known), which field, why; the intent never runs. */
function refuse(
  state: PipelineState,
  deps: PipelineDeps,
  field: string,
  reason: string,
  caller?: Caller,
): Promise<Declared> {
  return refuseAll(state, deps, [{ path: field, message: reason }], caller);
}

/** `request.refused` with every issue; what was sent is not recorded, only why it was refused. */
async function refuseAll(
  state: PipelineState,
  deps: PipelineDeps,
  issues: Array<{ path: string; message: string }>,
  caller?: Caller,
): Promise<Declared> {
  const { intentId, attempt } = runOf(fallbackIntentId(state.intent), state);
  const stored = await record(deps, intentId, 'request.refused', {
    source: state.source,
    ...(caller ? { submittedBy: caller } : {}),
    issues,
    ...attempt,
  });
  return { intentId, verdict: 'refused', issues, declaredAt: stored.entry.timestamp };
}

/**
 * The id this run records under: the intent's own, or, for a later attempt its entry point chose
 * (`attempts.ts`), the attempt's, with the link to the previous attempt for the first entry. An attempt that
 * names another intent is ignored: the run is then the intent's own (and its execution a duplicate of it).
 */
function runOf(
  intentId: string,
  state: PipelineState,
): { intentId: string; attempt: { attempt?: NonNullable<PipelineState['attempt']> } } {
  const attempt = state.attempt;
  if (!attempt || attempt.intentId !== intentId) return { intentId, attempt: {} };
  return { intentId: attemptRunId(intentId, attempt.number), attempt: { attempt } };
}

/** Whether binding left the authority as it was (an entry point bound it already). */
function isFixedPoint(raw: unknown, bound: unknown): boolean {
  const authorityOf = (value: unknown) => (value as { authority?: unknown } | null)?.authority;
  return JSON.stringify(authorityOf(raw)) === JSON.stringify(authorityOf(bound));
}
