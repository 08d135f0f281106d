import {
  cacheDecision,
  decisionContinuity,
  fingerprintAttributes,
  forgetDecision,
} from '../compounding/index.js';
import { confidenceLowerBound } from '../confidence.js';
import { type Intent, intentSchema } from '../intent.js';
import { dueAt } from '../intent-timing.js';
import { costOfDelay, valuePerHour } from '../value.js';
import { readConfidence, recordOutcome } from './confidence-store.js';
import { type PipelineDeps, record } from './deps.js';
import { freeLane } from './lane-wait.js';
import { registerContract } from './released-contracts.js';
import { closeReview, readReview } from './review.js';
import { type LearningResult, learningResultSchema, type Outcome, type PipelineState } from './state.js';
import { stoppedAtStage, stopRequestOf } from './stop-intent.js';

/** The outcome of an execution, read from what the stages returned. */
export function outcomeOf(state: PipelineState): Outcome {
  if (state.error) return 'failed';
  // A person's stop, honoured before the release (caught) or by rolling it back or holding it.
  if (state.stopped || state.release?.decision?.stop) return 'stopped';
  // Unless the deployment completed before the stop reached it: then it released.
  const release = state.release;
  if (release?.stoppedBy && (release.state !== 'COMPLETE' || release.escalation?.cause === 'stop')) {
    return 'stopped';
  }
  if (state.declared?.verdict === 'refused') return 'refused';
  if (state.declared?.verdict !== 'complete') return 'rejected-incomplete';
  if (state.structure?.verdict === 'invalid') return 'rejected-structure';
  if (state.structure?.verdict === 'schema-update-required') return 'schema-update-required';
  if (state.admission?.verdict === 'rejected') return 'rejected-policy';
  if (state.verification && !state.verification.passed) return 'failed-verification';
  if (state.reviewError) return 'rejected-review';
  // A person's decision on a hold (or the wait's expiry) says how the release ended.
  if (state.release?.decision?.decision === 'hold') return 'held';
  if (state.release?.decision?.decision === 'roll-back') {
    return state.release.state === 'COMPLETE' ? 'rolled-back' : 'failed';
  }
  if (state.release?.escalation?.response === 'freeze') return 'frozen';
  // Regressed and, as its constraints asked, not reverted: left where the regression found it (a stepped release
  // at its step's share of users; one AppConfig cannot pause, at the end of its schedule) until the fix-forward
  // change escalated to the owners replaces it. Whatever AppConfig's state, that is no released value.
  if (state.release?.escalation?.response === 'roll-forward') return 'rolled-forward';
  if (state.release?.state === 'COMPLETE') return 'released';
  if (state.release?.state === 'ROLLED_BACK' || state.release?.state === 'REVERTED') return 'rolled-back';
  return 'failed';
}

/**
 * What the release says about the change itself: `clean` (released, no regression, SLOs met), `regressed` (an
 * alarm rolled it back, froze it or made it roll forward) or `not-judged` (never released, stopped for a
 * policy breach, which is no fault of the change, rolled back or held by an alarm raised before its release
 * began (`alarmPredatesRelease`), or released while the service published no telemetry, which
 * proves nothing either way). Only the first two feed confidence and the decision cache.
 */
export function releaseVerdict(state: PipelineState): 'clean' | 'regressed' | 'not-judged' {
  const release = state.release;
  if (!release || state.error) return 'not-judged';
  // A schema update deployed nothing: the service's health says nothing of it.
  if (release.contractOnly) return 'not-judged';
  // Rolled back or held by an alarm an earlier release raised: nothing was learned about this change.
  if (release.alarmPredatesRelease) return 'not-judged';
  if (release.escalation) return release.escalation.cause === 'regression' ? 'regressed' : 'not-judged';
  // Rolled forward past a regression: the change regressed even though a person let it through.
  if (release.decision?.cause === 'regression') return 'regressed';
  if (release.state === 'COMPLETE') {
    if (state.observation?.slosMet === false) return 'regressed';
    return state.observation?.datapoints === 0 ? 'not-judged' : 'clean';
  }
  if (release.state === 'ROLLED_BACK' || release.state === 'REVERTED') {
    return release.stopReason && !release.alarm ? 'not-judged' : 'regressed';
  }
  return 'not-judged';
}

