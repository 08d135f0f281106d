import {
  IneligibleReviewerError,
  InvalidInputError,
  ItvError,
  SeparationOfDutiesError,
  VersionConflictError,
} from '../errors.js';
import { type Intent, intentSchema } from '../intent.js';
import type { Caller } from '../principals/index.js';
import {
  type ReviewerCandidate,
  reviewerCandidates,
  reviewerDomainsOf,
  reviewersByRole,
} from '../reviewers.js';
import { type InFlightRecord, stateKeys } from '../state-keys.js';
import { type PipelineDeps, record } from './deps.js';
import { freeLane } from './lane-wait.js';
import { lacksRequiredReason, rejectionReasonRequired } from './review-reason.js';
import type { AdmissionResult, PipelineState, ReviewResult } from './state.js';
import { intentStatus } from './status.js';
import { stopRequestOf } from './stop-intent.js';

/**
 * A review waits at most a week (the AwaitReview Task's TimeoutSeconds): then the execution fails with
 * `States.Timeout` and RecordFailure writes why. The local runtime keeps the same deadline.
 */
export const reviewTimeoutSeconds = 7 * 24 * 3600;

export interface ReviewRequest {
  intentId: string;
  taskToken: string;
  requestedAt: string;
  /** When the wait times out: `requestedAt` plus `reviewTimeoutSeconds` (absent on requests written before). */
  expiresAt?: string;
  requester: string;
  /** The pipeline state at the review wait, so the local runtime can resume from it. */
  state: PipelineState;
  /** Local runtime: the process still waiting on this review in process, if any. */
  waiter?: number;
}

/** The intent is not waiting for a reviewer (unknown id, never needed review, or already decided). */
export class NotAwaitingReviewError extends ItvError {}

/** The review wait's deadline passed with no decision: the execution fails (`States.Timeout`), nothing is recorded. */
export class ReviewTimedOutError extends NotAwaitingReviewError {
  constructor(
    message: string,
    readonly request: ReviewRequest,
  ) {
    super(message);
  }
}

/** When the review wait of `request` times out. */
export function reviewExpiresAt(request: Pick<ReviewRequest, 'requestedAt' | 'expiresAt'>): string {
  return (
    request.expiresAt ?? new Date(Date.parse(request.requestedAt) + reviewTimeoutSeconds * 1000).toISOString()
  );
}

/** The review is recorded, but the wait it was for had already ended (timed out or stopped): nothing resumed. */
export class ReviewWaitEndedError extends ItvError {}

/** The review is recorded, but resuming the execution failed: the same review sent again resumes it. */
export class ReviewResumeFailedError extends ItvError {}

/** A release that needs a reviewer of record has no approval recorded by the review route: it does not start. */
export class ReviewNotRecordedError extends ItvError {}

/**
 * Stage 5b: a tier that needs a reviewer of record waits here. Records `review.requested` once and keeps
 * the task token; returns the decision when one was already recorded (a resumed or retried wait).
 */
export async function requestReview(
  intentId: string,
  taskToken: string,
  state: PipelineState,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock' | 'state' | 'catalog' | 'policies' | 'laneWake'>,
): Promise<ReviewResult | undefined> {
  const intent = intentSchema.parse(state.intent);
  // Nobody queues behind a person: the lane is given up while the review waits, and an approval goes back through
  // admission for it (non-interference), where freezes and deadlines the wait may have crossed are judged again.
  // An authorized emergency keeps it: it went ahead of everyone, maybe by stopping a release, which giving the lane
  // back would start again only to stop it once more when the emergency is approved.
  const place = stateKeys.inFlightIntent(intentId);
  const held = await deps.state.get<InFlightRecord>(place.pk, place.sk);
  const keepsLane = held?.data.emergencyOverride === true;
  if (!keepsLane) await freeLane(intentId, deps);
  const key = stateKeys.reviewRequest(intentId);
  // A resumed wait (after a restart, or a stop's or a timeout's resumption) keeps the deadline it was given.
  const existing = (await deps.state.get<ReviewRequest>(key.pk, key.sk))?.data;
  const requestedAt = existing?.requestedAt ?? deps.clock.now().toISOString();
  const expiresAt = existing ? reviewExpiresAt(existing) : reviewExpiresAt({ requestedAt });
  await record(deps, intentId, 'review.requested', {
    tier: state.admission?.tier,
    requester: intent.authority.requester,
    reviewers: reviewersOfRecord(intent, state.admission, deps),
    ...(state.admission && !keepsLane ? { laneReleased: state.admission.lane } : {}),
    expiresAt,
  });
  const request: ReviewRequest = {
    intentId,
    taskToken,
    requestedAt,
    expiresAt,
    requester: intent.authority.requester,
    state,
  };
  await deps.state.put(key.pk, key.sk, request);
  const decided = await readReview(intentId, deps);
  if (decided) await recordDecision(intentId, decided, deps);
  return decided;
}

