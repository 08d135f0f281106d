import type { DeploymentStatus } from '../../ports/releaser.js';
import type { ResolvedIntent } from '../intent.js';
import { evaluatePolicy } from '../policy/index.js';
import { nextExposure, releasePlan } from '../release/index.js';
import { withGrantsTo } from './delegations.js';
import { type PipelineDeps, record } from './deps.js';
import { resolvedIntent } from './payloads.js';
import { policySignals } from './policy-signals.js';
import { preemptedStep, preemptionOf } from './preempt-release.js';
import { rememberReleased } from './release-configuration.js';
import { recordEvents } from './release-events.js';
import { type Escalation, terminalStates, toResult } from './release-result.js';
import { startStep } from './release-step.js';
import type { PipelineState, ReleaseResult } from './state.js';
import { stopRequestOf } from './stop-intent.js';
import { personStopReason } from './stop-reason.js';

/**
 * Stage 6b: poll the deployment and write each new deployment event to the ledger. A deployment an emergency
 * preempted (`preempt-release.ts`) asks to queue for the lane again. When the policy set no
 * longer admits the change (a freeze window began, authority was revoked) it asks for a stop — or, where a
 * stop would revert an irreversible change, freezes and escalates. A monitor that trips while AppConfig may
 * not roll back is answered as the plan says: freeze or roll forward, escalated to the owners.
 */
export async function checkRelease(state: PipelineState, deps: PipelineDeps): Promise<ReleaseResult> {
  const { intent, intentId } = await resolvedIntent(state, deps);
  const release = state.release;
  if (!release) throw new Error('CheckRelease needs a started release');
  // A schema update deployed nothing (`release.contract-only`): there is no deployment to poll.
  if (release.contractOnly) return release;
  const plan = release.plan ?? releasePlan(intent.constraints);
  const status = await deps.releaser.check(release.service, release.environment, release.deploymentId);
  const recorded = await recordEvents(status, release.eventsRecorded, intentId, deps);
  const preempted = await preemptionOf(intentId, status, deps);
  if (preempted) {
    // Stopped for an emergency, not by an alarm: queue for the lane again rather than conclude as rolled back.
    // The emergency wrote this entry unless it failed first; the step makes it one entry either way.
    await record(deps, intentId, 'release.preempted', preempted, preemptedStep(status.deploymentId));
    const result = toResult(status, {
      service: release.service,
      environment: release.environment,
      strategy: release.strategy,
      pollSeconds: release.pollSeconds,
      eventsRecorded: recorded,
      plan,
    });
    return { ...result, done: false, action: 'requeue', preemptedBy: preempted.preemptedBy };
  }
  let stopReason: string | undefined;
  let escalation = release.escalation;
  // A roll-back a person decided deploys the configuration users had before: nothing to stop or hold there.
  const rollingBack = release.decision?.decision === 'roll-back';
  let stoppedBy = release.stoppedBy;
  if (!terminalStates.has(status.state) && !rollingBack) {
    // A person's stop is answered as a policy breach is: rolled back where the change may be reverted, held
    // where it must not be (`stop-intent.ts`).
    const stop = stoppedBy ? undefined : await stopRequestOf(intentId, deps);
    if (stop) {
      stoppedBy = stop.by;
      const why = personStopReason(stop);
      if (plan.onPolicyBreach === 'stop') stopReason = why;
      else if (!escalation) {
        escalation = await escalate(intent, intentId, deps, status, release.exposure, {
          response: 'freeze',
          cause: 'stop',
          why,
        });
      }
    }
    const breach = stopReason ? undefined : await policyBreach(intent, deps);
    if (breach && plan.onPolicyBreach === 'stop') {
      stopReason = breach;
    } else if (breach && !escalation) {
      escalation = await escalate(intent, intentId, deps, status, release.exposure, {
        response: 'freeze',
        cause: 'policy-breach',
        why: breach,
      });
    }
    // The monitor a person rolled forward past is accepted; any other one that trips holds the release again.
    const accepted = release.decision?.decision === 'roll-forward' ? release.decision.alarm : undefined;
    const tripped = status.trippedMonitor?.alarm === accepted ? undefined : status.trippedMonitor;
    if (!stopReason && tripped && plan.onRegression === 'rollback') {
      // Someone disabled the monitor's actions, so AppConfig will not roll back: itv does what it would have.
      stopReason = `monitor ${tripped.alarm} in ${tripped.state} at ${tripped.percentage}% while its alarm actions are disabled`;
    } else if (tripped && !escalation && plan.onRegression !== 'rollback') {
      escalation = await escalate(intent, intentId, deps, status, release.exposure, {
        response: plan.onRegression,
        cause: 'regression',
        // A stepped release's deployment reaches every target at each step: its share is not the users'.
        why: `monitor ${tripped.alarm} in ${tripped.state} at ${tripped.percentage}%${release.exposure ? ' of targets' : ''}`,
        alarm: tripped.alarm,
      });
    }
  }
  const context = {
    service: release.service,
    environment: release.environment,
    strategy: release.strategy,
    pollSeconds: release.pollSeconds,
    eventsRecorded: recorded,
    plan,
    stopReason,
    ...(stoppedBy ? { stoppedBy } : {}),
    escalation,
    ...(release.exposure ? { exposure: release.exposure } : {}),
    ...(release.decision ? { decision: release.decision } : {}),
  };
  if (status.state === 'COMPLETE' && !stopReason) {
    if (heldUndecided(release, escalation)) {
      // The held step is out everywhere it will go: the release now waits for the owners (AwaitReleaseDecision).
      return { ...toResult(status, context), done: false, action: 'await-decision' };
    }
    const next = release.exposure && !escalation ? nextExposure(release.exposure) : undefined;
    // A held step is not advanced: the environment keeps serving it, at the exposure it had.
    if (next) return startStep(intent, intentId, next, { ...context, eventsRecorded: 0 }, deps);
    if (!rollingBack && (!release.exposure || (release.exposure.percentage === 100 && !escalation))) {
      await rememberReleased(intent, deps);
    }
  }
  return toResult(status, context);
}

