import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { reconcileMonitors, triggerOf } from '../core/pipeline/reconcile-monitors.js';
import type { LaneRestoration } from '../core/pipeline/restore-monitors.js';
import { appConfigReleaser } from '../wiring/aws/appconfig.js';
import { awsPipelineDeps } from '../wiring/aws/pipeline-deps.js';
import { telemetry } from '../wiring/aws/telemetry.js';

/** What invokes the reconciler: an execution that ended without its failure path, or the schedule. */
export type ReconcilerEvent = EventBridgeEvent<
  string,
  { status?: string; executionArn?: string } | undefined
>;

const deps = awsPipelineDeps('reconcile-monitors', { releaser: appConfigReleaser });

/**
 * The reconciler on AWS: on every execution that failed, timed out or was aborted — paths where no state of
 * the pipeline runs — and every five minutes, it restores the alarm actions of each lane whose monitors are
 * disabled while no observe-only deployment is in progress there (`reconcileMonitors`).
 */
export const handler = middy<ReconcilerEvent, LaneRestoration[]>()
  .use(telemetry('ReconcileMonitors'))
  .handler(async (event: ReconcilerEvent) => reconcileMonitors(await deps(), triggerOf(event)));
