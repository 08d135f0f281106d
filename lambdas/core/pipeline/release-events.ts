import type { DeploymentStatus } from '../../ports/releaser.js';
import { deploymentEntryType } from '../ledger/entry-types.js';
import { type PipelineDeps, record } from './deps.js';

/**
 * Writes the deployment events not yet on the ledger, one entry each, oldest first: AppConfig event types as
 * ledger types (DEPLOYMENT_STARTED → release.deployment-started, ROLLBACK_STARTED → release.rollback-started,
 * with the alarm that caused it). Returns how many are on the ledger now.
 */
export async function recordEvents(
  status: DeploymentStatus,
  alreadyRecorded: number,
  intentId: string,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock'>,
): Promise<number> {
  for (let index = alreadyRecorded; index < status.events.length; index++) {
    const event = status.events[index]!;
    await record(
      deps,
      intentId,
      deploymentEntryType(event.type),
      { deploymentId: status.deploymentId, index, ...event },
      // Per deployment: a stepped release runs one deployment per step, and a release queued again after a
      // preemption starts a second one; each numbers its events from 0.
      `release/${status.deploymentId}/event/${index}`,
    );
  }
  return Math.max(alreadyRecorded, status.events.length);
}

/** The alarm that rolled the deployment back, from its event log. */
export function rollbackAlarm(status: DeploymentStatus): string | undefined {
  return [...status.events].reverse().find((event) => event.type.startsWith('ROLLBACK') && event.alarm)
    ?.alarm;
}