/**
 * Whether `intent` is a break-glass: an emergency override (`authority.emergencyOverride`, admitted only from
 * one with the authority to declare it) that a rule let through only by an exemption admission recorded
 * (`admission.exemptions`: the freeze rule's emergency fix of a named incident). Its release stewards may then
 * decide it beside its owners (`reviewersByRole`).
 */
export function isBreakGlass(
  intent: Pick<Intent, 'authority'>,
  admission: Pick<AdmissionResult, 'exemptions'> | undefined,
): boolean {
  return intent.authority.emergencyOverride && (admission?.exemptions ?? []).length > 0;
}

/**
 * Who may decide a review of `intent`, admitted as `admission` records: its service's reviewers of record
 * (`reviewersByRole`: with the release stewards for a break-glass), never its requester, the principal it was
 * requested on behalf of, nor a grantor of a delegation it cites (the caller acted on their authority:
 * `principals/bind-requester.ts` cites those its team and role rest on) — separation of duties. Each comes with
 * the capacity it decides in. Example: incident-router's break-glass requested by grace →
 * `[{ principal: 'heidi', as: 'release-steward' }]`.
 */
export function reviewersOfRecordByRole(
  intent: Intent,
  admission: Pick<AdmissionResult, 'exemptions'> | undefined,
  deps: Pick<PipelineDeps, 'catalog' | 'policies'>,
): ReviewerCandidate[] {
  const service = deps.catalog.services[intent.change.service];
  if (!service) return [];
  const parties = [intent.authority.requester, intent.authority.onBehalfOf, ...grantorsOf(intent)];
  return reviewersByRole(service, deps.catalog, deps.policies.reviewedDomains, {
    breakGlass: isBreakGlass(intent, admission),
  }).filter(({ principal }) => !parties.includes(principal));
}

/**
 * Who may decide a review of `intent` (`reviewersOfRecordByRole`), by principal id.
 * Example: patient-records requested by victor → `['xavier']`.
 */
export function reviewersOfRecord(
  intent: Intent,
  admission: Pick<AdmissionResult, 'exemptions'> | undefined,
  deps: Pick<PipelineDeps, 'catalog' | 'policies'>,
): string[] {
  return reviewersOfRecordByRole(intent, admission, deps).map(({ principal }) => principal);
}

/** Reviewers for a message, a release steward said as such: `bob, heidi (release steward, for this break-glass)`. */
function reviewerNames(reviewers: readonly ReviewerCandidate[]): string {
  return reviewers
    .map(({ principal, as }) =>
      as === 'release-steward' ? `${principal} (release steward, for this break-glass)` : principal,
    )
    .join(', ');
}

/** Whose delegations the requester relied on: the grantors of those the intent cites. */
export function grantorsOf(intent: Pick<Intent, 'authority'>): string[] {
  return [...new Set(intent.authority.delegations.map((d) => d.from))];
}

/**
 * The name of Verify's check that a reviewer of record is assigned. It passes before anyone has reviewed, so it
 * says `assigned`, never that the change was approved: the decision is its own `review.approved` or
 * `review.rejected` entry. Bundles sealed before it was renamed name it `reviewer-of-record` and verify as
 * written, since every artifact is recomputed from the bundle's own entries.
 */
export const reviewerAssignedCheck = 'reviewer-of-record-assigned';

/**
 * Verify's check that someone may decide a change that needs a reviewer of record: without one it would wait out
 * the whole review window for nothing. Example, passing: `xavier will decide (review pending)`; failing:
 * pricing-engine's only owner, dana, requested the change (an ordinary change: for a break-glass a release
 * steward may decide it).
 */
