import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import type { Intent } from './intent.js';

type Canonicalize = (input: unknown) => string | undefined;
// canonicalize is CommonJS whose typings declare an ES default export; loaders disagree on which one they hand
// back, so accept either shape.
const canonicalize: Canonicalize =
  typeof canonicalizeModule === 'function'
    ? (canonicalizeModule as Canonicalize)
    : (canonicalizeModule as unknown as { default: Canonicalize }).default;

/** Hex SHA-256 of the RFC 8785 (JCS) canonical JSON of a value. */
export function canonicalDigest(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The intent's idempotency key: its own `id` when set, else `int-` + the first 20 hex of SHA-256 over the
 * JCS form of the intent without `simulation` (a fault injected locally does not make a different intent).
 */
export function deriveIntentId(intent: Intent): string {
  if (intent.id) return intent.id;
  const { simulation: _simulation, ...content } = intent;
  return `int-${canonicalDigest(content).slice(0, 20)}`;
}
