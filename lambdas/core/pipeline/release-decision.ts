import type { Catalog } from '../catalog-schema.js';
import { InvalidInputError, ItvError, NotAServiceOwnerError, VersionConflictError } from '../errors.js';
import { intentSchema } from '../intent.js';
import type { Caller } from '../principals/index.js';
import { stateKeys } from '../state-keys.js';
import { type PipelineDeps, record } from './deps.js';
import { rollbackTarget } from './rollback-target.js';
import type { PipelineState, ReleaseDecision, ReleaseDecisionKind } from './state.js';
import { stopRequestOf } from './stop-intent.js';
import { personStopReason } from './stop-reason.js';

/**
 * A person's decision after a held release (docs/RELEASE.md, "Deciding after a hold"). When a stepped release
 * of a change that must not be reverted is held, the execution waits (AwaitReleaseDecision) for one of the
 * service's owners to roll it forward, roll it back or keep holding it; the wait expires after
 * `releaseDecisionTimeoutSeconds`, and the release then stays held and concludes `held`.
 *
 * The order that keeps a decision from being recorded while its execution hangs: the decision is written to
 * the state table once (created only if absent, so two deciders cannot both decide), then to the ledger
 * (same idempotency key on every retry), then the execution is resumed. A retry of the same decision by the
 * same person finds it written and resumes again; ApplyReleaseDecision reads the decision from the state
 * table, not from the task's output, and removes the request once it has applied it.
 */

/** How long a held release waits for its owners: three days, so a hold on a Friday outlasts the weekend. */
export const releaseDecisionTimeoutSeconds = 3 * 24 * 3600;

/** What AwaitReleaseDecision keeps for the decision route and for the local runtime's resumption. */
export interface ReleaseDecisionRequest {
  intentId: string;
  taskToken: string;
  /** The held step's deployment. */
  deploymentId: string;
  requestedAt: string;
  expiresAt: string;
  deciders: string[];
  /** The pipeline state at the wait, so the local runtime can resume from it. */
  state: PipelineState;
}

/** The intent has no held release waiting for a decision (never held, already decided, or expired). */
export class NotAwaitingDecisionError extends ItvError {}

/** A roll-back needs the configuration users had before, and itv knows none for this profile. */
export class RollbackUnavailableError extends ItvError {}

/** The wait for a decision expired; the name is Step Functions' own, so the same Catch takes it locally. */
export class DecisionTimeoutError extends ItvError {
  override readonly name = 'States.Timeout';
}

/**
 * Who may decide what a held release of `service` does next: its owners in the catalog. Deciding is the
 * owners' operational call (the escalation goes to them), not a review of the change, so an owner who
 * requested the change may decide too.
 */
export function deciders(service: string, catalog: Catalog): string[] {
  return [...(catalog.services[service]?.owners ?? [])];
}

/**
 * Stage 6d: the release is held. Records `release.decision-requested` once per hold (whom, the exposure held,
 * why, until when) and keeps the task token; returns the decision when one was already recorded (a resumed or
 * retried wait).
 */
export async function requestReleaseDecision(
  intentId: string,
  taskToken: string,
  state: PipelineState,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock' | 'state' | 'catalog'>,
): Promise<ReleaseDecision | undefined> {
  const intent = intentSchema.parse(state.intent);
  const release = state.release;
  const escalation = release?.escalation;
  if (!release?.exposure || !escalation) throw new Error('AwaitReleaseDecision needs a held stepped release');
  const key = stateKeys.releaseDecisionRequest(intentId);
  const existing = (await deps.state.get<ReleaseDecisionRequest>(key.pk, key.sk))?.data;
  const now = deps.clock.now();
  // A resumed wait keeps the deadline it was given; only a new hold starts a new one.
  const requestedAt =
    existing?.deploymentId === release.deploymentId ? existing.requestedAt : now.toISOString();
  const expiresAt = new Date(Date.parse(requestedAt) + releaseDecisionTimeoutSeconds * 1000).toISOString();
  const service = deps.catalog.services[intent.change.service];
  const who = deciders(intent.change.service, deps.catalog);
  await record(
    deps,
    intentId,
    'release.decision-requested',
    {
      deploymentId: release.deploymentId,
      deciders: who,
      team: service?.ownerTeam ?? null,
      percentage: escalation.percentage,
      exposure: release.exposure,
      cause: escalation.cause,
      reason: escalation.reason,
      expiresAt,
    },
    `release/decision-requested/${release.deploymentId}`,
  );
  const request: ReleaseDecisionRequest = {
    intentId,
    taskToken,
    deploymentId: release.deploymentId,
    requestedAt,
    expiresAt,
    deciders: who,
    state,
  };
  await deps.state.put(key.pk, key.sk, request);
  return readReleaseDecision(intentId, release.deploymentId, deps);
}

