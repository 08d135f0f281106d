import { stateKeys } from '../state-keys.js';
import { type PipelineDeps, record } from './deps.js';
import { fallbackIntentId } from './parsed-intent.js';
import type { PipelineState } from './state.js';

/**
 * The Catch target of every stage: records what failed on the ledger (no silent change, even for
 * failures) and frees the intent's in-flight place so queued intents are not blocked by it.
 */
export async function recordFailure(state: PipelineState, deps: PipelineDeps): Promise<{ seq: number }> {
  const intentId = state.declared?.intentId ?? fallbackIntentId(state.intent);
  const inFlight = stateKeys.inFlightIntent(intentId);
  await deps.state.delete(inFlight.pk, inFlight.sk);
  const stored = await record(deps, intentId, 'stage.failed', {
    error: state.error?.Error ?? 'Unknown',
    cause:
      typeof state.error?.Cause === 'string' ? state.error.Cause : JSON.stringify(state.error?.Cause ?? null),
    release: state.release ?? null,
  });
  return { seq: stored.entry.seq };
}
