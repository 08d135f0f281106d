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

/**
 * Why an id of dots alone names no intent: a URL or a storage key reads `.` and `..` as path steps (`new URL`
 * turns `/intents/..` into `/`, `bundles/../` leaves the intent's folder), and every id of dots alone is kept out
 * with them rather than made a special case of a longer run.
 */
export const onlyDotsReason =
  'must not be only dots: "." and ".." are path steps to a URL or a storage key, not names';

/** An id of dots alone (`.`, `..`, `...`): no intent's, however it was made. */
export function isOnlyDots(id: string): boolean {
  return /^\.+$/.test(id);
}

/**
 * What an intent's id may be: its own (1 to 128 of these characters), a derived one, or an attempt of either
 * (`<id>:attempt-<n>`); the evidence store's keys allow the same 256 at most. Never dots alone (`onlyDotsReason`).
 */
export function isPossibleIntentId(id: string): boolean {
  return /^[A-Za-z0-9._:-]{1,256}$/.test(id) && !isOnlyDots(id);
}
