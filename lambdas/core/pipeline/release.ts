import type { DeploymentStatus } from '../../ports/releaser.js';
import { confidenceLowerBound } from '../confidence.js';
import { laneOf } from '../lane.js';
import { evaluatePolicy } from '../policy/index.js';
import { chooseStrategy, pollSecondsFor } from '../release/index.js';
import { readConfidence } from './confidence-store.js';
import { type PipelineDeps, record } from './deps.js';
import { declaredIntent } from './parsed-intent.js';
import type { PipelineState, ReleaseResult } from './state.js';

const terminalStates = new Set(['COMPLETE', 'ROLLED_BACK', 'REVERTED']);

/** Stage 6a: start the progressive deployment with a strategy from risk tier × earned confidence. */
export async function startRelease(state: PipelineState, deps: PipelineDeps): Promise<ReleaseResult> {
  const { intent, intentId } = declaredIntent(state);
  const admission = state.admission;
  if (!admission) throw new Error('StartRelease needs the admission result');
  const service = deps.catalog.services[intent.change.service];
  if (!service) throw new Error(`service ${intent.change.service} is not in the catalog`);
  const entries = await deps.ledger.forIntent(deps.ledgerName, intentId);
  const started = entries.find((stored) => stored.entry.type === 'release.started');
  if (started) {
    // A retried start must not deploy twice: pick the deployment up where the first attempt left it.
    const { deploymentId, strategy, pollSeconds } = started.entry.payload as {
      deploymentId: string;
      strategy: string;
      pollSeconds: number;
    };
    const status = await deps.releaser.check(intent.change.service, laneOf(service), deploymentId);
    return toResult(status, intent.change.service, laneOf(service), strategy, pollSeconds, 0, undefined);
  }
  const confidence = confidenceLowerBound(
    await readConfidence(deps.state, intent.change.service, intent.change.kind),
  );
  const strategy = chooseStrategy({ tier: admission.tier as 0 | 1 | 2 | 3, confidence });
  const status = await deps.releaser.start({
    intentId,
    service: intent.change.service,
    environment: laneOf(service),
    profile: intent.change.profile,
    content: intent.change.payload,
    strategy,
    description: `${intentId}: ${intent.title}`,
    fault: intent.simulation?.fault,
  });
  const pollSeconds = pollSecondsFor(strategy);
  await record(deps, intentId, 'release.started', {
    deploymentId: status.deploymentId,
    service: intent.change.service,
    environment: laneOf(service),
    profile: intent.change.profile,
    strategy: strategy.name,
    confidence,
    tier: admission.tier,
    pollSeconds,
    startedAt: status.startedAt,
  });
  return toResult(status, intent.change.service, laneOf(service), strategy.name, pollSeconds, 0, undefined);
}

/**
 * Stage 6b: poll the deployment, write each new deployment event to the ledger, and ask for a stop when
 * the policy set no longer admits the change (a freeze window began, authority was revoked).
 */
export async function checkRelease(state: PipelineState, deps: PipelineDeps): Promise<ReleaseResult> {
  const { intent, intentId } = declaredIntent(state);
  const release = state.release;
  if (!release) throw new Error('CheckRelease needs a started release');
  const status = await deps.releaser.check(release.service, release.environment, release.deploymentId);
  const recorded = await recordEvents(status, release.eventsRecorded, intentId, deps);
  let stopReason: string | undefined;
  if (!terminalStates.has(status.state)) {
    const service = deps.catalog.services[intent.change.service];
    if (service) {
      const policy = evaluatePolicy({ intent, service, catalog: deps.catalog, now: deps.clock.now() });
      if (policy.verdict === 'deny') {
        stopReason = `policy breach during release: ${policy.failed.map((r) => `${r.rule} (${r.reason})`).join('; ')}`;
      }
    }
  }
  return toResult(
    status,
    release.service,
    release.environment,
    release.strategy,
    release.pollSeconds,
    recorded,
    stopReason,
  );
}

/** Stage 6c: stop an in-progress deployment (AppConfig rolls it back) and record why. */
export async function stopRelease(state: PipelineState, deps: PipelineDeps): Promise<ReleaseResult> {
  const { intentId } = declaredIntent(state);
  const release = state.release;
  if (!release) throw new Error('StopRelease needs a started release');
  const status = await deps.releaser.stop(release.service, release.environment, release.deploymentId);
  const recorded = await recordEvents(status, release.eventsRecorded, intentId, deps);
  await record(deps, intentId, 'release.stopped', {
    deploymentId: release.deploymentId,
    reason: release.stopReason ?? 'stopped',
    state: status.state,
  });
  const result = toResult(
    status,
    release.service,
    release.environment,
    release.strategy,
    release.pollSeconds,
    recorded,
    release.stopReason,
  );
  return { ...result, done: true, action: 'continue' };
}

async function recordEvents(
  status: DeploymentStatus,
  alreadyRecorded: number,
  intentId: string,
  deps: PipelineDeps,
): Promise<number> {
  for (let index = alreadyRecorded; index < status.events.length; index++) {
    const event = status.events[index]!;
    await record(
      deps,
      intentId,
      // AppConfig event types (DEPLOYMENT_STARTED, ROLLBACK_COMPLETED …) as ledger types: release.deployment-started.
      `release.${event.type.toLowerCase().replace(/_/g, '-')}`,
      { deploymentId: status.deploymentId, index, ...event },
      `release/event/${index}`,
    );
  }
  return Math.max(alreadyRecorded, status.events.length);
}

function toResult(
  status: DeploymentStatus,
  service: string,
  environment: string,
  strategy: string,
  pollSeconds: number,
  eventsRecorded: number,
  stopReason: string | undefined,
): ReleaseResult {
  return {
    deploymentId: status.deploymentId,
    service,
    environment,
    strategy,
    state: status.state,
    percentageComplete: status.percentageComplete,
    startedAt: status.startedAt,
    completedAt: status.completedAt,
    done: terminalStates.has(status.state),
    action: stopReason ? 'stop' : 'continue',
    stopReason,
    pollSeconds,
    eventsRecorded,
  };
}
