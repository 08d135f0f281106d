import type { ObserveOnlyDeployment } from '../../ports/releaser.js';
import { laneOf } from '../lane.js';
import type { LedgerPayload } from '../ledger/entry-payloads.js';
import { payloadOf, releaseStartedPayload } from '../ledger/entry-payloads.js';
import { MonitorsStillObservingError } from '../release/errors.js';
import { releasePlan } from '../release/index.js';
import { type PipelineDeps, record } from './deps.js';
import { declaredIntent } from './parsed-intent.js';
import type { PipelineState } from './state.js';

/** Which path out of a release restored a lane's monitors. */
export type RestorationTrigger = LedgerPayload<'release.monitors-restored'>['trigger'];

/** What became of a lane's monitors. */
export interface LaneRestoration {
  service: string;
  environment: string;
  /**
   * `restored`: alarm actions were disabled and are enabled again (recorded); `enabled`: none was disabled;
   * `observing`: an observe-only deployment still rolls out or bakes there and keeps them disabled until it ends.
   */
  outcome: 'restored' | 'enabled' | 'observing';
  alarms: string[];
  deploymentId: string | null;
  /** The intent the observe-only deployment releases, when it names one. */
  heldBy?: string;
  /** The ledger entry of a restoration. */
  seq?: number;
}

type RestorationDeps = Pick<PipelineDeps, 'releaser' | 'ledger' | 'ledgerName' | 'clock'>;

/**
 * Enables the lane's monitors' alarm actions unless an observe-only deployment is still in progress there (it
 * must not be reverted mid-rollout), and records the restoration under that deployment's intent — `intentId`
 * when the caller knows it, else the one the deployment names, else `lane/<environment>`. Idempotent: a second
 * call finds every monitor enabled and records nothing.
 */
export async function restoreLaneMonitors(
  lane: { service: string; environment: string },
  deps: RestorationDeps,
  trigger: RestorationTrigger,
  intentId?: string,
): Promise<LaneRestoration> {
  const { service, environment } = lane;
  const view = await deps.releaser.monitors(service, environment);
  const held: ObserveOnlyDeployment | undefined = view.observeOnly;
  const deploymentId = held?.deploymentId ?? null;
  if (view.disabled.length === 0)
    return { service, environment, outcome: 'enabled', alarms: [], deploymentId };
  if (held?.inProgress) {
    const heldBy = held.intentId !== undefined ? { heldBy: held.intentId } : {};
    return { service, environment, outcome: 'observing', alarms: view.disabled, deploymentId, ...heldBy };
  }
  const alarms = await deps.releaser.enableMonitors(service, environment);
  const owner = intentId ?? held?.intentId ?? `lane/${environment}`;
  // One entry per deployment whose monitors came back; without one, per instant.
  const step = `release.monitors-restored/${deploymentId ?? deps.clock.now().toISOString()}`;
  const stored = await record(
    deps,
    owner,
    'release.monitors-restored',
    { service, environment, alarms, deploymentId, trigger },
    step,
  );
  return { service, environment, outcome: 'restored', alarms, deploymentId, seq: stored.entry.seq };
}

/** The failure path's answer for one intent. */
export interface MonitorRestoration {
  /** `none`: the intent never released observe-only, so there is nothing of its to restore. */
  outcome: LaneRestoration['outcome'] | 'none';
  alarms: string[];
  seq?: number;
}

/**
 * The compensation on the pipeline's failure path (after RecordFailure): an intent that started, or may have
 * started, a release with its monitors observing only gets them back. While its own deployment still rolls out
 * or bakes, enabling them would let AppConfig revert a change that must not be reverted: it throws
 * `MonitorsStillObservingError`, which the state machine retries with a long backoff until the deployment ends.
 * Another intent's observe-only deployment in progress holds the monitors itself: left alone.
 */
export async function restoreMonitors(state: PipelineState, deps: PipelineDeps): Promise<MonitorRestoration> {
  const none: MonitorRestoration = { outcome: 'none', alarms: [] };
  // Only an admitted intent reaches StartRelease.
  if (state.declared?.verdict !== 'complete' || state.admission?.verdict !== 'admitted') return none;
  const { intent, intentId } = declaredIntent(state);
  const service = deps.catalog.services[intent.change.service];
  if (!service) return none;
  const plan = state.release?.plan ?? (await startedPlan(intentId, deps)) ?? releasePlan(intent.constraints);
  if (plan.rollbackOnAlarm) return none;
  const lane = { service: service.name, environment: state.release?.environment ?? laneOf(service) };
  const restored = await restoreLaneMonitors(lane, deps, 'failure-path', intentId);
  if (restored.outcome === 'observing' && (restored.heldBy ?? intentId) === intentId) {
    throw new MonitorsStillObservingError(
      `deployment ${restored.deploymentId} of ${intentId} still rolls out or bakes in ${lane.environment} with its monitors observing only; their alarm actions are enabled once it ends`,
    );
  }
  return {
    outcome: restored.outcome,
    alarms: restored.alarms,
    ...(restored.seq !== undefined ? { seq: restored.seq } : {}),
  };
}

async function startedPlan(intentId: string, deps: PipelineDeps) {
  const entries = await deps.ledger.forIntent(deps.ledgerName, intentId);
  const started = entries.find((stored) => stored.entry.type === 'release.started');
  return started ? payloadOf(started.entry, releaseStartedPayload).plan : undefined;
}
