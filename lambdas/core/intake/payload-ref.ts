import * as z from 'zod';
import { payloadLimits } from './limits.js';

/**
 * A payload by reference: the SHA-256 and size of a stored JSON object (its UTF-8 bytes, as uploaded), so the
 * reference names exactly one content and every reader can check what it fetched.
 *
 * @example { "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "size": 1048576 }
 */
export const payloadRefSchema = z
  .object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (a SHA-256)'),
    size: z.number().int().min(2).max(payloadLimits.bytes),
    /** The content's media type; JSON is the only one a configuration profile takes from an intent. */
    mediaType: z.literal('application/json').optional(),
  })
  .strict();

export type PayloadRef = z.infer<typeof payloadRefSchema>;

/** The store key of a payload object: `payloads/sha256/<hex>`. */
export function payloadKey(sha256: string): string {
  return `${payloadLimits.prefix}${sha256}`;
}