/** The decision recorded on the hold of `heldDeploymentId`, if any. */
export async function readReleaseDecision(
  intentId: string,
  heldDeploymentId: string,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<ReleaseDecision | undefined> {
  const key = stateKeys.releaseDecision(intentId, heldDeploymentId);
  return (await deps.state.get<ReleaseDecision>(key.pk, key.sk))?.data;
}

/** The wait a held release is in, if any. */
export async function pendingReleaseDecision(
  intentId: string,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<ReleaseDecisionRequest | undefined> {
  const key = stateKeys.releaseDecisionRequest(intentId);
  return (await deps.state.get<ReleaseDecisionRequest>(key.pk, key.sk))?.data;
}

/**
 * One of the service's owners decides. `decider` is the authenticated caller resolved to a catalog principal
 * (never a name from a request body). Writes the decision once, then `release.decided`; the same decision by
 * the same person again is a retry (nothing new is written, the execution is resumed again). Returns the wait
 * so the caller can resume the execution (task token on AWS, local resume).
 */
export async function recordReleaseDecision(
  input: {
    intentId: string;
    decision: ReleaseDecisionKind;
    reason: string;
    decider: Caller;
    /** A hold on a person's stop request: its requester may ask it, owner or not (`stop-intent.ts`). */
    stop?: true;
  },
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock' | 'state' | 'catalog'> &
    Partial<Pick<PipelineDeps, 'payloads'>>,
): Promise<{ request: ReleaseDecisionRequest; decided: ReleaseDecision; retried: boolean }> {
  const decider = input.decider.principal.trim();
  if (!decider) {
    throw new InvalidInputError('decider is required', [
      { path: 'decider', message: 'must name a principal' },
    ]);
  }
  const request = await pendingReleaseDecision(input.intentId, deps);
  if (!request) {
    throw new NotAwaitingDecisionError(`intent ${input.intentId} has no held release waiting for a decision`);
  }
  const now = deps.clock.now();
  if (now.getTime() >= Date.parse(request.expiresAt)) {
    throw new NotAwaitingDecisionError(
      `the decision on intent ${input.intentId} was due by ${request.expiresAt}: the release stays held`,
    );
  }
  const intent = intentSchema.parse(request.state.intent);
  if (!input.stop && !request.deciders.includes(decider)) {
    throw new NotAServiceOwnerError(
      `${decider} is not an owner of ${intent.change.service}: ${request.deciders.join(', ') || '(no owners in the catalog)'} may decide`,
    );
  }
  const escalation = request.state.release?.escalation;
  if (!escalation) throw new Error(`the wait of intent ${input.intentId} holds no escalation`);
  // Refused before anything is written: a recorded roll-back must be one ApplyReleaseDecision can carry out.
  if (input.decision === 'roll-back' && !(await rollbackTarget(intent, deps))) {
    throw new RollbackUnavailableError(
      `itv released nothing to ${intent.change.service}/${intent.change.profile} before, so it cannot know what to roll back to: decide roll-forward or hold, or submit a change`,
    );
  }
  const decided: ReleaseDecision = {
    decision: input.decision,
    decider,
    authenticatedAs: input.decider.authenticatedAs,
    ...(input.decider.matched ? { matched: input.decider.matched } : {}),
    reason: input.reason,
    decidedAt: now.toISOString(),
    heldDeploymentId: request.deploymentId,
    escalationAt: escalation.at,
    cause: escalation.cause,
    ...(escalation.alarm ? { alarm: escalation.alarm } : {}),
    timedOut: false,
    ...(input.stop ? { stop: true } : {}),
  };
  const key = stateKeys.releaseDecision(input.intentId, request.deploymentId);
  let stored = decided;
  let retried = false;
  try {
    // Created only if absent: two owners racing cannot both decide.
    await deps.state.put(key.pk, key.sk, decided, 0);
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    const first = await readReleaseDecision(input.intentId, request.deploymentId, deps);
    if (!first || first.decision !== decided.decision || first.decider !== decider) {
      throw new NotAwaitingDecisionError(
        `intent ${input.intentId} was already decided: ${first?.decision ?? 'a decision'} by ${first?.decider ?? 'another owner'}`,
      );
    }
    stored = first;
    retried = true;
  }
  await recordDecided(input.intentId, stored, deps);
  return { request, decided: stored, retried };
}

/** `release.decided`, once per hold whoever writes it first (the route, or ApplyReleaseDecision after a crash). */
export async function recordDecided(
  intentId: string,
  decided: ReleaseDecision,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock'>,
): Promise<void> {
  // An expired wait is recorded as `release.decision-timed-out` instead: nobody decided.
  if (decided.timedOut || !decided.decider || !decided.authenticatedAs) return;
  await record(
    deps,
    intentId,
    'release.decided',
    {
      deploymentId: decided.heldDeploymentId,
      decision: decided.decision,
      decider: decided.decider,
      authenticatedAs: decided.authenticatedAs,
      ...(decided.matched ? { matched: decided.matched } : {}),
      reason: decided.reason,
      decidedAt: decided.decidedAt,
    },
    `release/decided/${decided.heldDeploymentId}`,
  );
}

/**
 * A held release whose intent somebody asked to stop keeps its hold, on the stopper's behalf: the decision
 * `hold`, recorded as any other (`release.decided`). Undefined when nobody asked, or the wait took another
 * decision first.
 */
export async function holdForStop(
  intentId: string,
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock' | 'state' | 'catalog'>,
): Promise<ReleaseDecision | undefined> {
  const stop = await stopRequestOf(intentId, deps);
  if (!stop) return undefined;
  try {
    const { decided } = await recordReleaseDecision(
      {
        intentId,
        decision: 'hold',
        reason: personStopReason(stop),
        decider: { principal: stop.by, authenticatedAs: stop.authenticatedAs },
        stop: true,
      },
      deps,
    );
    return decided;
  } catch (error) {
    if (error instanceof NotAwaitingDecisionError) return undefined;
    throw error;
  }
}
