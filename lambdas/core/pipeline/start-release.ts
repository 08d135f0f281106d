import type { StoredEntry } from '../../ports/ledger-store.js';
import type { DeploymentStrategy, ReleaseRequest } from '../../ports/releaser.js';
import { confidenceLowerBound } from '../confidence.js';
import { AuthorityRevokedError } from '../errors.js';
import type { ResolvedIntent } from '../intent.js';
import { laneOf } from '../lane.js';
import {
  ledgerPayloads,
  payloadOf,
  releasePreemptedReadPayload,
  releaseStartedPayload,
} from '../ledger/entry-payloads.js';
import { MonitorsInAlarmError } from '../release/errors.js';
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
import { withGrantsTo } from './delegations.js';
import { type PipelineDeps, record } from './deps.js';
import { wakeEmergenciesAwaitingDeployment } from './lane-wait.js';
import { resolvedIntent } from './payloads.js';
import { hostedVersion, releasedContent } from './release-configuration.js';
import { toResult } from './release-result.js';
import { introducedContract, releaseContract } from './released-contracts.js';
import { recordedApproval } from './review.js';
import { describeRevocation, revokedAuthority } from './revocations.js';
import type { PipelineState, ReleaseResult } from './state.js';

/**
 * Stage 6a: start the progressive deployment with a strategy from risk tier × earned confidence, and with the
 * monitors rolling back or only observing as the intent's constraints direct (see `releasePlan`). Authority revoked
 * since Verify (while the intent waited for its review, its lane or a retry) starts nothing: `AuthorityRevokedError`.
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
  if (intent.change.kind === 'schema-update') {
    return contractOnlyRelease(intent, intentId, environment, entries, deps);
  }
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
    // The first attempt may have ended before it woke the emergencies waiting for this deployment.
    await wakeEmergenciesAwaitingDeployment(intentId, deploymentId, deps);
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
  await assertAuthorityStands(intent, intentId, deps);
  await assertMonitorsOk(intent.change.service, environment, deps);
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
    ...(await releaseContract(intent, deps)),
    content: intent.change.payload,
    strategy,
    description: `${intentId}: ${intent.title}`,
    rollbackOnAlarm: plan.rollbackOnAlarm,
    ...(exposure ? { exposure: { percentage: exposure.percentage, ...(previous ? { previous } : {}) } } : {}),
  };
  const configurationVersion = await hostedVersion(request, deps);
  const status = await deps.releaser.start({
    ...request,
    configurationVersion,
    ...(preempted && startedId ? { supersedes: startedId } : {}),
  });
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
  // An emergency that waited for this intent only because it had no deployment yet may preempt it now.
  await wakeEmergenciesAwaitingDeployment(intentId, status.deploymentId, deps);
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

/**
 * A schema update changes the profile's contract, not its configuration: its payload (`{ version, schema }`) is
 * no configuration users could be served, and on AWS a feature-flag profile refuses it outright. So nothing is
 * hosted or deployed to AppConfig, locally or on AWS: the release is recorded (`release.contract-only`) and is
 * complete at once, users keep the configuration they are served, and Learn registers the contract
 * (`contract.registered`) as it concludes `released`. AppConfig's own validator is left as the stack deployed
 * it: it holds one schema, while every contract version, catalog or released, stays valid to name. No monitor is
 * read and no lane deployment is made; authority is still checked, since a revoked requester releases nothing.
 * A retried start finds its entry and answers the same result.
 */
async function contractOnlyRelease(
  intent: ResolvedIntent,
  intentId: string,
  environment: string,
  entries: readonly StoredEntry[],
  deps: PipelineDeps,
): Promise<ReleaseResult> {
  const recorded = entries.find((stored) => stored.entry.type === 'release.contract-only');
  let at: string;
  if (recorded) {
    at = payloadOf(recorded.entry, ledgerPayloads['release.contract-only']).at;
  } else {
    await assertAuthorityStands(intent, intentId, deps);
    const introduced = introducedContract(intent);
    if (!introduced) throw new Error(`schema update ${intentId} carries no contract version to release`);
    at = deps.clock.now().toISOString();
    await record(deps, intentId, 'release.contract-only', {
      service: intent.change.service,
      environment,
      profile: intent.change.profile,
      contractVersion: introduced.contractVersion,
      contractDigest: introduced.contractDigest,
      reason:
        "a schema update changes the profile's contract, not its configuration: nothing is deployed, and users keep the configuration they are served",
      at,
    });
  }
  return {
    deploymentId: 'none',
    service: intent.change.service,
    environment,
    strategy: 'none',
    state: 'COMPLETE',
    percentageComplete: 0,
    startedAt: at,
    completedAt: at,
    done: true,
    action: 'continue',
    pollSeconds: 1,
    eventsRecorded: 0,
    contractOnly: true,
  };
}

/**
 * A release starts only on authority that still stands: a revocation binds from the instant it takes effect, so
 * the requester's own, a delegation the intent relies on, or its grantor's, revoked after Verify passed (during
 * the review wait, say) deploys nothing. Verify and CheckRelease read the same revocations; once a deployment is
 * under way it is CheckRelease that answers one (the retried start above picks that deployment up).
 */
async function assertAuthorityStands(
  intent: ResolvedIntent,
  intentId: string,
  deps: PipelineDeps,
): Promise<void> {
  const catalog = await withGrantsTo(deps.catalog, intent.authority.requester, deps.state);
  const revoked = await revokedAuthority(intent, catalog, deps.state, deps.clock.now());
  if (!revoked) return;
  throw new AuthorityRevokedError(
    `intent ${intentId} is not released: ${describeRevocation(revoked)}; nothing was deployed`,
  );
}

/**
 * A release starts only on a lane whose monitors are all OK. AppConfig rolls back a deployment whose monitor is
 * in ALARM or INSUFFICIENT_DATA while it runs, so a release started while an alarm from before it (the regression
 * of the release that was just rolled back: a 2-of-3 one-minute alarm stays in ALARM until two of its last three
 * datapoints are healthy again) would be rolled back at once, or held, and blamed for a regression that is not
 * its own. Nothing is started or recorded here: the state machine retries StartRelease until the alarm is OK,
 * and a monitor still out of OK after those retries is a live problem of the service, which fails the release
 * rather than deploy into it.
 */
async function assertMonitorsOk(service: string, environment: string, deps: PipelineDeps): Promise<void> {
  const raised = (await deps.releaser.monitorStates(service, environment)).filter(
    (monitor) => monitor.state !== 'OK',
  );
  if (raised.length === 0) return;
  const named = raised.map((monitor) => `${monitor.name} in ${monitor.state}`).join(', ');
  throw new MonitorsInAlarmError(
    `environment ${environment}: monitor ${named} from before this release; a deployment started now would be rolled back on it, so the release waits for it to return to OK`,
  );
}
