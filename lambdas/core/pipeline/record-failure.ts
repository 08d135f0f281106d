import { StopRefusedError } from '../release/errors.js';
import { type PipelineDeps, record } from './deps.js';
import { freeLane } from './lane-wait.js';
import { fallbackIntentId } from './parsed-intent.js';
import { closeReview } from './review.js';
import type { PipelineState } from './state.js';

/**
 * The Catch target of every stage: records what failed on the ledger (no silent change, even for
 * failures) and frees the intent's in-flight place so queued intents are not blocked by it, waking those parked
 * behind it. A stop AppConfig
 * kept refusing through every retry is escalated to the service's owners: the deployment runs on, unstopped.
 */
export async function recordFailure(
  state: PipelineState,
  deps: PipelineDeps,
): Promise<{ seq: number; intentId: string }> {
  const intentId = state.declared?.intentId ?? fallbackIntentId(state.intent);
  await freeLane(intentId, deps);
  // A review wait that timed out (or any failure after Verify asked for one): no review is decided after this.
  if (state.verification?.requiresReview) await closeReview(intentId, deps);
  const stored = await record(deps, intentId, 'stage.failed', {
    error: state.error?.Error ?? 'Unknown',
    cause:
      typeof state.error?.Cause === 'string' ? state.error.Cause : JSON.stringify(state.error?.Cause ?? null),
    release: state.release ?? null,
  });
  if (state.error?.Error === StopRefusedError.name && state.release) {
    const service = deps.catalog.services[state.release.service];
    await record(
      deps,
      intentId,
      'release.stop-refused',
      {
        deploymentId: state.release.deploymentId,
        state: state.release.state,
        reason: state.release.stopReason ?? 'stopped',
        refusal: errorMessageOf(state.error.Cause),
        escalatedTo: service?.owners ?? [],
        team: service?.ownerTeam ?? null,
      },
      'release.stop-refused/escalated',
    );
  }
  return { seq: stored.entry.seq, intentId };
}

/** The error message of a Catch's `Cause`: Lambda puts the function's error there as JSON. */
function errorMessageOf(cause: unknown): string {
  if (typeof cause !== 'string') return JSON.stringify(cause ?? null);
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}
