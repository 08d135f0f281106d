import type { DeploymentStatus } from '../../ports/releaser.js';
import { confidenceLowerBound } from '../confidence.js';
import type { Intent } from '../intent.js';
import { laneOf } from '../lane.js';
import { payloadOf, releaseStartedPayload } from '../ledger/entry-payloads.js';
import { evaluatePolicy } from '../policy/index.js';
import { DeploymentNotStoppableError } from '../release/errors.js';
import { chooseStrategy, pollSecondsFor, type ReleasePlan, releasePlan } from '../release/index.js';
import { readConfidence } from './confidence-store.js';
import { withGrantsTo } from './delegations.js';
import { type PipelineDeps, record } from './deps.js';
import { declaredIntent } from './parsed-intent.js';
import { recordEvents, rollbackAlarm } from './release-events.js';
import { describeRevocation, revokedAuthority } from './revocations.js';
import type { PipelineState, ReleaseResult } from './state.js';

const terminalStates = new Set(['COMPLETE', 'ROLLED_BACK', 'REVERTED']);

type Escalation = NonNullable<ReleaseResult['escalation']>;

/**
 * Stage 6a: start the progressive deployment with a strategy from risk tier × earned confidence, and with the
 * monitors rolling back or only observing as the intent's constraints direct (see `releasePlan`).
 */
export async function startRelease(state: PipelineState, deps: PipelineDeps): Promise<ReleaseResult> {
  const { intent, intentId } = declaredIntent(state);
  const admission = state.admission;
  if (!admission) throw new Error('StartRelease needs the admission result');
  const service = deps.catalog.services[intent.change.service];
  if (!service) throw new Error(`service ${intent.change.service} is not in the catalog`);
  const environment = laneOf(service);
  const entries = await deps.ledger.forIntent(deps.ledgerName, intentId);
  const started = entries.find((stored) => stored.entry.type === 'release.started');
  if (started) {
    // A retried start must not deploy twice: pick the deployment up where the first attempt left it.
    const { deploymentId, strategy, pollSeconds, plan } = payloadOf(started.entry, releaseStartedPayload);
    const status = await deps.releaser.check(intent.change.service, environment, deploymentId);
    return toResult(status, {
      service: intent.change.service,
      environment,
      strategy,
      pollSeconds,
      eventsRecorded: 0,
      plan: plan ?? releasePlan(intent.constraints),
    });
  }
  const confidence = confidenceLowerBound(
    await readConfidence(deps.state, intent.change.service, intent.change.kind),
  );
  const strategy = chooseStrategy({ tier: admission.tier as 0 | 1 | 2 | 3, confidence });
  const plan = releasePlan(intent.constraints);
  const status = await deps.releaser.start({
    intentId,
    service: intent.change.service,
    environment,
    profile: intent.change.profile,
    contractVersion: intent.change.contractVersion,
    content: intent.change.payload,
    strategy,
    description: `${intentId}: ${intent.title}`,
    rollbackOnAlarm: plan.rollbackOnAlarm,
  });
  const pollSeconds = pollSecondsFor(strategy);
  await record(deps, intentId, 'release.started', {
    deploymentId: status.deploymentId,
    service: intent.change.service,
    environment,
    profile: intent.change.profile,
    strategy: strategy.name,
    growthType: strategy.growthType,
    growthFactor: strategy.growthFactor,
    deploymentDurationInMinutes: strategy.deploymentDurationInMinutes,
    finalBakeTimeInMinutes: strategy.finalBakeTimeInMinutes,
    confidence,
    tier: admission.tier,
    pollSeconds,
    plan,
    startedAt: status.startedAt,
  });
  return toResult(status, {
    service: intent.change.service,
    environment,
    strategy: strategy.name,
    pollSeconds,
    eventsRecorded: 0,
    plan,
  });
}

/**
 * Stage 6b: poll the deployment and write each new deployment event to the ledger. When the policy set no
 * longer admits the change (a freeze window began, authority was revoked) it asks for a stop — or, where a
 * stop would revert an irreversible change, freezes and escalates. A monitor that trips while AppConfig may
 * not roll back is answered as the plan says: freeze or roll forward, escalated to the owners.
 */
export async function checkRelease(state: PipelineState, deps: PipelineDeps): Promise<ReleaseResult> {
  const { intent, intentId } = declaredIntent(state);
  const release = state.release;
  if (!release) throw new Error('CheckRelease needs a started release');
  const plan = release.plan ?? releasePlan(intent.constraints);
  const status = await deps.releaser.check(release.service, release.environment, release.deploymentId);
  const recorded = await recordEvents(status, release.eventsRecorded, intentId, deps);
  let stopReason: string | undefined;
  let escalation = release.escalation;
  if (!terminalStates.has(status.state)) {
    const breach = await policyBreach(intent, deps);
    if (breach && plan.onPolicyBreach === 'stop') {
      stopReason = breach;
    } else if (breach && !escalation) {
      escalation = await escalate(intent, intentId, deps, status, {
        response: 'freeze',
        cause: 'policy-breach',
        why: breach,
      });
    }
    const tripped = status.trippedMonitor;
    if (!stopReason && tripped && plan.onRegression === 'rollback') {
      // Someone disabled the monitor's actions, so AppConfig will not roll back: itv does what it would have.
      stopReason = `monitor ${tripped.alarm} in ${tripped.state} at ${tripped.percentage}% while its alarm actions are disabled`;
    } else if (tripped && !escalation && plan.onRegression !== 'rollback') {
      escalation = await escalate(intent, intentId, deps, status, {
        response: plan.onRegression,
        cause: 'regression',
        why: `monitor ${tripped.alarm} in ${tripped.state} at ${tripped.percentage}%`,
        alarm: tripped.alarm,
      });
    }
  }
  return toResult(status, {
    service: release.service,
    environment: release.environment,
    strategy: release.strategy,
    pollSeconds: release.pollSeconds,
    eventsRecorded: recorded,
    plan,
    stopReason,
    escalation,
  });
}

