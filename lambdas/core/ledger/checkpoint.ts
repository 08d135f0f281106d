import * as z from 'zod';
import { InvalidInputError } from '../errors.js';
import { canonicalBytes } from './canonical-json.js';
import { ledgerNameSchema } from './entry.js';
import { merkleRoot } from './merkle-tree.js';
import type { ProofCheck } from './proof-types.js';

/** A tree head: the ledger's first `size` entries hash to `rootHash` (RFC 9162 MTH) as of `timestamp`. */
export interface Checkpoint {
  ledger: string;
  size: number;
  rootHash: string;
  /** ISO-8601 instant from the injected clock. */
  timestamp: string;
}

export const checkpointSchema = z.strictObject({
  ledger: ledgerNameSchema,
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  rootHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  timestamp: z.iso.datetime({ offset: true }),
});

/** The checkpoint over all given leaf hashes. */
export function checkpointOf(ledger: string, leafHashes: readonly string[], timestamp: string): Checkpoint {
  return { ledger, size: leafHashes.length, rootHash: merkleRoot(leafHashes), timestamp };
}

/** The signed bytes of a checkpoint: UTF-8 RFC 8785 JSON of exactly its four fields. */
export function checkpointBytes(checkpoint: Checkpoint): Uint8Array {
  const { ledger, size, rootHash, timestamp } = checkpoint;
  return canonicalBytes({ ledger, size, rootHash, timestamp });
}

/** Parses checkpoint bytes or a parsed JSON value; throws `InvalidInputError` naming each bad field. */
export function parseCheckpoint(input: Uint8Array | unknown): Checkpoint {
  let value: unknown = input;
  if (input instanceof Uint8Array) {
    try {
      value = JSON.parse(Buffer.from(input).toString('utf8'));
    } catch (error) {
      throw new InvalidInputError('checkpoint is not JSON', [
        { path: '$', message: (error as Error).message },
      ]);
    }
  }
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '$', message: i.message }));
    throw new InvalidInputError('checkpoint is malformed', issues);
  }
  return parsed.data;
}

/** Whether the first `checkpoint.size` of `leafHashes` hash to `checkpoint.rootHash`. */
export function checkpointMatches(leafHashes: readonly string[], checkpoint: Checkpoint): ProofCheck {
  if (leafHashes.length < checkpoint.size) {
    const reason = `ledger holds ${leafHashes.length} entries, fewer than the checkpoint's ${checkpoint.size}`;
    return { ok: false, reason };
  }
  const root = merkleRoot(leafHashes.slice(0, checkpoint.size));
  if (root !== checkpoint.rootHash) {
    return {
      ok: false,
      reason: `root of the first ${checkpoint.size} entries is ${root}, not ${checkpoint.rootHash}`,
    };
  }
  return { ok: true };
}
