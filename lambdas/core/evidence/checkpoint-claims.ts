import type { AuditFailure, CheckpointClaim } from './audit-result.js';
import type { LeafLog } from './leaf-log.js';
import type { TreeHead, TreeHeads } from './tree-heads.js';

export interface CheckpointCheck {
  faults: AuditFailure[];
  checkpoints: number;
  /** The size of the largest signed head that held: the entries it vouches for. */
  anchored: number;
}

/**
 * Checks signed checkpoints against the ledger's tree heads: every claimed size must be present (else the
 * ledger was truncated), every root must match the entries, two heads of one size must agree (else someone
 * was shown another view). A fault's `seq` is the size of the last head that held: the first entry no checkpoint
 * vouches for.
 *
 * Successive heads are consistent (the smaller a prefix of the larger) because both roots were just recomputed
 * from the same entries: what an RFC 9162 §2.1.4 consistency proof shows a verifier who lacks the entries. A
 * proof computed here from those same entries could not fail, so none is computed.
 */
export function checkCheckpoints(
  leaves: LeafLog,
  heads: TreeHeads,
  claims: readonly CheckpointClaim[],
  options: { ledger?: string; chainBroken: boolean; requireLinks: boolean },
): CheckpointCheck {
  const size = leaves.size;
  const bySize = new Map<number, CheckpointClaim[]>();
  for (const claim of claims) {
    const group = bySize.get(claim.checkpoint.size);
    if (group) group.push(claim);
    else bySize.set(claim.checkpoint.size, [claim]);
  }
  const sizes = [...bySize.keys()].sort((a, b) => a - b);
  heads.fillIn(leaves, sizes);
  const faults: AuditFailure[] = options.requireLinks ? missingLinks(claims) : [];
  let previous: TreeHead | undefined;
  let checkpoints = 0;
  const fail = (fault: AuditFailure['fault'], reason: string) =>
    faults.push({ ok: false, seq: previous?.size ?? 0, fault, reason });
  for (const claimedSize of sizes) {
    const group = bySize.get(claimedSize)!;
    const first = group[0]!;
    const other = group.find((claim) => claim.checkpoint.rootHash !== first.checkpoint.rootHash);
    if (other) {
      fail(
        'fork',
        `two signed tree heads of size ${claimedSize} disagree: ${describe(first)} and ${describe(other)} — someone was shown another view of the ledger`,
      );
      break;
    }
    const foreign = group.find(
      (claim) => options.ledger !== undefined && claim.checkpoint.ledger !== options.ledger,
    );
    if (foreign) {
      fail('checkpoint-mismatch', `${describe(foreign)} is signed for ledger "${foreign.checkpoint.ledger}"`);
      break;
    }
    if (claimedSize > size) {
      // A broken chain already names an earlier entry; only an intact ledger can be called truncated.
      if (!options.chainBroken) {
        faults.push({
          ok: false,
          seq: size,
          fault: 'truncated',
          reason: `${describe(first)} covers ${claimedSize} entries but the ledger holds ${size}: entries from seq ${size} are missing`,
        });
      }
      break;
    }
    const head = heads.at.get(claimedSize)!;
    if (head.root !== first.checkpoint.rootHash) {
      fail(
        'checkpoint-mismatch',
        `the first ${claimedSize} entries hash to ${head.root} but ${describe(first)} signed ${first.checkpoint.rootHash}: an entry in seq ${previous?.size ?? 0}..${claimedSize - 1} was changed, removed or inserted`,
      );
      break;
    }
    checkpoints++;
    previous = head;
  }
  return { faults, checkpoints, anchored: previous?.size ?? 0 };
}

/**
 * Every checkpoint that names its predecessor must find it among the claims, byte for byte: a deleted or
 * replaced checkpoint object is then reported even when a later one still covers its entries.
 */
function missingLinks(claims: readonly CheckpointClaim[]): AuditFailure[] {
  const held = new Set(
    claims.map(({ checkpoint, signedSha256 }) =>
      linkKey({ size: checkpoint.size, checkpointSha256: signedSha256 }),
    ),
  );
  const faults: AuditFailure[] = [];
  for (const claim of claims) {
    const link = claim.checkpoint.previous;
    if (link === undefined || held.has(linkKey(link))) continue;
    faults.push({
      ok: false,
      seq: link.size,
      fault: 'missing-checkpoint',
      reason: `${describe(claim)} follows the signed checkpoint of size ${link.size} (SHA-256 ${link.checkpointSha256}), which is not among the checkpoints given: it was deleted or replaced`,
    });
  }
  return faults;
}

const linkKey = (link: { size: number; checkpointSha256: string }) => `${link.size}:${link.checkpointSha256}`;

function describe(claim: CheckpointClaim): string {
  return `checkpoint ${claim.source} (size ${claim.checkpoint.size}, ${claim.checkpoint.timestamp})`;
}