export function reviewerOfRecordCheck(
  intent: Intent,
  admission: Pick<AdmissionResult, 'exemptions'> | undefined,
  deps: Pick<PipelineDeps, 'catalog' | 'policies'>,
): { check: typeof reviewerAssignedCheck; passed: boolean; detail: string } {
  const eligible = reviewersOfRecordByRole(intent, admission, deps);
  if (eligible.length > 0) {
    const who = eligible.length === 1 ? reviewerNames(eligible) : `one of ${reviewerNames(eligible)}`;
    return {
      check: reviewerAssignedCheck,
      passed: true,
      detail: `${who} will decide (review pending)`,
    };
  }
  const name = intent.change.service;
  const service = deps.catalog.services[name];
  const domains = service ? reviewerDomainsOf(service, deps.policies.reviewedDomains) : [];
  const breakGlass = isBreakGlass(intent, admission);
  const candidates = service
    ? reviewerCandidates(service, deps.catalog, deps.policies.reviewedDomains, { breakGlass })
    : [];
  // Only where the owners decide do the release stewards join them for a break-glass (`reviewersByRole`).
  const stewardsToo = breakGlass && domains.length === 0;
  const deciders =
    domains.length > 0
      ? `the reviewers of record for ${domains.join(' and ')}`
      : stewardsToo
        ? 'its owners or, for a break-glass, a release steward'
        : 'its owners';
  const remedy =
    domains.length > 0
      ? `add a reviewer of record for ${domains.join(' or ')} to the catalog`
      : stewardsToo
        ? `add another owner of ${name} or a release steward to the catalog`
        : `add another owner of ${name} to the catalog`;
  const why =
    candidates.length === 0
      ? `the catalog names none of ${deciders} for a change to ${name}`
      : `a change to ${name} is decided by ${deciders} (${candidates.join(', ')}), and ${candidates
          .map((principal) =>
            principal === intent.authority.requester
              ? `${principal} requested it`
              : principal === intent.authority.onBehalfOf
                ? `it is made on behalf of ${principal}`
                : `it is made under a delegation from ${principal}`,
          )
          .join(', and ')} (separation of duties)`;
  return {
    check: reviewerAssignedCheck,
    passed: false,
    detail: `this change needs a reviewer of record, and the catalog names nobody who may decide it: ${why}; ${remedy}`,
  };
}

/** What a refusal for separation of duties adds: who may decide instead, or that the catalog names nobody. */
function decidedInstead(intent: Intent, others: readonly ReviewerCandidate[]): string {
  return others.length > 0
    ? `another reviewer of record must (${reviewerNames(others)})`
    : `the catalog names no other reviewer of record for ${intent.change.service}`;
}

function recordDecision(
  intentId: string,
  review: ReviewResult,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock'>,
) {
  return record(deps, intentId, `review.${review.decision}`, { ...review }, 'review.decided');
}

/**
 * The approval a release that needs a reviewer of record starts on: the one the review route recorded after its
 * checks (`recordReview`). The review wait's own output is never enough: it is whatever came back with the task
 * token, and on AWS whoever can read the execution's history and call SendTaskSuccess could send one.
 */
