import type { Intent } from './intent.js';
import { canonicalDigest } from './ledger/canonical-json.js';

/**
 * The intent's idempotency key: its own `id` when set, else `int-` + the first 20 hex of SHA-256 over the
 * JCS form of the intent without `simulation` (a fault injected locally does not make a different intent).
 */
export function deriveIntentId(intent: Intent): string {
  if (intent.id) return intent.id;
  const { simulation: _simulation, ...content } = intent;
  return `int-${canonicalDigest(content).slice(0, 20)}`;
}
