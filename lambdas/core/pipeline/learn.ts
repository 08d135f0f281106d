import { confidenceLowerBound } from '../confidence.js';
import { intentSchema } from '../intent.js';
import { costOfDelay, valuePerHour } from '../value.js';
import { readConfidence, recordOutcome } from './confidence-store.js';
import { type PipelineDeps, record } from './deps.js';
import { stateKeys } from './keys.js';
import { type LearningResult, learningResultSchema, type Outcome, type PipelineState } from './state.js';

/** The outcome of an execution, read from what the stages returned. */
export function outcomeOf(state: PipelineState): Outcome {
  if (state.error) return 'failed';
  if (state.declared?.verdict !== 'complete') return 'rejected-incomplete';
  if (state.structure?.verdict === 'invalid') return 'rejected-structure';
  if (state.structure?.verdict === 'schema-update-required') return 'schema-update-required';
  if (state.admission?.verdict === 'rejected') return 'rejected-policy';
  if (state.verification && !state.verification.passed) return 'failed-verification';
  if (state.reviewError) return 'rejected-review';
  if (state.release?.state === 'COMPLETE') return 'released';
  if (state.release?.state === 'ROLLED_BACK' || state.release?.state === 'REVERTED') return 'rolled-back';
  return 'failed';
}

/**
 * Stage 8: record the outcome, time to value and value per hour; feed released and rolled-back outcomes
 * into confidence per (service, change kind); free the intent's place among in-flight releases.
 */
export async function learn(state: PipelineState, deps: PipelineDeps): Promise<LearningResult> {
  const intentId = state.declared?.intentId;
  if (!intentId) throw new Error('Learn needs the declared intent id');
  const outcome = outcomeOf(state);
  const parsed = intentSchema.safeParse(state.intent);
  const now = deps.clock.now();
  const declaredAt = Date.parse(state.declared?.declaredAt ?? now.toISOString());
  const valueAt =
    outcome === 'released' ? Date.parse(state.release?.completedAt ?? now.toISOString()) : undefined;
  const timeToValueSeconds = valueAt === undefined ? null : Math.max(0, (valueAt - declaredAt) / 1000);
  const hoursWaiting = ((valueAt ?? now.getTime()) - declaredAt) / 3_600_000;
  let confidence = 0;
  let valuePerHourUsd = 0;
  let costOfDelayUsd = 0;
  if (parsed.success) {
    const { service, kind } = parsed.data.change;
    if (outcome === 'released' || outcome === 'rolled-back') {
      await recordOutcome(deps.state, service, kind, intentId, outcome === 'released');
    }
    confidence = confidenceLowerBound(await readConfidence(deps.state, service, kind));
    valuePerHourUsd = valuePerHour(parsed.data.goal.valueModel);
    costOfDelayUsd = costOfDelay(parsed.data.goal.valueModel, Math.max(0, hoursWaiting));
  }
  const inFlight = stateKeys.inFlightIntent(intentId);
  await deps.state.delete(inFlight.pk, inFlight.sk);
  const result: LearningResult = { outcome, timeToValueSeconds, valuePerHourUsd, costOfDelayUsd, confidence };
  const stored = await record(deps, intentId, 'intent.concluded', {
    ...result,
    tier: state.admission?.tier ?? null,
    service: parsed.success ? parsed.data.change.service : null,
    kind: parsed.success ? parsed.data.change.kind : null,
    tags: parsed.success ? parsed.data.tags : {},
    failure: state.error ?? state.reviewError ?? null,
  });
  return learningResultSchema.parse(stored.entry.payload);
}
