import type { PipelineDeps } from '../../../../lambdas/core/pipeline/deps.js';
import type { StoredEntry } from '../../../../lambdas/ports/ledger-store.js';

/**
 * Appends an entry whose payload is a placeholder, straight to the store: for tests of the chain, checkpoints
 * and audits, where the payload is beside the point and `record()` would (rightly) refuse it.
 */
export function appendFiller(
  deps: Pick<PipelineDeps, 'ledger' | 'ledgerName' | 'clock'>,
  intentId: string,
  type: string,
  payload: Record<string, unknown>,
  step: string = type,
): Promise<StoredEntry> {
  return deps.ledger.append(deps.ledgerName, {
    intentId,
    type,
    idempotencyKey: `${intentId}/${step}`,
    timestamp: deps.clock.now().toISOString(),
    payload,
  });
}
