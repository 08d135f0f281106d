import type { Catalog } from '../catalog-schema.js';
import { ItvError } from '../errors.js';
import { laneOf } from '../lane.js';
import type { PipelineDeps } from './deps.js';
import { type LaneRestoration, type RestorationTrigger, restoreLaneMonitors } from './restore-monitors.js';

/** Some lanes could not be reconciled (their calls failed); the others were. */
export class MonitorReconciliationError extends ItvError {}

/** The EventBridge detail type of a Step Functions execution's status change (source `aws.states`). */
export const executionEndedDetailType = 'Step Functions Execution Status Change';

/** Which run of the reconciler an EventBridge event is: an execution that ended, or the schedule. */
export function triggerOf(event: { 'detail-type'?: string }): RestorationTrigger {
  return event['detail-type'] === executionEndedDetailType ? 'execution-ended' : 'schedule';
}

/** Every catalog service's lane: its AppConfig environment. */
export function lanesOf(catalog: Pick<Catalog, 'services'>): Array<{ service: string; environment: string }> {
  return Object.values(catalog.services)
    .map((service) => ({ service: service.name, environment: laneOf(service) }))
    .sort((a, b) => a.environment.localeCompare(b.environment));
}

/**
 * For paths out of a release where no state runs (an execution stopped, timed out, or failed outside a
 * Catch): restores the alarm actions of every lane whose monitors are disabled while no observe-only deployment
 * is in progress there, each restoration on the ledger. Run on every such execution's end, on a schedule, and by
 * the local control plane as it starts. A lane whose calls fail does not stop the others; the error names it.
 */
export async function reconcileMonitors(
  deps: Pick<PipelineDeps, 'releaser' | 'ledger' | 'ledgerName' | 'clock' | 'catalog'>,
  trigger: RestorationTrigger,
): Promise<LaneRestoration[]> {
  const results: LaneRestoration[] = [];
  const failed: string[] = [];
  let firstFailure: unknown;
  for (const lane of lanesOf(deps.catalog)) {
    try {
      results.push(await restoreLaneMonitors(lane, deps, trigger));
    } catch (error) {
      failed.push(`${lane.environment}: ${error instanceof Error ? error.message : String(error)}`);
      firstFailure ??= error;
    }
  }
  if (failed.length > 0) {
    throw new MonitorReconciliationError(
      `monitors of ${failed.length} lane(s) not reconciled: ${failed.join('; ')}`,
      {
        cause: firstFailure,
      },
    );
  }
  return results;
}