export async function recordedApproval(
  intentId: string,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<ReviewResult> {
  const recorded = await readReview(intentId, deps);
  if (!recorded) {
    throw new ReviewNotRecordedError(
      `intent ${intentId} needs a reviewer of record, and no approval is recorded for it: its review wait ended without a review through itv, so the release does not start`,
    );
  }
  if (recorded.decision !== 'approved') {
    throw new ReviewNotRecordedError(
      `intent ${intentId} was rejected by ${recorded.reviewer}, yet its review wait ended as approved: the release does not start`,
    );
  }
  return recorded;
}

/** What the review item holds when the intent concluded with no review recorded: none may be recorded after. */
interface ReviewClosed {
  closedAt: string;
}

const isClosed = (data: ReviewResult | ReviewClosed): data is ReviewClosed => 'closedAt' in data;

/** Reads a recorded review decision, if any (a review closed by the intent's conclusion is none). */
export async function readReview(
  intentId: string,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<ReviewResult | undefined> {
  const key = stateKeys.review(intentId);
  const data = (await deps.state.get<ReviewResult | ReviewClosed>(key.pk, key.sk))?.data;
  return data && !isClosed(data) ? data : undefined;
}

/**
 * Called by Learn and RecordFailure before the entry that ends an intent which needed a review: the review item
 * is created closed (only if absent), so no review can be decided after; if a review was decided first, its
 * ledger entry is written here (the route's idempotency key: once), so it always precedes the conclusion.
 * With `recordReview`'s own create-only write of the same item, one conditional write settles which came first.
 */
export async function closeReview(
  intentId: string,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock' | 'state'>,
): Promise<void> {
  const key = stateKeys.review(intentId);
  try {
    await deps.state.put<ReviewClosed>(key.pk, key.sk, { closedAt: deps.clock.now().toISOString() }, 0);
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const decided = await readReview(intentId, deps);
    if (decided) await recordDecision(intentId, decided, deps);
  }
}

/**
 * Why `intentId` no longer waits for a review, if it does not: it ended (concluded or failed), or somebody asked
 * to stop it (the stop fails the review wait; Learn concludes it). Refusing here writes nothing.
 */
async function reviewNoLongerAwaited(
  intentId: string,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'state'>,
): Promise<string | undefined> {
  const status = intentStatus(intentId, await deps.ledger.forIntent(deps.ledgerName, intentId));
  if (status && (status.outcome !== null || status.status === 'failed')) {
    return `intent ${intentId} is ${status.status}: it no longer waits for a review, so this one is not recorded`;
  }
  const stop = await stopRequestOf(intentId, deps);
  if (stop) {
    return `intent ${intentId} was stopped by ${stop.by} at ${stop.requestedAt} (${stop.reason}): it no longer waits for a review, so this one is not recorded`;
  }
  return undefined;
}

/**
 * A reviewer of record approves or rejects. `reviewer` is the authenticated caller already resolved to a
 * catalog principal (never a name from a request body); separation of duties and eligibility compare
 * principal ids, and the identity it authenticated as is recorded beside it.
 * Returns the pending request so the caller can resume the execution (task token on AWS, local resume); the
 * same decision by the same reviewer again is a retry (`retried`), so a review whose resume failed can be sent
 * again until the execution resumes.
 */
export async function recordReview(
  input: { intentId: string; decision: 'approved' | 'rejected'; reviewer: Caller; reason?: string },
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock' | 'state' | 'catalog' | 'policies'>,
): Promise<{ request: ReviewRequest; review: ReviewResult; retried: boolean }> {
  const reviewer = input.reviewer.principal.trim();
  if (!reviewer) {
    throw new InvalidInputError('reviewer is required', [
      { path: 'reviewer', message: 'must name a principal' },
    ]);
  }
  if (lacksRequiredReason(input.decision, input.reason)) {
    throw new InvalidInputError('a rejection needs a reason', [
      { path: 'reason', message: rejectionReasonRequired },
    ]);
  }
  const requestKey = stateKeys.reviewRequest(input.intentId);
  const request = (await deps.state.get<ReviewRequest>(requestKey.pk, requestKey.sk))?.data;
  if (!request) throw new NotAwaitingReviewError(`intent ${input.intentId} is not waiting for a review`);
  const intent = intentSchema.parse(request.state.intent);
  const eligible = reviewersOfRecordByRole(intent, request.state.admission, deps);
  // Who may not review this intent hears that first (403), not how its wait went (409).
  if (request.requester === reviewer) {
    throw new SeparationOfDutiesError(
      `${reviewer} requested this change, and the requester cannot review it (separation of duties): ${decidedInstead(intent, eligible)}`,
    );
  }
  if (intent.authority.onBehalfOf === reviewer) {
    throw new SeparationOfDutiesError(
      `${request.requester} requested this change on behalf of ${reviewer}, who therefore cannot review it (separation of duties): ${decidedInstead(intent, eligible)}`,
    );
  }
  if (grantorsOf(intent).includes(reviewer)) {
    throw new SeparationOfDutiesError(
      `${request.requester} requested this change under a delegation from ${reviewer}, who therefore cannot review it (separation of duties): ${decidedInstead(intent, eligible)}`,
    );
  }
  const role = eligible.find(({ principal }) => principal === reviewer)?.as;
  if (!role) {
    throw new IneligibleReviewerError(
      `${reviewer} is not a reviewer of record for ${intent.change.service}: eligible are ${reviewerNames(eligible) || '(none configured in the catalog)'}`,
    );
  }
  const ended = await reviewNoLongerAwaited(input.intentId, deps);
  if (ended) {
    const first = await readReview(input.intentId, deps);
    throw new NotAwaitingReviewError(
      first ? `intent ${input.intentId} was already ${first.decision} by ${first.reviewer}; ${ended}` : ended,
    );
  }
  // Past its deadline the wait has timed out (on AWS Step Functions has failed it already): a review that was
  // recorded in time is answered below as before; a new one is not recorded.
  const expiresAt = reviewExpiresAt(request);
  if (deps.clock.now().getTime() >= Date.parse(expiresAt) && !(await readReview(input.intentId, deps))) {
    throw new ReviewTimedOutError(
      `intent ${input.intentId} waited for a review until ${expiresAt}, ${reviewTimeoutSeconds / 86_400} days after it was requested: nobody decided, so its wait timed out and the intent fails; this review is not recorded`,
      request,
    );
  }
  const review: ReviewResult = {
    decision: input.decision,
    reviewer,
    as: role,
    authenticatedAs: input.reviewer.authenticatedAs,
    ...(input.reviewer.matched ? { matched: input.reviewer.matched } : {}),
    reason: input.reason,
    decidedAt: deps.clock.now().toISOString(),
  };
  const reviewKey = stateKeys.review(input.intentId);
  // Created only if absent: two reviewers racing cannot both decide, nor can a review race the intent's end.
  // The ledger entry follows (same idempotency key on every retry); if this process dies in between, the
  // resumed review wait writes it. A stop (or a timeout) landing after the check above ends in Learn or
  // RecordFailure, which create this same item closed before their last entry (`closeReview`): if they come
  // first this write fails and nothing is recorded; if this write comes first they write the review's entry
  // themselves, before the conclusion, and the one below finds it already there. Either way no review entry
  // follows the intent's conclusion.
  try {
    await deps.state.put(reviewKey.pk, reviewKey.sk, review, 0);
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const stored = (await deps.state.get<ReviewResult | ReviewClosed>(reviewKey.pk, reviewKey.sk))?.data;
    if (stored && isClosed(stored)) {
      throw new NotAwaitingReviewError(
        `intent ${input.intentId} has ended: it no longer waits for a review, and none is recorded`,
      );
    }
    const first = stored;
    // The same reviewer sending the same decision again is a retry of a review whose resume may have failed:
    // nothing new is recorded, and the caller resumes the execution again.
    if (first && first.decision === review.decision && first.reviewer === reviewer) {
      // Once the intent has ended there is nothing left to resume: the review is no longer awaited.
      const ended = (await deps.ledger.forIntent(deps.ledgerName, input.intentId)).find(({ entry }) =>
        ['intent.concluded', 'stage.failed'].includes(entry.type),
      );
      if (ended) {
        throw new NotAwaitingReviewError(
          `intent ${input.intentId} was already ${first.decision} by ${first.reviewer}, and has ended since`,
        );
      }
      await recordDecision(input.intentId, first, deps);
      return { request, review: first, retried: true };
    }
    throw new NotAwaitingReviewError(
      first
        ? `intent ${input.intentId} was already ${first.decision} by ${first.reviewer}`
        : `intent ${input.intentId} was decided by another reviewer just now`,
    );
  }
  await recordDecision(input.intentId, review, deps);
  return { request, review, retried: false };
}

/**
 * Local runtime: claims the one resumption of an intent's parked review wait (created only if absent), so a
 * review sent again, by a retry or after a restart, never resumes the execution twice. False when claimed
 * before. (On AWS the task token is the claim: Step Functions takes it once.)
 */
export async function claimReviewResumption(
  intentId: string,
  deps: Pick<PipelineDeps, 'state' | 'clock'>,
): Promise<boolean> {
  const key = stateKeys.reviewResumed(intentId);
  try {
    await deps.state.put(key.pk, key.sk, { at: deps.clock.now().toISOString() }, 0);
    return true;
  } catch (error) {
    if (error instanceof VersionConflictError) return false;
    throw error;
  }
}