/**
 * Stage 8: record the outcome, time to value and value per hour; feed clean and regressed releases into
 * confidence per (service, change kind); cache a cleanly released decision by fingerprint (or forget it on a
 * regression); report the decision continuity rate; free the intent's place among in-flight releases.
 */
export async function learn(state: PipelineState, deps: PipelineDeps): Promise<LearningResult> {
  const intentId = state.declared?.intentId;
  if (!intentId) throw new Error('Learn needs the declared intent id');
  const outcome = outcomeOf(state);
  const verdict = releaseVerdict(state);
  const parsed = intentSchema.safeParse(state.intent);
  const now = deps.clock.now();
  // A later attempt is the same change asked for again: it has waited since the first attempt was declared.
  const declaredAt = Date.parse(
    (await firstDeclaredAt(state, deps)) ?? state.declared?.declaredAt ?? now.toISOString(),
  );
  // A change scheduled for later is counted from the instant it asked for, not from its declaration: the wait
  // its requester chose is neither time to value lost nor a cost of delay.
  const due = parsed.success ? dueAt(parsed.data, new Date(declaredAt)) : undefined;
  const countedFrom = due ? due.getTime() : declaredAt;
  const valueAt =
    outcome === 'released' ? Date.parse(state.release?.completedAt ?? now.toISOString()) : undefined;
  const timeToValueSeconds = valueAt === undefined ? null : Math.max(0, (valueAt - countedFrom) / 1000);
  const hoursWaiting = Math.max(0, (valueAt ?? now.getTime()) - countedFrom) / 3_600_000;
  let confidence = 0;
  let valuePerHourUsd = 0;
  let costOfDelayUsd = 0;
  let decisionCache: string | null = null;
  if (parsed.success) {
    const { service, kind } = parsed.data.change;
    // The counts as this outcome left them: one conditional write on the running totals, or one read.
    const record =
      verdict === 'not-judged'
        ? await readConfidence(deps.state, service, kind)
        : await recordOutcome(deps.state, service, kind, intentId, verdict === 'clean');
    if (verdict !== 'not-judged') {
      decisionCache = await updateDecisionCache(state, parsed.data, intentId, verdict, deps);
    }
    confidence = confidenceLowerBound(record);
    valuePerHourUsd = valuePerHour(parsed.data.goal.valueModel);
    costOfDelayUsd = costOfDelay(parsed.data.goal.valueModel, hoursWaiting);
  }
  // Before the conclusion: a review decided by now is recorded ahead of it, and none can be decided after.
  if (state.verification?.requiresReview) await closeReview(intentId, deps);
  if (outcome === 'stopped') await recordStop(state, intentId, deps);
  // A released schema update makes its contract version one later intents may name: rolled back, stopped or
  // rejected, it registers nothing.
  if (outcome === 'released' && parsed.success)
    await registerReleasedContract(state, parsed.data, intentId, deps);
  const continuity = await decisionContinuity(deps.state);
  await freeLane(intentId, deps);
  const result: LearningResult = {
    outcome,
    timeToValueSeconds,
    valuePerHourUsd,
    costOfDelayUsd,
    confidence,
    decisionContinuityRate: continuity.rate,
  };
  const stored = await record(deps, intentId, 'intent.concluded', {
    ...result,
    countedFrom: new Date(countedFrom).toISOString(),
    releaseVerdict: verdict,
    strategy: state.release?.strategy ?? null,
    alarm: state.release?.alarm ?? null,
    escalation: state.release?.escalation ?? null,
    fingerprint: state.verification?.fingerprint ?? null,
    reusedDecision: state.verification?.reusedDecision?.decisionId ?? null,
    decisionCache,
    decisionContinuity: continuity,
    tier: state.admission?.tier ?? null,
    service: parsed.success ? parsed.data.change.service : null,
    kind: parsed.success ? parsed.data.change.kind : null,
    // As declared (the service's catalog tags with the intent's own); an execution declared before had its own only.
    tags: state.declared?.tags ?? (parsed.success ? parsed.data.tags : {}),
    failure: state.error ?? state.reviewError ?? state.stopped ?? null,
  });
  return learningResultSchema.parse(stored.entry.payload);
}

