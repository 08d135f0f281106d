import type { ReleasePlan } from '../release/index.js';
import type { Occupant } from './occupant.js';

/** An admitted intent's deployment, as its `release.started` ledger entry recorded it. */
export interface LaneRelease {
  intentId: string;
  deploymentId: string;
  service: string;
  environment: string;
  /** The plan chosen when it started; entries from before plans existed lack it (they could be reverted). */
  plan?: Pick<ReleasePlan, 'rollbackOnAlarm' | 'onRegression'>;
}

/**
 * What an authorized emergency does about the intent holding its lane: `preempt` stops that intent's deployment
 * (AppConfig rolls it back) and queues it again at the head of the lane; `wait` leaves it running, with why.
 */
export type PreemptionChoice =
  | { action: 'preempt'; holder: Occupant; release: LaneRelease }
  | {
      action: 'wait';
      holder: Occupant;
      reason: string;
      /** The holder has no deployment yet: the emergency may preempt it once its deployment starts. */
      awaitsDeployment?: true;
    };

export interface PreemptionInput {
  /** The emergency, its override already authorized by the policy set. */
  candidate: Occupant;
  /** The live records of the INFLIGHT partition other than the candidate's. */
  others: readonly Occupant[];
  /** The deployments in flight, by intent id. */
  releases: ReadonlyMap<string, LaneRelease>;
}

/**
 * Whether an authorized emergency preempts the release holding its lane; undefined when nobody holds it. It
 * preempts only a release that is under way and may be reverted. It waits when the holder is itself an
 * emergency (first come, first served), when the holder has no deployment yet (it is being verified or
 * reviewed: there is nothing to stop, and taking its lease away would let it start a deployment that collides
 * with the emergency's), and when the holder's constraints forbid reverting: AppConfig has no pause, so the
 * only stop it offers is a rollback, and an irreversible change must not be blindly reverted to make room.
 *
 * @example choosePreemption({ candidate: fix, others: [routine], releases }) // { action: 'preempt', … }
 */
export function choosePreemption(input: PreemptionInput): PreemptionChoice | undefined {
  const { candidate } = input;
  if (!candidate.emergencyOverride) return undefined;
  const holder = input.others.find((o) => o.status === 'admitted' && o.lane === candidate.lane);
  if (!holder) return undefined;
  if (holder.emergencyOverride) {
    return {
      action: 'wait',
      holder,
      reason: `${holder.intentId} holds lane ${candidate.lane} under an emergency override of its own: emergencies on one lane go in turn`,
    };
  }
  const release = input.releases.get(holder.intentId);
  if (!release) {
    return {
      action: 'wait',
      holder,
      reason: `${holder.intentId} holds lane ${candidate.lane} but has not started its deployment (verification or review): there is no release to stop`,
      awaitsDeployment: true,
    };
  }
  const plan = release.plan;
  if (plan && (!plan.rollbackOnAlarm || plan.onRegression !== 'rollback')) {
    return {
      action: 'wait',
      holder,
      reason: `${holder.intentId}'s constraints forbid reverting it (onRegression ${plan.onRegression}): AppConfig can only stop a deployment by rolling it back, so the emergency waits for deployment ${release.deploymentId} to end`,
    };
  }
  return { action: 'preempt', holder, release };
}

/** The holder as it waits again: queued at the head of its lane, behind the emergency that preempted it. */
export function requeuedAfterPreemption(holder: Occupant, emergencyId: string, now: string): Occupant {
  const { admittedAt: _admittedAt, ...rest } = holder;
  return { ...rest, status: 'queued', preemptedBy: emergencyId, lastSeenAt: now };
}
