import { InvalidInputError } from '../errors.js';
import { type Intent, intentSchema, reservedAttemptSuffix } from '../intent.js';
import { canonicalDigest } from '../ledger/canonical-json.js';
import type { PipelineState } from './state.js';

/** The declared intent of a state that passed DeclareIntent; later stages call this instead of re-validating by hand. */
export function declaredIntent(state: PipelineState): { intent: Intent; intentId: string } {
  if (state.declared?.verdict !== 'complete') {
    throw new InvalidInputError('the state has no complete declared intent', [
      { path: 'declared', message: 'DeclareIntent must complete before this stage' },
    ]);
  }
  return { intent: intentSchema.parse(state.intent), intentId: state.declared.intentId };
}

/**
 * An id for input that never became a valid intent: the client's `id` when it sent a usable one, otherwise
 * a digest of what was sent, so even a rejection of garbage lands on the ledger under a stable id.
 */
export function fallbackIntentId(raw: unknown): string {
  const clientId = (raw as { id?: unknown } | null)?.id;
  if (
    typeof clientId === 'string' &&
    /^[A-Za-z0-9._:-]{1,128}$/.test(clientId) &&
    !reservedAttemptSuffix.test(clientId)
  )
    return clientId;
  return `int-${canonicalDigest(raw ?? null).slice(0, 20)}`;
}
