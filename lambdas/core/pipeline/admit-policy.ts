import {
  type AdmissionDecision,
  decideAdmission,
  type Occupancy,
  settleAdmission,
} from '../admission/index.js';
import { parkSeconds } from '../admission/non-interference.js';
import { confidenceLowerBound } from '../confidence.js';
import { dueAt, wholeSecondTimestamp } from '../intent-timing.js';
import { laneOf } from '../lane.js';
import { readConfidence } from './confidence-store.js';
import { withGrantsTo } from './delegations.js';
import { type PipelineDeps, record } from './deps.js';
import { resolvedIntent } from './payloads.js';
import { policySignals } from './policy-signals.js';
import { preemptRelease, releasesOnLane } from './preempt-release.js';
import { type AdmissionResult, admissionResultSchema, type PipelineState } from './state.js';

/**
 * Stage 3: evaluate the policy set, compute the risk tier and check non-interference. An ordinary intent never
 * preempts: when its lane or blast radius overlaps an in-flight release, or an earlier arrival that overlaps it
 * still waits, it queues in arrival order and parks (AwaitLane) until the Learn or RecordFailure of an intent it
 * waits for wakes it, or `retryAfterSeconds` pass (six hours at most, less when a blocker's lease lapses
 * sooner: `parkSeconds`): one `admission.queued` entry
 * when it queues, one `admission.admitted` when admitted, nothing for the re-checks between. An
 * authorized emergency override may stop the revertible release on its lane (`preemptRelease`); that intent
 * queues again at the head of the lane, and both ledgers carry the cost. Non-interference state changes only
 * through conditional writes (see `settleAdmission`).
 */
