import type { StoredEntry } from '../../ports/ledger-store.js';
import { storedEntrySchema } from './entry.js';
import { GENESIS_PREV_HASH, leafHash } from './hash.js';
import { merkleRoot } from './merkle-tree.js';

export type ChainFault =
  | 'malformed'
  | 'wrong-ledger'
  | 'seq-gap'
  | 'seq-duplicate'
  | 'seq-reorder'
  | 'hash-mismatch'
  | 'prev-hash-mismatch';

export type ChainVerification =
  | { ok: true; size: number; rootHash: string }
  /** `seq` is the first sequence number that cannot be trusted. */
  | { ok: false; seq: number; fault: ChainFault; reason: string };

/** What a seq found where `expected` belongs says: repeated, displaced (gap) or out of order. */
export function seqFault(found: number, expected: number): { fault: ChainFault; reason: string } {
  if (found === expected - 1) return { fault: 'seq-duplicate', reason: `seq ${found} appears twice` };
  if (found > expected) {
    return {
      fault: 'seq-gap',
      reason: `seq ${expected} is not in its place: found seq ${found} there (it was removed, or moved later)`,
    };
  }
  return { fault: 'seq-reorder', reason: `found seq ${found} where seq ${expected} belongs` };
}

/**
 * Verifies a whole ledger from seq 0: shape, ledger name, gap-free order, each stored hash and each
 * prevHash link. On success returns the RFC 9162 root over the leaf hashes; otherwise the first bad seq.
 */
export function verifyChain(
  entries: readonly StoredEntry[],
  options: { ledger?: string } = {},
): ChainVerification {
  const ledger = options.ledger ?? entries[0]?.entry?.ledger;
  const hashes: string[] = [];
  let prevHash = GENESIS_PREV_HASH;
  for (const [expected, stored] of entries.entries()) {
    const shape = storedEntrySchema.safeParse(stored);
    if (!shape.success) {
      const issue = shape.error.issues[0];
      const where = issue?.path.join('.') || '$';
      return {
        ok: false,
        seq: expected,
        fault: 'malformed',
        reason: `${where}: ${issue?.message ?? 'invalid'}`,
      };
    }
    const { entry, hash } = stored;
    if (entry.ledger !== ledger) {
      const reason = `entry belongs to ledger "${entry.ledger}", not "${ledger}"`;
      return { ok: false, seq: expected, fault: 'wrong-ledger', reason };
    }
    if (entry.seq !== expected) return { ok: false, seq: expected, ...seqFault(entry.seq, expected) };
    let recomputed: string;
    try {
      recomputed = leafHash(entry);
    } catch (error) {
      return { ok: false, seq: expected, fault: 'malformed', reason: (error as Error).message };
    }
    if (recomputed !== hash) {
      const reason = `stored hash ${hash} differs from the recomputed leaf hash ${recomputed}`;
      return { ok: false, seq: expected, fault: 'hash-mismatch', reason };
    }
    if (entry.prevHash !== prevHash) {
      const reason = `prevHash ${entry.prevHash} differs from the hash of seq ${expected - 1} (${prevHash})`;
      return { ok: false, seq: expected, fault: 'prev-hash-mismatch', reason };
    }
    hashes.push(recomputed);
    prevHash = recomputed;
  }
  return { ok: true, size: hashes.length, rootHash: merkleRoot(hashes) };
}
