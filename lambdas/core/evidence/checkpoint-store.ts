import type { EvidenceStore } from '../../ports/evidence-store.js';
import { EvidenceConflictError, LedgerIntegrityError } from '../errors.js';
import {
  checkpointObjectBytes,
  checkpointObjectKey,
  openCheckpointObject,
  type SignedCheckpoint,
} from './checkpoint-object.js';

export interface StoredCheckpoint {
  signed: SignedCheckpoint;
  uri: string;
}

/**
 * The checkpoint objects this process wrote or read and verified, per evidence store and key, with the public
 * key they verified under: the newest few only. Objects are write-once, so what a key held once it holds still:
 * the signers of one process (the local runtime's executions; a Lambda container's invocations) read back the
 * head another just wrote without reading and verifying it again.
 */
const known = new WeakMap<
  EvidenceStore,
  Map<string, { stored: StoredCheckpoint; publicKeySpkiDer: Uint8Array }>
>();
const KNOWN_PER_STORE = 32;

function remember(
  evidence: EvidenceStore,
  key: string,
  stored: StoredCheckpoint,
  publicKeySpkiDer: Uint8Array,
) {
  const kept = known.get(evidence) ?? new Map();
  known.set(evidence, kept);
  kept.delete(key);
  kept.set(key, { stored, publicKeySpkiDer });
  if (kept.size > KNOWN_PER_STORE) kept.delete(kept.keys().next().value as string);
}

/**
 * Reads the signed checkpoint kept write-once under `key`, if any. Throws `LedgerIntegrityError` when the
 * object is there but does not verify under the public key.
 */
export async function readCheckpointObject(
  evidence: EvidenceStore,
  key: string,
  publicKeySpkiDer: Uint8Array,
): Promise<StoredCheckpoint | undefined> {
  const hit = known.get(evidence)?.get(key);
  if (hit !== undefined && Buffer.from(hit.publicKeySpkiDer).equals(publicKeySpkiDer)) return hit.stored;
  const bytes = await evidence.getObject(key);
  if (bytes === undefined) return undefined;
  const opened = openCheckpointObject(bytes, publicKeySpkiDer);
  if (!opened.ok) {
    const size = Number(key.match(/(\d+)\.json$/)?.[1] ?? 0);
    throw new LedgerIntegrityError(`evidence object ${key} does not verify: ${opened.reason}`, size);
  }
  const stored = { signed: opened.signed, uri: evidence.uriOf(key) };
  remember(evidence, key, stored, publicKeySpkiDer);
  return stored;
}

/**
 * Keeps `signed` write-once under `key` (by default the ledger's object for its size). When the key already
 * holds a checkpoint, that one is kept and returned, provided it has the same ledger, size and root: two
 * signers racing for one size agree; a different root means the ledger changed under a signed head.
 */
export async function keepCheckpointObject(
  evidence: EvidenceStore,
  signed: SignedCheckpoint,
  publicKeySpkiDer: Uint8Array,
  key: string = checkpointObjectKey(signed.checkpoint.ledger, signed.checkpoint.size),
): Promise<StoredCheckpoint> {
  try {
    const uri = await evidence.putObject(key, checkpointObjectBytes(signed), 'application/json');
    remember(evidence, key, { signed, uri }, publicKeySpkiDer);
    return { signed, uri };
  } catch (error) {
    if (!(error instanceof EvidenceConflictError)) throw error;
  }
  const existing = await readCheckpointObject(evidence, key, publicKeySpkiDer);
  if (existing === undefined)
    throw new EvidenceConflictError(`evidence object ${key} conflicts but cannot be read`);
  assertSameHead(existing.signed, signed, key);
  return existing;
}

/** Throws `LedgerIntegrityError` unless the two checkpoints are heads of the same tree. */
export function assertSameHead(kept: SignedCheckpoint, fresh: SignedCheckpoint, key: string): void {
  const a = kept.checkpoint;
  const b = fresh.checkpoint;
  if (a.ledger !== b.ledger || a.size !== b.size || a.rootHash !== b.rootHash) {
    throw new LedgerIntegrityError(
      `${key} already holds the signed head ${a.ledger}/${a.size} ${a.rootHash}, but the ledger now gives ${b.ledger}/${b.size} ${b.rootHash}: entries covered by a signed checkpoint were changed`,
      Math.min(a.size, b.size),
    );
  }
}
