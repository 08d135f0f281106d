import { confidenceLowerBound } from '../confidence.js';
import type { Intent } from '../intent.js';
import { laneOf } from '../lane.js';
import { evaluatePolicy } from '../policy/index.js';
import { assessRisk } from '../risk.js';
import { readConfidence } from './confidence-store.js';
import { type PipelineDeps, record } from './deps.js';
import { type InFlightRecord, stateKeys } from './keys.js';
import { declaredIntent } from './parsed-intent.js';
import { type AdmissionResult, admissionResultSchema, type PipelineState } from './state.js';

const queueRetrySeconds = 15;

/**
 * Stage 3: evaluate the policy set, compute the risk tier and check non-interference. A new intent never
 * preempts: when its lane or blast radius overlaps an in-flight release it queues and is re-admitted later.
 */
export async function admitPolicy(state: PipelineState, deps: PipelineDeps): Promise<AdmissionResult> {
  const { intent, intentId } = declaredIntent(state);
  const attempt = state.admission ? state.admission.attempt + 1 : 0;
  const service = deps.catalog.services[intent.change.service];
  if (!service)
    throw new Error(`service ${intent.change.service} vanished from the catalog after declaration`);
  const now = deps.clock.now();
  const evaluation = evaluatePolicy({ intent, service, catalog: deps.catalog, now });
  const confidence = confidenceLowerBound(
    await readConfidence(deps.state, intent.change.service, intent.change.kind),
  );
  const risk = assessRisk({ intent, service, catalog: deps.catalog, confidence });
  const lane = laneOf(service);
  const inFlight = (await deps.state.list<InFlightRecord>(stateKeys.inFlight().pk)).map((item) => item.data);
  const overlapping = inFlight.filter(
    (other) =>
      other.intentId !== intentId &&
      (other.lane === lane || other.blastRadius.some((name) => risk.blastRadius.includes(name))),
  );
  const failed = evaluation.failed.map((result) => ({
    rule: result.rule,
    domain: result.domain,
    reason: result.reason,
    remedy: result.remedy,
  }));
  const deadlineMissed = overlapping.length > 0 && pastDeadline(intent, now);
  if (deadlineMissed) {
    failed.push({
      rule: 'non-interference/deadline',
      domain: 'operational',
      reason: `the release queue behind ${overlapping.map((o) => o.intentId).join(', ')} cannot meet the deadline ${intent.constraints.deadline}`,
      remedy: 'set a later deadline, or resubmit once the in-flight releases finish',
    });
  }
  const verdict: AdmissionResult['verdict'] =
    failed.length > 0 ? 'rejected' : overlapping.length > 0 ? 'queued' : 'admitted';
  const result: AdmissionResult = {
    verdict,
    tier: risk.tier,
    requiresReviewer: risk.requiresReviewer,
    gate: risk.gate,
    lane,
    blastRadius: risk.blastRadius,
    failed,
    retryAfterSeconds: queueRetrySeconds,
    attempt,
    policySetHash: evaluation.policySetHash,
  };
  const stored = await record(
    deps,
    intentId,
    `admission.${verdict}`,
    {
      ...result,
      confidence,
      riskFactors: risk.factors,
      evaluationLog: evaluation.results,
      inFlightChecked: inFlight
        .filter((other) => other.intentId !== intentId)
        .map((other) => ({
          intentId: other.intentId,
          overlaps: overlapping.includes(other),
          // This intent waits instead of preempting, so nobody in flight is delayed by it.
          predictedTimeToValueChangeSeconds: 0,
        })),
    },
    `admission/${attempt}`,
  );
  if (verdict === 'admitted') {
    const { pk, sk } = stateKeys.inFlightIntent(intentId);
    const entry: InFlightRecord = {
      intentId,
      lane,
      blastRadius: risk.blastRadius,
      admittedAt: now.toISOString(),
    };
    await deps.state.put(pk, sk, entry);
  }
  // A retried attempt returns what was recorded the first time, not a re-evaluation at a later instant.
  return admissionResultSchema.parse(stored.entry.payload);
}

function pastDeadline(intent: Intent, now: Date): boolean {
  const deadline = intent.constraints.deadline;
  return deadline !== undefined && Date.parse(deadline) <= now.getTime();
}