/** Stage 6c: stop an in-progress deployment (AppConfig rolls it back) and record why. */
export async function stopRelease(state: PipelineState, deps: PipelineDeps): Promise<ReleaseResult> {
  const { intentId } = declaredIntent(state);
  const release = state.release;
  if (!release) throw new Error('StopRelease needs a started release');
  let status: DeploymentStatus;
  let completedBeforeStop = false;
  try {
    status = await deps.releaser.stop(release.service, release.environment, release.deploymentId);
  } catch (error) {
    if (!(error instanceof DeploymentNotStoppableError)) throw error;
    // It completed between the poll and the stop: reverting a completed deployment is a new change, not a stop.
    status = await deps.releaser.check(release.service, release.environment, release.deploymentId);
    completedBeforeStop = true;
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
    escalation: release.escalation,
  });
  return { ...result, done: true, action: 'continue' };
}

/** Why the change is no longer admitted, or undefined: a failed policy rule, or revoked authority. */
async function policyBreach(intent: Intent, deps: PipelineDeps): Promise<string | undefined> {
  const now = deps.clock.now();
  const reasons: string[] = [];
  const service = deps.catalog.services[intent.change.service];
  const catalog = await withGrantsTo(deps.catalog, intent.authority.requester, deps.state);
  if (service) {
    // In flight: rules that only gate a start (business hours) do not stop a release already under way.
    const policy = evaluatePolicy({ intent, service, catalog, now, phase: 'in-flight' }, deps.policies.rules);
    reasons.push(...policy.failed.map((r) => `${r.rule} (${r.reason})`));
  }
  const revoked = await revokedAuthority(intent, catalog, deps.state, now);
  if (revoked) reasons.push(describeRevocation(revoked));
  return reasons.length > 0 ? `policy breach during release: ${reasons.join('; ')}` : undefined;
}

/**
 * Records the hold (`release.frozen` or `release.rolling-forward`) and the escalation to the service's owners,
 * once each. AppConfig keeps to its schedule (it cannot pause), so the ledger says so rather than pretend.
 */
async function escalate(
  intent: Intent,
  intentId: string,
  deps: PipelineDeps,
  status: DeploymentStatus,
  hold: { response: Escalation['response']; cause: Escalation['cause']; why: string; alarm?: string },
): Promise<Escalation> {
  const service = deps.catalog.services[intent.change.service];
  const owners = service?.owners ?? [];
  const percentage = status.trippedMonitor?.percentage ?? status.percentageComplete;
  const action =
    hold.response === 'freeze'
      ? `frozen at ${percentage}%: not reverted (${intent.constraints.reversibility}, onRegression ${intent.constraints.onRegression})`
      : `rolling forward from ${percentage}%: not reverted, a fix-forward change is needed`;
  const reason = `${hold.why}; ${action}`;
  const escalation: Escalation = {
    response: hold.response,
    cause: hold.cause,
    reason,
    at: status.trippedMonitor?.at ?? deps.clock.now().toISOString(),
    percentage,
    ...(hold.alarm ? { alarm: hold.alarm } : {}),
  };
  // AppConfig has no pause and StopDeployment rolls back: the deployment keeps its schedule with its alarm
  // actions disabled, and itv takes no further automatic action on it (docs/LEDGER.md, `release.frozen`).
  await record(deps, intentId, hold.response === 'freeze' ? 'release.frozen' : 'release.rolling-forward', {
    deploymentId: status.deploymentId,
    ...escalation,
  });
  await record(deps, intentId, 'release.escalated', {
    deploymentId: status.deploymentId,
    to: owners,
    team: service?.ownerTeam ?? null,
    response: hold.response,
    cause: hold.cause,
    reason,
  });
  return escalation;
}

interface ResultContext {
  service: string;
  environment: string;
  strategy: string;
  pollSeconds: number;
  eventsRecorded: number;
  plan?: ReleasePlan;
  stopReason?: string;
  escalation?: Escalation;
}

function toResult(status: DeploymentStatus, context: ResultContext): ReleaseResult {
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
    pollSeconds: context.pollSeconds,
    eventsRecorded: context.eventsRecorded,
    ...(context.plan ? { plan: context.plan } : {}),
    ...(alarm ? { alarm } : {}),
    ...(context.escalation ? { escalation: context.escalation } : {}),
  };
}
