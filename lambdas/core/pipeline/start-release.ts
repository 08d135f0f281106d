import type { DeploymentStrategy, ReleaseRequest } from '../../ports/releaser.js';
import { confidenceLowerBound } from '../confidence.js';
import { laneOf } from '../lane.js';
import { payloadOf, releasePreemptedReadPayload, releaseStartedPayload } from '../ledger/entry-payloads.js';
import {
  chooseStrategy,
  exposureAt,
  exposureStepStrategy,
  exposureSteps,
  holdsExposure,
  pollSecondsFor,
  releasePlan,
  watchFloorSeconds,
} from '../release/index.js';
import { readConfidence } from './confidence-store.js';
import { type PipelineDeps, record } from './deps.js';
import { resolvedIntent } from './payloads.js';
import { hostedVersion, releasedContent } from './release-configuration.js';
import { toResult } from './release-result.js';
import { recordedApproval } from './review.js';
import type { PipelineState, ReleaseResult } from './state.js';

/**
 * Stage 6a: start the progressive deployment with a strategy from risk tier × earned confidence, and with the
 * monitors rolling back or only observing as the intent's constraints direct (see `releasePlan`).
 */
export async function startRelease(
  state: PipelineState,
  deps: PipelineDeps,
  /** `strategy` replaces the one risk tier × confidence would choose: the release bench runs each in turn. */
  options: { strategy?: DeploymentStrategy } = {},
): Promise<ReleaseResult> {
  const { intent, intentId } = await resolvedIntent(state, deps);
  if (state.verification?.requiresReview) await recordedApproval(intentId, deps);
  const admission = state.admission;
  if (!admission) throw new Error('StartRelease needs the admission result');
  const service = deps.catalog.services[intent.change.service];
  if (!service) throw new Error(`service ${intent.change.service} is not in the catalog`);
  const environment = laneOf(service);
  const entries = await deps.ledger.forIntent(deps.ledgerName, intentId);
  const started = entries.filter((stored) => stored.entry.type === 'release.started').at(-1);
  const startedId = started ? payloadOf(started.entry, releaseStartedPayload).deploymentId : undefined;
  // A deployment an emergency preempted is over: the intent, admitted again, starts a new one.
  const preempted = entries.some(
    (stored) =>
      stored.entry.type === 'release.preempted' &&
      payloadOf(stored.entry, releasePreemptedReadPayload).deploymentId === startedId,
  );
  if (started && !preempted) {
    // A retried start must not deploy twice: pick the deployment up where the first attempt left it.
    const { deploymentId, strategy, pollSeconds, plan, exposure } = payloadOf(
      started.entry,
      releaseStartedPayload,
    );
    const status = await deps.releaser.check(intent.change.service, environment, deploymentId);
    return toResult(status, {
      service: intent.change.service,
      environment,
      strategy,
      pollSeconds,
      eventsRecorded: 0,
      plan: plan ?? releasePlan(intent.constraints),
      ...(exposure ? { exposure } : {}),
    });
  }
  const confidence = confidenceLowerBound(
    await readConfidence(deps.state, intent.change.service, intent.change.kind),
  );
  const chosen = options.strategy ?? chooseStrategy({ tier: admission.tier as 0 | 1 | 2 | 3, confidence });
  const plan = releasePlan(intent.constraints);
  // A release that must hold where a regression finds it runs the chosen schedule as steps of exposure.
  const exposure = holdsExposure(plan) ? exposureAt(exposureSteps(chosen), 0) : undefined;
  const strategy = exposure ? exposureStepStrategy : chosen;
  const previous = exposure
    ? await releasedContent(intent.change.service, intent.change.profile, deps)
    : undefined;
  const request: ReleaseRequest = {
    intentId,
    service: intent.change.service,
    environment,
    profile: intent.change.profile,
    contractVersion: intent.change.contractVersion,
    content: intent.change.payload,
    strategy,
    description: `${intentId}: ${intent.title}`,
    rollbackOnAlarm: plan.rollbackOnAlarm,
    ...(exposure ? { exposure: { percentage: exposure.percentage, ...(previous ? { previous } : {}) } } : {}),
  };
  const configurationVersion = await hostedVersion(request, deps);
  const status = await deps.releaser.start({ ...request, configurationVersion });
  const pollSeconds = pollSecondsFor(strategy);
  await record(
    deps,
    intentId,
    'release.started',
    {
      deploymentId: status.deploymentId,
      service: intent.change.service,
      environment,
      profile: intent.change.profile,
      strategy: strategy.name,
      growthType: strategy.growthType,
      growthFactor: strategy.growthFactor,
      deploymentDurationInMinutes: strategy.deploymentDurationInMinutes,
      finalBakeTimeInMinutes: strategy.finalBakeTimeInMinutes,
      watchFloorSeconds: watchFloorSeconds(),
      confidence,
      tier: admission.tier,
      pollSeconds,
      plan,
      configurationVersion,
      ...(exposure ? { exposure } : {}),
      startedAt: status.startedAt,
    },
    startedId ? `release.started/after/${startedId}` : 'release.started',
  );
  return toResult(status, {
    service: intent.change.service,
    environment,
    strategy: strategy.name,
    pollSeconds,
    eventsRecorded: 0,
    plan,
    ...(exposure ? { exposure } : {}),
  });
}
