import type { LedgerStore } from '../../ports/ledger-store.js';
import type { DeploymentStatus } from '../../ports/releaser.js';
import { type LaneRelease, type Preemption, readOccupancy } from '../admission/index.js';
import type { Intent } from '../intent.js';
import type { LedgerPayload } from '../ledger/entry-payloads.js';
import {
  payloadOf,
  releasePreemptedReadPayload,
  releaseStartedLanePayload,
  releaseStartedPayload,
} from '../ledger/entry-payloads.js';
import { DeploymentNotStoppableError } from '../release/errors.js';
import { stateKeys } from '../state-keys.js';
import { type PipelineDeps, record } from './deps.js';
import { rollbackAlarm } from './release-events.js';

type PreemptedPayload = LedgerPayload<'release.preempted'>;

/**
 * The preemption item (`stateKeys.preemption`): the `release.preempted` payload and how far the stop got.
 * `stopping` is written before StopDeployment, so the preempted execution never mistakes the rollback for an
 * alarm's; `ended-first` means its deployment ended on its own before the stop reached it.
 */
interface PreemptionItem extends PreemptedPayload {
  status: 'stopping' | 'stopped' | 'ended-first';
}

const inProgress = new Set(['DEPLOYING', 'BAKING', 'VALIDATING']);

/**
 * The deployment an admitted intent has under way, from its ledger: its last `release.started`, unless that
 * deployment was already preempted (it waits for a new start) or the intent has concluded.
 */
export async function releaseInFlight(
  intentId: string,
  deps: Pick<PipelineDeps, 'ledgerName'> & { ledger: Pick<LedgerStore, 'forIntent'> },
): Promise<LaneRelease | undefined> {
  const entries = await deps.ledger.forIntent(deps.ledgerName, intentId);
  if (entries.some((s) => s.entry.type === 'intent.concluded')) return undefined;
  const started = entries.filter((s) => s.entry.type === 'release.started').at(-1);
  if (!started) return undefined;
  const { deploymentId, plan } = payloadOf(started.entry, releaseStartedPayload);
  const preempted = entries.some(
    (s) =>
      s.entry.type === 'release.preempted' &&
      payloadOf(s.entry, releasePreemptedReadPayload).deploymentId === deploymentId,
  );
  if (preempted) return undefined;
  const { service, environment } = payloadOf(started.entry, releaseStartedLanePayload);
  return { intentId, deploymentId, service, environment, ...(plan ? { plan } : {}) };
}

/**
 * Stops the preempted intent's deployment (AppConfig rolls it back; while baking, with AllowRevert, it is
 * reverted) after admission committed the emergency's lease and queued that intent again at the head of its
 * lane. The preemption item is written first, so the preempted execution's CheckRelease can tell this stop
 * from an alarm's rollback; `release.preempted` goes on the preempted intent's ledger, linked to the emergency.
 * A deployment that ended before the stop reached it is left as it ended, and its intent concludes as usual.
 */
export async function preemptRelease(
  preemption: Preemption,
  emergency: { intentId: string; requester: string; lane: string },
  deps: PipelineDeps,
): Promise<{ endedFirst: boolean; status: DeploymentStatus }> {
  const { release } = preemption;
  const key = stateKeys.preemption(preemption.intentId, release.deploymentId);
  const payload: PreemptedPayload = {
    deploymentId: release.deploymentId,
    preemptedBy: emergency.intentId,
    requester: emergency.requester,
    lane: emergency.lane,
    action: 'rolled-back',
    predictedTimeToValueChangeSeconds: preemption.delaySeconds,
    costOfDelayUsd: preemption.costOfDelayUsd,
    valuePerHourUsd: preemption.valuePerHourUsd,
    requeued: 'head-of-lane',
    at: deps.clock.now().toISOString(),
  };
  await deps.state.put<PreemptionItem>(key.pk, key.sk, { ...payload, status: 'stopping' });
  let status = await deps.releaser.check(release.service, release.environment, release.deploymentId);
  let endedFirst = !inProgress.has(status.state);
  if (!endedFirst) {
    try {
      status = await deps.releaser.stop(release.service, release.environment, release.deploymentId);
      // An alarm that rolled it back just before the stop: the rollback is the alarm's, not this preemption's.
      endedFirst = rollbackAlarm(status) !== undefined;
    } catch (error) {
      if (!(error instanceof DeploymentNotStoppableError)) throw error;
      endedFirst = true;
    }
  }
  if (endedFirst) {
    await deps.state.put<PreemptionItem>(key.pk, key.sk, { ...payload, status: 'ended-first' });
    // Its execution goes on to Observe and Learn: the lease it held is not a place in the queue.
    const lease = stateKeys.inFlightIntent(preemption.intentId);
    await deps.state.delete(lease.pk, lease.sk);
    return { endedFirst, status };
  }
  await deps.state.put<PreemptionItem>(key.pk, key.sk, { ...payload, status: 'stopped' });
  await record(deps, preemption.intentId, 'release.preempted', payload, preemptedStep(release.deploymentId));
  return { endedFirst, status };
}

/** The idempotency step of `release.preempted`: one per deployment, whichever of the two writers is first. */
export function preemptedStep(deploymentId: string): string {
  return `release.preempted/${deploymentId}`;
}

/**
 * What the preempted execution's CheckRelease reads: the preemption of this rolled-back deployment, or
 * undefined when an alarm (or nothing of an emergency's) rolled it back. A stop whose item still says
 * `stopping` counts once the deployment is rolled back without an alarm: the emergency that stopped it may
 * have failed before saying so, and only its stop rolls back without one here.
 */
export async function preemptionOf(
  intentId: string,
  status: DeploymentStatus,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<PreemptedPayload | undefined> {
  if (status.state !== 'ROLLED_BACK' && status.state !== 'REVERTED') return undefined;
  const key = stateKeys.preemption(intentId, status.deploymentId);
  const item = await deps.state.get<PreemptionItem>(key.pk, key.sk);
  if (!item || item.data.status === 'ended-first' || rollbackAlarm(status) !== undefined) return undefined;
  const { status: _status, ...payload } = item.data;
  return payload;
}

/**
 * The deployments under way on this intent's lane, by intent id: what an emergency may preempt. Read only for a
 * claimed override (by AdmitPolicy, and by a dry run to tell what admission would do), before the sequencer rounds: a holder admitted after this read has no entry, and an emergency
 * waits for a holder whose release it does not know.
 */
export async function releasesOnLane(
  intent: Intent,
  intentId: string,
  lane: string,
  deps: Pick<PipelineDeps, 'state' | 'ledgerName'> & { ledger: Pick<LedgerStore, 'forIntent'> },
): Promise<Map<string, LaneRelease>> {
  const releases = new Map<string, LaneRelease>();
  if (!intent.authority.emergencyOverride) return releases;
  const { others } = await readOccupancy(deps.state, intentId);
  for (const holder of others) {
    if ((holder.status ?? 'admitted') !== 'admitted' || holder.lane !== lane) continue;
    const release = await releaseInFlight(holder.intentId, deps);
    if (release) releases.set(holder.intentId, release);
  }
  return releases;
}