/** A stepped release held by a freeze that no decision has answered yet. */
function heldUndecided(release: ReleaseResult, escalation: Escalation | undefined): boolean {
  if (escalation?.response !== 'freeze' || !release.exposure) return false;
  return release.decision?.escalationAt !== escalation.at;
}

/**
 * Why the change is no longer admitted, or undefined: the rules that fail it now, evaluated with the signals
 * admission reads (`policySignals`): the error budget Observe last measured, not the catalog's baseline, and the
 * revocation in force, which `authority-not-revoked` answers as it did at admission.
 */
async function policyBreach(intent: ResolvedIntent, deps: PipelineDeps): Promise<string | undefined> {
  const now = deps.clock.now();
  const service = deps.catalog.services[intent.change.service];
  const catalog = await withGrantsTo(deps.catalog, intent.authority.requester, deps.state);
  const signals = await policySignals(intent, catalog, deps.state, now);
  // In flight: rules that only gate a start (business hours) do not stop a release already under way.
  const reasons = service
    ? evaluatePolicy(
        { intent, service, catalog, now, signals, phase: 'in-flight' },
        deps.policies.rules,
      ).failed.map((r) => `${r.rule} (${r.reason})`)
    : // A service gone from the catalog has no rules to evaluate; its requester's revocation still stops it.
      signals.authorityRevoked
      ? [signals.authorityRevoked]
      : [];
  return reasons.length > 0 ? `policy breach during release: ${reasons.join('; ')}` : undefined;
}

/**
 * Records the hold (`release.frozen` or `release.rolling-forward`) and the escalation to the service's owners,
 * once each. AppConfig keeps to its schedule (it cannot pause), so the ledger says so rather than pretend.
 */
async function escalate(
  intent: ResolvedIntent,
  intentId: string,
  deps: PipelineDeps,
  status: DeploymentStatus,
  exposure: ReleaseResult['exposure'],
  hold: { response: Escalation['response']; cause: Escalation['cause']; why: string; alarm?: string },
): Promise<Escalation> {
  const service = deps.catalog.services[intent.change.service];
  const owners = service?.owners ?? [];
  const targets = status.trippedMonitor?.percentage ?? status.percentageComplete;
  // A step exposes the change to its share of users on the targets it has reached.
  const percentage = exposure ? (targets * exposure.percentage) / 100 : targets;
  const share = exposure ? `${percentage}% of users` : `${percentage}%`;
  const action =
    hold.response === 'freeze'
      ? `frozen at ${share}: not reverted (${intent.constraints.reversibility}, onRegression ${intent.constraints.onRegression})`
      : `rolling forward from ${share}: not reverted, a fix-forward change is needed`;
  const reason = `${hold.why}; ${action}`;
  const escalation: Escalation = {
    response: hold.response,
    cause: hold.cause,
    reason,
    at: status.trippedMonitor?.at ?? deps.clock.now().toISOString(),
    percentage,
    ...(hold.alarm ? { alarm: hold.alarm } : {}),
  };
  // A stepped release holds here: the step under way finishes (it exposes no one new once every target has
  // it) and no further step starts. A release that is not stepped keeps AppConfig's schedule with its alarm
  // actions disabled (AppConfig has no pause); docs/LEDGER.md, `release.frozen`.
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
