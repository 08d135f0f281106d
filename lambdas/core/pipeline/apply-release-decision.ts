import type { ReleaseRequest } from '../../ports/releaser.js';
import type { ResolvedIntent } from '../intent.js';
import { exposureStepStrategy, nextExposure } from '../release/index.js';
import { stateKeys } from '../state-keys.js';
import { type PipelineDeps, record } from './deps.js';
import { resolvedIntent } from './payloads.js';
import { hostedVersion, rememberReleased } from './release-configuration.js';
import {
  pendingReleaseDecision,
  RollbackUnavailableError,
  readReleaseDecision,
  recordDecided,
} from './release-decision.js';
import { type ResultContext, toResult } from './release-result.js';
import { startStep } from './release-step.js';
import { releaseContract } from './released-contracts.js';
import { rollbackTarget } from './rollback-target.js';
import type { PipelineState, ReleaseDecision, ReleaseResult } from './state.js';

/**
 * Stage 6e: carries out the decision on a held release. `hold` concludes it where it is; `roll-forward` starts
 * the next exposure step (still watched: a monitor other than the one accepted, or a policy breach, holds it
 * again), or concludes released when the held step was the last; `roll-back` deploys the configuration users
 * had before to everyone. When the wait expired (`releaseDecisionError`) with no decision recorded, the release
 * stays held: `release.decision-timed-out`, then concluded `held`. The decision is read from the state table,
 * so one recorded just before the timeout is still carried out.
 */
export async function applyReleaseDecision(state: PipelineState, deps: PipelineDeps): Promise<ReleaseResult> {
  const { intent, intentId } = await resolvedIntent(state, deps);
  const release = state.release;
  const escalation = release?.escalation;
  if (!release?.exposure || !escalation) throw new Error('ApplyReleaseDecision needs a held stepped release');
  const recorded = await readReleaseDecision(intentId, release.deploymentId, deps);
  let decided: ReleaseDecision;
  if (recorded) {
    decided = recorded;
    // The route writes this first; a route that died before it is made up for here (same idempotency key).
    await recordDecided(intentId, decided, deps);
  } else {
    const request = await pendingReleaseDecision(intentId, deps);
    const expiresAt = request?.expiresAt ?? deps.clock.now().toISOString();
    await record(
      deps,
      intentId,
      'release.decision-timed-out',
      { deploymentId: release.deploymentId, expiresAt, percentage: escalation.percentage },
      `release/decision-timed-out/${release.deploymentId}`,
    );
    decided = {
      decision: 'hold',
      decider: null,
      reason: `nobody decided by ${expiresAt}`,
      decidedAt: deps.clock.now().toISOString(),
      heldDeploymentId: release.deploymentId,
      escalationAt: escalation.at,
      cause: escalation.cause,
      ...(escalation.alarm ? { alarm: escalation.alarm } : {}),
      timedOut: true,
    };
  }
  const result = await carryOut(intent, intentId, release, decided, deps);
  // Applied: the route answers 409 from now on, and the local runtime has nothing to resume.
  const key = stateKeys.releaseDecisionRequest(intentId);
  await deps.state.delete(key.pk, key.sk);
  return result;
}

async function carryOut(
  intent: ResolvedIntent,
  intentId: string,
  release: ReleaseResult,
  decided: ReleaseDecision,
  deps: PipelineDeps,
): Promise<ReleaseResult> {
  const exposure = release.exposure!;
  const concluded: ReleaseResult = { ...release, decision: decided, done: true, action: 'continue' };
  if (decided.decision === 'hold') return concluded;
  const context: ResultContext = {
    service: release.service,
    environment: release.environment,
    strategy: release.strategy,
    pollSeconds: release.pollSeconds,
    eventsRecorded: 0,
    ...(release.plan ? { plan: release.plan } : {}),
    decision: decided,
  };
  if (decided.decision === 'roll-forward') {
    const next = nextExposure(exposure);
    const { escalation: _accepted, ...forward } = concluded;
    if (next) return startStep(intent, intentId, next, { ...context, exposure: next }, deps);
    // Held at the last step: everyone already has the change, which now stands as released.
    await rememberReleased(intent, deps);
    return forward;
  }
  const target = await rollbackTarget(intent, deps);
  if (!target) {
    throw new RollbackUnavailableError(
      `itv released nothing to ${intent.change.service}/${intent.change.profile} before: no earlier configuration to roll back to`,
    );
  }
  const request: ReleaseRequest = {
    intentId,
    service: intent.change.service,
    environment: release.environment,
    profile: intent.change.profile,
    contractVersion: intent.change.contractVersion,
    ...(await releaseContract(intent, deps)),
    content: target.content,
    strategy: exposureStepStrategy,
    description: `${intentId}: roll back ${intent.title} (the configuration before it)`,
    // The monitors are still out of OK from the regression: they must not revert the roll-back itself.
    rollbackOnAlarm: false,
    restoresPrevious: true,
  };
  // Its own hosted version, after every step's index: reused if this stage is retried.
  const configurationVersion = await hostedVersion(request, deps, exposure.steps.length);
  const status = await deps.releaser.start({ ...request, configurationVersion });
  await record(
    deps,
    intentId,
    'release.previous-redeployed',
    {
      deploymentId: status.deploymentId,
      heldDeploymentId: release.deploymentId,
      configurationVersion,
      previous: target.previous,
      startedAt: status.startedAt,
    },
    `release/previous-redeployed/${release.deploymentId}`,
  );
  return toResult(status, {
    ...context,
    exposure,
    ...(release.escalation ? { escalation: release.escalation } : {}),
  });
}
