import { createHash } from 'node:crypto';
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
  /**
   * The signed checkpoint this one follows: its size and the SHA-256 of its signed bytes. Absent on a ledger's
   * first checkpoint (and on those of earlier versions). A verifier holding this one and missing that one knows
   * a checkpoint was deleted.
   */
  previous?: CheckpointLink;
  /**
   * Which clock `timestamp` (and every instant the same runtime recorded with it) was read from. Absent on
   * checkpoints of earlier versions, and where the clock does not say: then the evidence does not tell.
   */
  clock?: ClockAccount;
}

/**
 * What a clock is, as signed evidence states it. `wall`: instants are the system's real time (AWS). `virtual`:
 * the local runtime's clock, which started at `startedAt` when the wall read `wallStartedAt` and then either
 * jumped over every wait (`pace: "discrete"`, the default) or moved with real time (`pace: "wall"`, ITV_CLOCK=wall):
 * its instants are not the times things happened.
 */
export type ClockAccount =
  | { kind: 'wall' }
  | { kind: 'virtual'; pace: 'discrete' | 'wall'; startedAt: string; wallStartedAt?: string };

/** Names a signed checkpoint by its size and the SHA-256 (hex) of its signed bytes (`checkpointBytes`). */
export interface CheckpointLink {
  size: number;
  checkpointSha256: string;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const treeSize = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const instant = z.iso.datetime({ offset: true });

export const clockAccountSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('wall') }),
  z.strictObject({
    kind: z.literal('virtual'),
    pace: z.enum(['discrete', 'wall']),
    startedAt: instant,
    wallStartedAt: instant.optional(),
  }),
]);

export const checkpointSchema = z.strictObject({
  ledger: ledgerNameSchema,
  size: treeSize,
  rootHash: sha256Hex,
  timestamp: instant,
  previous: z.strictObject({ size: treeSize, checkpointSha256: sha256Hex }).optional(),
  clock: clockAccountSchema.optional(),
});

/** The checkpoint over all given leaf hashes. */
export function checkpointOf(ledger: string, leafHashes: readonly string[], timestamp: string): Checkpoint {
  return { ledger, size: leafHashes.length, rootHash: merkleRoot(leafHashes), timestamp };
}

/**
 * The signed bytes of a checkpoint: UTF-8 RFC 8785 JSON of exactly its fields (`previous` and `clock` only when
 * set, so a checkpoint of an earlier version keeps the bytes it was signed over).
 */
export function checkpointBytes(checkpoint: Checkpoint): Uint8Array {
  const { ledger, size, rootHash, timestamp, previous, clock } = checkpoint;
  return canonicalBytes({
    ledger,
    size,
    rootHash,
    timestamp,
    ...(previous === undefined
      ? {}
      : { previous: { size: previous.size, checkpointSha256: previous.checkpointSha256 } }),
    ...(clock === undefined ? {} : { clock: clockAccountOf(clock) }),
  });
}

/** Exactly the fields of a clock account (a caller's object may carry more). */
function clockAccountOf(clock: ClockAccount): ClockAccount {
  if (clock.kind === 'wall') return { kind: 'wall' };
  const { pace, startedAt, wallStartedAt } = clock;
  return { kind: 'virtual', pace, startedAt, ...(wallStartedAt === undefined ? {} : { wallStartedAt }) };
}

/** How a verifier names the clock a checkpoint's instants are on, e.g. "the wall clock". */
export function describeClock(clock: ClockAccount | undefined): string {
  if (clock === undefined) return 'its clock is not stated (checkpoints of earlier versions do not name it)';
  if (clock.kind === 'wall') return 'dated on the wall clock';
  const wall = clock.wallStartedAt === undefined ? '' : ` (wall ${clock.wallStartedAt})`;
  const pace = clock.pace === 'discrete' ? 'jumping over waits' : 'moving with real time';
  return `dated on a virtual clock started at ${clock.startedAt}${wall}, ${pace}: its instants are not real times`;
}

/** The link a successor names: this checkpoint's size and the SHA-256 of its signed bytes. */
export function checkpointLink(checkpoint: Checkpoint): CheckpointLink {
  const checkpointSha256 = createHash('sha256').update(checkpointBytes(checkpoint)).digest('hex');
  return { size: checkpoint.size, checkpointSha256 };
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
