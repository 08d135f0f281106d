import { SNAPSHOTS_FOLDER } from '../evidence/bundle-layout.js';
import { jsonFile } from '../evidence/evidence-files.js';
import { type PipelineDeps, record } from './deps.js';
import { recordMeasuredBudget } from './measured-budget.js';
import { declaredIntent } from './parsed-intent.js';
import { firstReleaseStart } from './release-window.js';
import { type ObservationResult, observationResultSchema, type PipelineState } from './state.js';

/**
 * Stage 7: the telemetry snapshot over the release window, written once to the evidence store under its
 * own digest; the ledger entry holds the snapshot and that digest. The intent's evidence bundle is sealed
 * later, by SignCheckpoint, once a signed checkpoint covers every entry of the intent.
 */
export async function observe(state: PipelineState, deps: PipelineDeps): Promise<ObservationResult> {
  const { intent, intentId } = declaredIntent(state);
  const release = state.release;
  const entries = await deps.ledger.forIntent(deps.ledgerName, intentId);
  const done = entries.find((stored) => stored.entry.type === 'observation.recorded');
  if (done) return observationResultSchema.parse(done.entry.payload);
  // The window ends at the release's own end, so a retried stage asks for the same window. It starts where the
  // release's first deployment did (`release.started`): a stepped release, and a roll-back an owner decided on,
  // carry their last deployment's start, and a window from there would leave out the steps that exposed users
  // to the change and any regression that held it.
  const to = release?.completedAt ? new Date(release.completedAt) : deps.clock.now();
  const startedAt = firstReleaseStart(entries.map((stored) => stored.entry))?.startedAt ?? release?.startedAt;
  const from = startedAt === undefined ? to : new Date(startedAt);
  const snapshot = await deps.telemetry.snapshot(intent.change.service, from, to);
  // Keyed by digest: a retry that reads slightly different telemetry writes a new object, never a conflict.
  const file = jsonFile('observability-snapshot.json', snapshot);
  const evidenceUri = await deps.evidence.putObject(
    `${SNAPSHOTS_FOLDER}${intentId}/${file.sha256}.json`,
    file.body,
    'application/json',
  );
  // A window with datapoints measured the budget; one without reports the baseline, which measures nothing.
  if (snapshot.datapoints !== 0) {
    await recordMeasuredBudget(deps.state, intent.change.service, {
      errorBudgetRemaining: snapshot.errorBudgetRemaining,
      measuredAt: snapshot.windowEnd,
      intentId,
    });
  }
  const slosMet = snapshot.slos.every((slo) => slo.met);
  const stored = await record(deps, intentId, 'observation.recorded', {
    snapshot,
    evidenceUri,
    evidenceDigest: file.sha256,
    slosMet,
    ...(snapshot.datapoints === undefined ? {} : { datapoints: snapshot.datapoints }),
  });
  return observationResultSchema.parse(stored.entry.payload);
}
