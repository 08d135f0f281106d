import type { DeploymentStatus } from '../../ports/releaser.js';
import { isInProgress } from '../release/deployment-status.js';
import { DeploymentNotStoppableError, StopRefusedError } from '../release/errors.js';
import { type PipelineDeps, record } from './deps.js';
import { declaredIntent } from './parsed-intent.js';
import { recordEvents } from './release-events.js';
import { toResult } from './release-result.js';
import type { PipelineState, ReleaseResult } from './state.js';

/**
 * Stage 6c: stop an in-progress deployment (AppConfig rolls it back) and record why. A stop AppConfig refuses
 * while the deployment is still in progress is recorded as `release.stop-refused`, never as stopped, and
 * thrown as `StopRefusedError`: the state machine retries the stop, and once its retries are spent the failure
 * path escalates it to the owners (`recordFailure`).
 */
export async function stopRelease(state: PipelineState, deps: PipelineDeps): Promise<ReleaseResult> {
  const { intentId } = declaredIntent(state);
  const release = state.release;
  if (!release) throw new Error('StopRelease needs a started release');
  let status: DeploymentStatus;
  let completedBeforeStop = false;
  try {
    status = await deps.releaser.stop(release.service, release.environment, release.deploymentId);
  } catch (error) {
    if (!(error instanceof DeploymentNotStoppableError) && !(error instanceof StopRefusedError)) throw error;
    status = await deps.releaser.check(release.service, release.environment, release.deploymentId);
    if (isInProgress(status.state)) {
      await record(deps, intentId, 'release.stop-refused', {
        deploymentId: release.deploymentId,
        state: status.state,
        reason: release.stopReason ?? 'stopped',
        refusal: error.message,
        escalatedTo: null,
        team: null,
      });
      throw new StopRefusedError(
        `AppConfig refused to stop deployment ${release.deploymentId} (${status.state}): ${error.message}`,
        { cause: error },
      );
    }
    // It completed between the poll and the stop: reverting a completed deployment is a new change, not a stop.
    completedBeforeStop = status.state === 'COMPLETE';
  }
  const recorded = await recordEvents(status, release.eventsRecorded, intentId, deps);
  await record(deps, intentId, 'release.stopped', {
    deploymentId: release.deploymentId,
    reason: release.stopReason ?? 'stopped',
    state: status.state,
    completedBeforeStop,
  });
  const result = toResult(status, {
    service: release.service,
    environment: release.environment,
    strategy: release.strategy,
    pollSeconds: release.pollSeconds,
    eventsRecorded: recorded,
    plan: release.plan,
    stopReason: release.stopReason,
    ...(release.stoppedBy ? { stoppedBy: release.stoppedBy } : {}),
    escalation: release.escalation,
  });
  return { ...result, done: true, action: 'continue' };
}
