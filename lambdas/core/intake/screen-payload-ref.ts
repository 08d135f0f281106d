import type { PayloadStore } from '../../ports/payload-store.js';
import type { DoorIssue } from './door-issue.js';
import { fieldIssues } from './field-issues.js';
import { checkPayloadBytes } from './payload-content.js';
import { payloadRefSchema } from './payload-ref.js';

/**
 * The door's checks on a payload by reference, after `screenIntent` passed the intent itself: the reference is
 * well formed, an object is stored under its digest, its size and SHA-256 are the ones named, and its content
 * passes every check an inline payload gets (`checkPayloadBytes`). Nothing is written. No issues for an intent
 * without `change.payloadRef`.
 *
 * @example await screenPayloadRef({ change: { payloadRef: { sha256: 'ab…', size: 10 } } }, store, salt)
 * // [{ path: 'change.payloadRef.sha256', message: 'change.payloadRef.sha256: no payload is stored under ab…; …' }]
 */
export async function screenPayloadRef(
  raw: unknown,
  payloads: Pick<PayloadStore, 'get'>,
  salt: string,
): Promise<DoorIssue[]> {
  const given = (raw as { change?: { payloadRef?: unknown } } | null)?.change?.payloadRef;
  if (given === undefined) return [];
  const parsed = payloadRefSchema.safeParse(given);
  if (!parsed.success) {
    return fieldIssues(parsed.error, given, ['change', 'payloadRef']);
  }
  const ref = parsed.data;
  const bytes = await payloads.get(ref.sha256);
  if (!bytes) {
    return [
      {
        path: 'change.payloadRef.sha256',
        message: `change.payloadRef.sha256: no payload is stored under ${ref.sha256}; upload it first (itv payload put FILE, or POST /payloads)`,
      },
    ];
  }
  const checked = checkPayloadBytes(bytes, salt);
  if (checked.ref.size !== ref.size) {
    return [
      {
        path: 'change.payloadRef.size',
        message: `change.payloadRef.size: names ${ref.size} bytes, but the payload stored under its digest is ${checked.ref.size} bytes`,
      },
    ];
  }
  if (checked.ref.sha256 !== ref.sha256) {
    return [
      {
        path: 'change.payloadRef.sha256',
        message: `change.payloadRef.sha256: the payload stored under ${ref.sha256} hashes to ${checked.ref.sha256}; it is not the content named`,
      },
    ];
  }
  return checked.issues;
}