export async function admitPolicy(state: PipelineState, deps: PipelineDeps): Promise<AdmissionResult> {
  const { intent, intentId } = await resolvedIntent(state, deps);
  const previous = state.admission;
  const service = deps.catalog.services[intent.change.service];
  if (!service)
    throw new Error(`service ${intent.change.service} vanished from the catalog after declaration`);
  const now = deps.clock.now();
  // Not yet due: judged as of the instant it is due, holding no lane and no place in any queue until then. Its
  // park (AwaitDue) ends at that instant, or earlier only for a stop, which the stage honours before this runs:
  // woken early otherwise, it parks again for the rest of its wait and records nothing.
  const waited = previous?.verdict === 'scheduled' && previous.dueAt ? Date.parse(previous.dueAt) : undefined;
  if (previous && waited !== undefined && waited > now.getTime()) {
    return { ...previous, retryAfterSeconds: secondsUntil(waited, now) };
  }
  const confidence = confidenceLowerBound(
    await readConfidence(deps.state, intent.change.service, intent.change.kind),
  );
  // The catalog with the delegations granted to the requester at run time: what authority rules read.
  const catalog = await withGrantsTo(deps.catalog, intent.authority.requester, deps.state);
  // The revocation in force, and the error budget Observe last measured (it beats the catalog's baseline figure).
  const signals = await policySignals(intent, catalog, deps.state, now);
  const lane = laneOf(service);
  const releases = await releasesOnLane(intent, intentId, lane, deps);
  const decide = (at: Date, current: Occupancy) =>
    decideAdmission({
      intent,
      intentId,
      service,
      catalog,
      policies: deps.policies,
      now: at,
      confidence,
      occupancy: current,
      signals,
      releases,
    });
  const due = waited === undefined ? dueAt(intent, now) : undefined;
  const { decision, occupancy, rounds } = due
    ? scheduled(decide(due, { version: 0, others: [] }))
    : await settleAdmission(deps.state, intentId, now.toISOString(), (current) => decide(now, current));
  const preempted = decision.preemption
    ? await preemptRelease(
        decision.preemption,
        { intentId, requester: intent.authority.requester, lane },
        deps,
      )
    : undefined;
  const { risk, evaluation, nonInterference: ni } = decision;
  // A re-check that finds the intent still queued is the same queuing: it keeps the attempt (so the ledger
  // key), and writes nothing new. Any other outcome, or queuing again later (a preempted release), is a new one.
  const stillQueued = decision.verdict === 'queued' && previous?.verdict === 'queued';
  const attempt = !previous ? 0 : stillQueued ? previous.attempt : previous.attempt + 1;
  // Queued: it parks (AwaitLane) until a stage that frees its way wakes it, or until the first of its blockers'
  // leases lapses (a crashed holder frees nothing), six hours at most. Scheduled: it parks (AwaitDue) until it is
  // due. Each park's Task times out after this many seconds (TimeoutSecondsPath).
  const retryAfterSeconds =
    decision.verdict === 'queued'
      ? parkSeconds(now.getTime(), ni.firstLapseAt)
      : decision.verdict === 'scheduled' && due
        ? secondsUntil(due.getTime(), now)
        : ni.retryAfterSeconds;
  const result: AdmissionResult = {
    verdict: decision.verdict,
    tier: risk.tier,
    requiresReviewer: risk.requiresReviewer,
    gate: risk.gate,
    lane: decision.lane,
    blastRadius: risk.blastRadius,
    failed: decision.failed,
    retryAfterSeconds,
    attempt,
    policySetHash: evaluation.policySetHash,
    ...(decision.verdict === 'queued' ? { waitingFor: ni.blockers.map((b) => b.intentId) } : {}),
    ...(decision.verdict === 'scheduled' && due ? { dueAt: wholeSecondTimestamp(due) } : {}),
    ...(decision.exemptions.length > 0 ? { exemptions: decision.exemptions } : {}),
  };
  const stored = await record(
    deps,
    intentId,
    `admission.${decision.verdict}`,
    {
      ...result,
      confidence,
      riskFactors: risk.factors,
      evaluationLog: evaluation.results,
      policyContext: {
        evaluatedAt: (due ?? now).toISOString(),
        service: service.name,
        profile: intent.change.profile,
        kind: intent.change.kind,
        requester: intent.authority.requester,
        emergencyOverride: intent.authority.emergencyOverride,
        fixes: intent.change.fixes ?? null,
        tags: intent.tags,
      },
      nonInterference: {
        arrival: decision.arrival,
        sequencerVersion: occupancy.version,
        settleRounds: rounds,
        override: decision.override,
        predictedStrategy: decision.strategy,
        predictedDurationSeconds: decision.predictedDurationSeconds,
        predictedStartAt: ni.predictedStartAt,
        predictedCompletionAt: ni.predictedCompletionAt,
        deadline: intent.constraints.deadline ?? null,
        blockers: ni.blockers,
        abandoned: ni.abandoned,
        overrideCost: ni.overrideCost ?? null,
        ...(decision.preemption && preempted
          ? {
              preemption: {
                action: 'preempted' as const,
                intentId: decision.preemption.intentId,
                deploymentId: decision.preemption.release.deploymentId,
                endedFirst: preempted.endedFirst,
                predictedTimeToValueChangeSeconds: decision.preemption.delaySeconds,
                costOfDelayUsd: decision.preemption.costOfDelayUsd,
              },
            }
          : decision.preemptionDeclined
            ? { preemption: { action: 'waits' as const, ...decision.preemptionDeclined } }
            : {}),
      },
      // Every in-flight or queued intent this one was checked against, with the predicted change to its time
      // to value (zero unless an authorized emergency override jumped it).
      inFlightChecked: ni.checked,
    },
    `admission/${attempt}`,
  );
  // A retried attempt returns what was recorded the first time, not a re-evaluation at a later instant; a
  // re-check still queued returns the queuing it continues, with this re-check's wait and blockers.
  const recorded = admissionResultSchema.parse(stored.entry.payload);
  // Which holder's deployment an emergency waits for is this decision's, not the ledger's: its park reads it.
  const awaits =
    decision.verdict === 'queued' && decision.awaitsDeploymentOf
      ? { awaitsDeploymentOf: decision.awaitsDeploymentOf }
      : {};
  if (stillQueued) return { ...recorded, retryAfterSeconds, waitingFor: result.waitingFor, ...awaits };
  // A retried attempt that scheduled parks for what is left of its wait, not the wait it first recorded.
  if (recorded.verdict === 'scheduled' && recorded.dueAt) {
    return { ...recorded, retryAfterSeconds: secondsUntil(Date.parse(recorded.dueAt), now) };
  }
  return recorded.verdict === 'queued' ? { ...recorded, ...awaits } : recorded;
}

/** Whole seconds from `now` until `instantMs`, rounded up and at least one: what a Task's timeout takes. */
function secondsUntil(instantMs: number, now: Date): number {
  return Math.max(1, Math.ceil((instantMs - now.getTime()) / 1000));
}

/**
 * A change that is not yet due is scheduled unless the policy set, as of its due instant, refuses it: then it is
 * refused now, with the remedy naming an instant every rule allows, rather than after waiting for nothing.
 */
function scheduled(decision: AdmissionDecision): {
  decision: Omit<AdmissionDecision, 'verdict'> & { verdict: AdmissionResult['verdict'] };
  occupancy: Occupancy;
  rounds: number;
} {
  return {
    decision: { ...decision, verdict: decision.verdict === 'rejected' ? 'rejected' : 'scheduled' },
    occupancy: { version: 0, others: [] },
    rounds: 0,
  };
}