/**
 * `intent.stopped`: who stopped the intent and as what (requester, owner, release steward), why, and what the stop did — withdrawn before a release, or the
 * release rolled back or held. Once per intent, whichever retry of Learn writes it.
 */
async function recordStop(state: PipelineState, intentId: string, deps: PipelineDeps): Promise<void> {
  const request = await stopRequestOf(intentId, deps);
  if (!request) return;
  const release = state.release;
  const action = state.stopped
    ? 'withdrawn'
    : release?.state === 'ROLLED_BACK' || release?.state === 'REVERTED'
      ? 'rolled-back'
      : 'held';
  await record(deps, intentId, 'intent.stopped', {
    by: request.by,
    ...(request.as ? { as: request.as } : {}),
    authenticatedAs: request.authenticatedAs,
    reason: request.reason,
    requestedAt: request.requestedAt,
    action,
    stage: state.stopped ? stoppedAtStage(state.stopped.Cause) : 'CheckRelease',
  });
}

/**
 * `contract.registered`: the contract version a released schema update carries, registered once (a retried Learn
 * finds its own registration and records the entry it may have missed; `record` appends it once). A version the
 * catalog defines meanwhile, or that another schema update registered first, registers nothing.
 */
async function registerReleasedContract(
  state: PipelineState,
  intent: Intent,
  intentId: string,
  deps: PipelineDeps,
): Promise<void> {
  const introduced = state.structure?.introduces;
  if (intent.change.kind !== 'schema-update' || !introduced) return;
  const registration = await registerContract(intent, intentId, introduced, deps);
  if (!registration.registered) return;
  await record(deps, intentId, 'contract.registered', {
    service: intent.change.service,
    profile: intent.change.profile,
    contractVersion: introduced.contractVersion,
    contractDigest: introduced.contractDigest,
  });
}

/** Caches the decision of a clean release, forgets the fingerprint of a regressed one; says what it did. */
async function updateDecisionCache(
  state: PipelineState,
  intent: Intent,
  intentId: string,
  verdict: 'clean' | 'regressed',
  deps: PipelineDeps,
): Promise<string | null> {
  const fingerprint = state.verification?.fingerprint;
  const service = deps.catalog.services[intent.change.service];
  if (!fingerprint || !state.decision || !state.admission || !service) return null;
  if (verdict === 'regressed') {
    await forgetDecision(deps.state, fingerprint);
    return 'forgotten';
  }
  // The reviewer credited is the one the review route recorded (StartRelease required that approval), never a
  // name in the review wait's output.
  const recorded = state.verification?.requiresReview ? await readReview(intentId, deps) : undefined;
  const reviewer = recorded?.decision === 'approved' ? recorded.reviewer : undefined;
  const cached = await cacheDecision(deps.state, {
    fingerprint,
    decisionId: state.decision.decisionId,
    intentId,
    decisionDigest: state.decision.digest,
    releasedAt: state.release?.completedAt ?? deps.clock.now().toISOString(),
    attributes: fingerprintAttributes(intent, state.admission, service),
    ...(reviewer ? { reviewer } : {}),
  });
  return cached.intentId === intentId ? 'cached' : `kept ${cached.decisionId}`;
}

/**
 * When a later attempt's change was first asked for: its first attempt's declaration (one read of that intent's
 * entries); undefined for a first attempt, or where the first left no declaration (it was refused at the door).
 */
async function firstDeclaredAt(state: PipelineState, deps: PipelineDeps): Promise<string | undefined> {
  const first = state.attempt?.intentId;
  if (first === undefined || first === state.declared?.intentId) return undefined;
  const declared = (await deps.ledger.forIntent(deps.ledgerName, first)).find(
    (stored) => stored.entry.type === 'intent.declared',
  );
  return declared?.entry.timestamp;
}
