import { BUNDLES_FOLDER, SNAPSHOTS_FOLDER } from '../lambdas/core/evidence/bundle-layout.js';
import { checkpointPrefix } from '../lambdas/core/evidence/checkpoint-object.js';
import { type PipelineStage, pipelineStageList } from '../lambdas/stages/registry.js';
import type { FunctionAccess } from '../lambdas/stages/stage-access.js';

export type { FunctionAccess, ReleaseAction } from '../lambdas/stages/stage-access.js';

/** The entry functions: API Gateway's routes and the itv bus's rule target, `lambdas/api/<name>.ts`. */
export const apiFunctionNames = [
  'submit-intent',
  'get-intent',
  'list-intents',
  'review-intent',
  'release-decision',
  'stop-intent',
  'retry-intent',
  'report-check',
  'intake-event',
  'export-ledger',
  'get-checkpoints',
  'get-evidence',
  'report-value',
  'grant-delegation',
  'revoke-delegation',
  'list-delegations',
  'get-delegation',
  'get-check-report',
  'no-route',
  'get-openapi',
  'put-payload',
] as const;
export type ApiFunctionName = (typeof apiFunctionNames)[number];
/** Functions no request or stage invokes: the reconciler, on EventBridge rules (`lambdas/functions/<name>.ts`). */
export const maintenanceFunctionNames = ['reconcile-monitors'] as const;
export type MaintenanceFunctionName = (typeof maintenanceFunctionNames)[number];
export type ItvFunctionName = PipelineStage | ApiFunctionName | MaintenanceFunctionName;

const apiAccess: Readonly<Record<ApiFunctionName, FunctionAccess>> = {
  // Reads delegations granted at run time, to bind the requester, then starts the execution.
  // Reads a payload by reference to check it at the door (and, for a dry run, to validate and judge it).
  'submit-intent': { pipeline: 'start-execution', state: 'record', ledger: 'read', payloads: 'read' },
  // The same for intents CI systems put on the itv bus.
  'intake-event': { pipeline: 'start-execution', state: 'record', ledger: 'read', payloads: 'read' },
  // Reads the intent's entries; with ?include=metrics, the service's metrics over its release (GetMetricData).
  'get-intent': { ledger: 'read', telemetry: 'metrics' },
  // Reads the ledger to list its intents.
  'list-intents': { ledger: 'read' },
  'review-intent': { ledger: 'append', state: 'record', pipeline: 'task-response' },
  // Reads ledger pages (Query on the table).
  'export-ledger': { ledger: 'read' },
  // Lists and reads the checkpoint objects, and hands out the signing key's public key (never signs).
  'get-checkpoints': { evidence: 'read', signing: 'public-key' },
  // Lists and reads one intent's bundle, and the intent's entries for the manifest digest its sealing recorded.
  'get-evidence': { evidence: 'read', ledger: 'read' },
  // Keeps the value view (lambdas/core/value-view-catch-up.ts): reads the entries after its marker and each newly
  // concluded intent's own entries (Query), reads the marker (GetItem) and the window's summaries (Query), writes
  // summaries and moves the marker (UpdateItem); never deletes, never reads the whole ledger.
  'report-value': { ledger: 'read', state: 'record' },
  // Lists the grantee's revocations (Query: a revoked delegation is not granted again), records the delegation
  // (UpdateItem); never reads one item by key, never deletes one.
  'grant-delegation': { state: 'list-put' },
  // Lists each principal's grants and each grantee's revocations (Query); reads no item by key, writes nothing.
  'list-delegations': { state: 'list' },
  // Reads one delegation as the list reads them all (Query), to answer it by its id; writes nothing.
  'get-delegation': { state: 'list' },
  // Reads the intent's entries for its check.reported one.
  'get-check-report': { ledger: 'read' },
  // Reads the grant and earlier revocations, records the revocation; the grant stays, as history.
  'revoke-delegation': { state: 'record' },
  // Answers 404 and 405 from the route table alone: it touches nothing.
  'no-route': {},
  // Serves the OpenAPI document it generates: it touches nothing.
  'get-openapi': {},
  // Writes the owner's decision beside the held release's task token, records it, then sends the token back.
  // A roll-back of a feature-flag change by reference reads its payload for the flags it touched.
  'release-decision': { ledger: 'append', state: 'record', pipeline: 'task-success', payloads: 'read' },
  // Checks an uploaded payload at the door and stores it under its digest (write-once); reads nothing else.
  'put-payload': { payloads: 'write' },
  // Writes the stop request (and, for a held release, the hold on the stopper's behalf, recorded), then resumes
  // the wait the intent is parked in: wakes its lane park, fails its review wait, answers its decision wait.
  'stop-intent': { ledger: 'append', state: 'record', pipeline: 'task-response' },
  // Reads the attempt and the ledger, bumps the attempt (put), starts the next attempt's execution.
  'retry-intent': { pipeline: 'start-execution', state: 'record', ledger: 'read' },
  // Reads the intent's entries and delegations granted at run time, writes the check's result once (put) and
  // records it, then wakes the intent's park for check results when it waits for this one (SendTaskSuccess only);
  // never deletes.
  'report-check': { ledger: 'append', state: 'record', pipeline: 'task-success' },
};

/** What each function may touch: each stage's as its registry entry declares, and the API's. */
export const functionAccess: Readonly<Record<ItvFunctionName, FunctionAccess>> = {
  ...(Object.fromEntries(pipelineStageList.map((s) => [s.fn, s.access])) as Record<
    PipelineStage,
    FunctionAccess
  >),
  ...apiAccess,
  // Reads every lane's monitors and latest deployment, enables alarm actions, records each restoration.
  'reconcile-monitors': { ledger: 'append', release: ['monitors'] },
};

/** Handler file of a function, relative to the project root. */
export function entryOf(name: ItvFunctionName): string {
  return (apiFunctionNames as readonly string[]).includes(name)
    ? `lambdas/api/${name}.ts`
    : `lambdas/functions/${name}.ts`;
}

/**
 * Where in the evidence bucket each function with `evidence` access reads, writes and lists: the folders its code
 * names, never the whole bucket. Every object written is locked for years (Object Lock COMPLIANCE), so a write
 * under another folder would take that key for good; the payloads' own folder is granted apart (`payloads`).
 */
export function evidenceFolders(
  ledger: string,
): Readonly<Partial<Record<ItvFunctionName, readonly string[]>>> {
  const checkpoints = checkpointPrefix(ledger);
  return {
    // Its telemetry snapshot, `snapshots/<intent>/<sha256>.json` (lambdas/core/pipeline/observe.ts).
    observe: [SNAPSHOTS_FOLDER],
    // Pins the head and seals the bundle under `bundles/<intent>/`, keeps each signed head under
    // `checkpoints/<ledger>/` (lambdas/core/pipeline/checkpoint.ts, lambdas/core/evidence/seal-bundle.ts).
    'sign-checkpoint': [BUNDLES_FOLDER, checkpoints],
    // The ledger's signed checkpoints (lambdas/core/evidence/audit-stores.ts).
    'get-checkpoints': [checkpoints],
    // One intent's bundle (lambdas/core/evidence/recorded-bundle.ts).
    'get-evidence': [BUNDLES_FOLDER],
  };
}
