import type { DeploymentStatus } from '../../ports/releaser.js';
import { alarmPredatesDeployment, type ReleasePlan } from '../release/index.js';
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
  const predates = alarm !== undefined && alarmPredatesRelease(status, context);
  const rolledBackFrom = status.events.find((event) => event.type === 'ROLLBACK_STARTED')?.percentage;
  return {
    deploymentId: status.deploymentId,
    service: context.service,
    environment: context.environment,
    strategy: context.strategy,
    state: status.state,
    percentageComplete: status.percentageComplete,
    ...(rolledBackFrom !== undefined ? { rolledBackFrom } : {}),
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
    ...(predates ? { alarmPredatesRelease: true } : {}),
    ...(context.escalation ? { escalation: context.escalation } : {}),
    ...(context.exposure ? { exposure: context.exposure } : {}),
    ...(context.decision ? { decision: context.decision } : {}),
  };
}

/**
 * Whether the alarm that rolled back or held this deployment was raised on datapoints from before the release
 * began. Only the release's first deployment is judged so: a later step of a stepped release follows the change's
 * own earlier exposure, and a deployment a person's decision started answers a hold already judged.
 */
function alarmPredatesRelease(status: DeploymentStatus, context: ResultContext): boolean {
  if (context.decision || (context.exposure && context.exposure.index > 0)) return false;
  const rollback = status.events.find((event) => event.type.startsWith('ROLLBACK') && event.alarm);
  const leftOkAt = rollback?.alarm
    ? rollback.at
    : (status.trippedMonitor?.at ?? context.escalation?.at ?? status.completedAt);
  if (leftOkAt === undefined) return false;
  return alarmPredatesDeployment(new Date(status.startedAt), new Date(leftOkAt));
}
