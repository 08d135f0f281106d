import { createHash } from 'node:crypto';
import { canonicalJson } from '../ledger/index.js';
import { type PipelineDeps, record } from './deps.js';
import { evidenceFiles, evidenceManifest } from './evidence-files.js';
import { declaredIntent } from './parsed-intent.js';
import { type ObservationResult, observationResultSchema, type PipelineState } from './state.js';

/**
 * Stage 7: the telemetry snapshot over the release window and the evidence bundle, written once to the
 * evidence store; the ledger entry holds the manifest's digest.
 */
export async function observe(state: PipelineState, deps: PipelineDeps): Promise<ObservationResult> {
  const { intent, intentId } = declaredIntent(state);
  const release = state.release;
  const entries = await deps.ledger.forIntent(deps.ledgerName, intentId);
  const done = entries.find((stored) => stored.entry.type === 'observation.recorded');
  if (done) return observationResultSchema.parse(done.entry.payload);
  // The window ends at the release's own end, so a retried stage writes byte-identical evidence.
  const to = release?.completedAt ? new Date(release.completedAt) : deps.clock.now();
  const from = release ? new Date(release.startedAt) : to;
  const snapshot = await deps.telemetry.snapshot(intent.change.service, from, to);
  const files = evidenceFiles(entries, snapshot);
  const prefix = `bundles/${intentId}/`;
  for (const file of files) {
    await deps.evidence.putObject(`${prefix}${file.name}`, file.body, 'application/json');
  }
  const manifestBody = new TextEncoder().encode(canonicalJson(evidenceManifest(intentId, files)));
  const evidenceUri = await deps.evidence.putObject(
    `${prefix}manifest.json`,
    manifestBody,
    'application/json',
  );
  const evidenceDigest = createHash('sha256').update(manifestBody).digest('hex');
  const slosMet = snapshot.slos.every((slo) => slo.met);
  const stored = await record(deps, intentId, 'observation.recorded', {
    snapshot,
    evidenceUri,
    evidenceDigest,
    slosMet,
  });
  return observationResultSchema.parse(stored.entry.payload);
}
