import type { DeploymentStatus } from '../../ports/releaser.js';
import type { ReleasePlan } from '../release/index.js';
import { rollbackAlarm } from './release-events.js';
import type { ReleaseResult } from './state.js';

/** Deployment states after which nothing more happens to a release. */
export const terminalStates = new Set(['COMPLETE', 'ROLLED_BACK', 'REVERTED']);

export type Escalation = NonNullable<ReleaseResult['escalation']>;

/** What the release stages carry from one poll to the next besides the deployment's status. */
export interface ResultContext {
  service: string;
  environment: string;
  strategy: string;
  pollSeconds: number;
  eventsRecorded: number;
  plan?: ReleasePlan;
  stopReason?: string;
  /** Who asked to stop the release, once CheckRelease honoured the request. */
  stoppedBy?: string;
  escalation?: Escalation;
  exposure?: ReleaseResult['exposure'];
  decision?: ReleaseResult['decision'];
}

/** The release stages' output: the deployment's status and what to do next. */
export function toResult(status: DeploymentStatus, context: ResultContext): ReleaseResult {
  const alarm = rollbackAlarm(status) ?? context.escalation?.alarm ?? status.trippedMonitor?.alarm;
  return {
    deploymentId: status.deploymentId,
    service: context.service,
    environment: context.environment,
    strategy: context.strategy,
    state: status.state,
    percentageComplete: status.percentageComplete,
    startedAt: status.startedAt,
    completedAt: status.completedAt,
    done: terminalStates.has(status.state),
    action: context.stopReason ? 'stop' : 'continue',
    stopReason: context.stopReason,
    ...(context.stoppedBy ? { stoppedBy: context.stoppedBy } : {}),
    pollSeconds: context.pollSeconds,
    eventsRecorded: context.eventsRecorded,
    ...(context.plan ? { plan: context.plan } : {}),
    ...(alarm ? { alarm } : {}),
    ...(context.escalation ? { escalation: context.escalation } : {}),
    ...(context.exposure ? { exposure: context.exposure } : {}),
    ...(context.decision ? { decision: context.decision } : {}),
  };
}
