import { createHash } from 'node:crypto';
import type { LedgerEntry } from '../../ports/ledger-store.js';
import { canonicalBytes } from '../ledger/canonical-json.js';
import type { Checkpoint } from '../ledger/checkpoint.js';
import { storedEntrySchema } from '../ledger/entry.js';
import { signedPayload } from '../ledger/entry-payloads.js';
import { GENESIS_PREV_HASH, leafHashOfBytes } from '../ledger/hash.js';
import { seqFault } from '../ledger/verify-chain.js';
import { DECISION_PAYLOAD_TYPE } from '../signing/payload-types.js';
import { verifyEnvelope } from '../signing/verify-envelope.js';
import type {
  AuditFailure,
  AuditFault,
  CheckpointClaim,
  CheckpointSource,
  ClockTally,
  LedgerAudit,
} from './audit-result.js';
import { checkCheckpoints } from './checkpoint-claims.js';
import { checkpointObjectKey, openCheckpointObject, type SignedCheckpoint } from './checkpoint-object.js';
import { LeafLog } from './leaf-log.js';
import { TreeHeads } from './tree-heads.js';

/** Entry types whose payload the audit checks beyond the chain. */
export const SIGNED_ENTRY_TYPES = new Set(['checkpoint.signed', 'decision.signed']);

/** What the audit reads of an entry beyond its leaf: its type and payload (only signed types' are checked). */
export interface SignedPart {
  type: string;
  payload: unknown;
}

/**
 * Walks a ledger one entry at a time from seq 0 and then checks every signed checkpoint against the
 * entries. Two readers feed it: `addStored` (parsed entries, e.g. from the ledger store) and the export
 * reader, which checks the chain on the exported bytes itself and hands over only the leaf.
 */
export class LedgerAuditor {
  private readonly leaves: LeafLog;
  private readonly heads = new TreeHeads();
  private readonly claims: CheckpointClaim[] = [];
  private readonly outsideFaults: AuditFailure[] = [];
  private outsideCheckpoints = 0;
  private chainFault: AuditFailure | undefined;
  private name: string | undefined;
  private decisions = 0;
  /** Checkpoints opened so far, by their signature. */
  private readonly openedCheckpoints = new Map<string, OpenedClaim & { ok: true }>();

  /** Checkpoints kept outside the ledger are best given here, before the entries: their heads are then taken on the way. */
  constructor(
    private readonly publicKeySpkiDer: Uint8Array,
    options: {
      ledger?: string;
      checkpoints?: readonly CheckpointSource[];
      /** About how many entries will come, to size the leaf log once. */
      expectedEntries?: number;
    } = {},
  ) {
    this.leaves = new LeafLog(options.expectedEntries);
    this.name = options.ledger;
    for (const checkpoint of options.checkpoints ?? []) {
      if (checkpoint.damage !== undefined) this.addDamagedObject(checkpoint);
      else this.addCheckpointObject(checkpoint.value, checkpoint.source, checkpoint.key);
    }
  }

  /** The seq the next entry must carry. */
  get nextSeq(): number {
    return this.leaves.size;
  }

  /** The leaf hash (hex) the next entry's prevHash must equal. */
  get expectedPrevHash(): string {
    return this.leaves.size === 0 ? GENESIS_PREV_HASH : this.leaves.at(this.leaves.size - 1).toString('hex');
  }

  /** The ledger name, once known (given, or taken from entry 0). */
  get ledger(): string | undefined {
    return this.name;
  }

  get failed(): boolean {
    return this.chainFault !== undefined;
  }

  /** Checks one stored entry (untrusted JSON) at the next seq; false once the chain is broken. */
  addStored(stored: unknown): boolean {
    if (this.chainFault) return false;
    const seq = this.nextSeq;
    const shape = storedEntrySchema.safeParse(stored);
    if (!shape.success) {
      const issue = shape.error.issues[0];
      return this.fail(seq, 'malformed', `${issue?.path.join('.') || '$'}: ${issue?.message ?? 'invalid'}`);
    }
    const { entry, hash } = shape.data as { entry: LedgerEntry; hash: string };
    this.name ??= entry.ledger;
    if (entry.ledger !== this.name) {
      return this.fail(seq, 'wrong-ledger', `entry belongs to ledger "${entry.ledger}", not "${this.name}"`);
    }
    if (entry.seq !== seq) return this.seqFault(entry.seq, seq);
    let leaf: Buffer;
    try {
      leaf = leafHashOfBytes(canonicalBytes(entry));
    } catch (error) {
      return this.fail(seq, 'malformed', (error as Error).message);
    }
    const recomputed = leaf.toString('hex');
    if (recomputed !== hash) {
      return this.fail(
        seq,
        'hash-mismatch',
        `stored hash ${hash} differs from the recomputed leaf hash ${recomputed}`,
      );
    }
    const previous = this.expectedPrevHash;
    if (entry.prevHash !== previous) {
      const reason = `prevHash ${entry.prevHash} differs from the hash of seq ${seq - 1} (${previous})`;
      return this.fail(seq, 'prev-hash-mismatch', reason);
    }
    leaf.copy(this.leaves.buffer, this.leaves.reserve());
    return this.accept(entry);
  }

  /** Where leaf `nextSeq` goes in `leafBuffer`: the export reader hashes straight into it. */
  reserveLeaf(): number {
    return this.leaves.reserve();
  }

  /** The buffer holding every leaf hash, 32 bytes each (leaf i at 32·i); replaced as it grows. */
  get leafBuffer(): Buffer {
    return this.leaves.buffer;
  }

  /**
   * Records the leaf written at `reserveLeaf()`'s offset, for an entry whose seq, ledger, hash and prevHash the
   * caller has checked on its exact bytes. A signed entry's type and payload come along to be checked.
   */
  addReservedLeaf(signed?: SignedPart): boolean {
    if (this.chainFault) return false;
    return this.accept(signed);
  }

  /** A line or item that is not even JSON. */
  addMalformed(reason: string): boolean {
    if (this.chainFault) return false;
    return this.fail(this.nextSeq, 'malformed', reason);
  }

  /**
   * A signed checkpoint kept outside the ledger (the write-once evidence store), from untrusted JSON. With the
   * store `key` it was read from: a validly signed checkpoint under another checkpoint's key means an object was
   * replaced (a folder's owner can do that; S3 Object Lock cannot).
   */
  addCheckpointObject(value: unknown, source: string, key?: string): void {
    this.outsideCheckpoints++;
    const opened = this.openCheckpoint(value);
    if (!opened.ok) {
      // Untrusted: what it claims to be names it, and its size stands for the entries it would vouch for.
      const claimed = (value as { checkpoint?: { size?: unknown; ledger?: unknown } } | null)?.checkpoint;
      const size = typeof claimed?.size === 'number' && Number.isSafeInteger(claimed.size) ? claimed.size : 0;
      const of = typeof claimed?.ledger === 'string' ? `, of ${claimed.ledger}/${size}` : '';
      this.outsideFaults.push({
        ok: false,
        seq: size,
        fault: 'bad-signature',
        reason: `checkpoint ${source}${of}: ${opened.reason}`,
      });
      return;
    }
    const { checkpoint } = opened.signed;
    const expectedKey = checkpointObjectKey(checkpoint.ledger, checkpoint.size);
    if (key !== undefined && key !== expectedKey) {
      const named = Number(/(\d+)\.json$/.exec(key)?.[1]);
      this.outsideFaults.push({
        ok: false,
        seq: Number.isSafeInteger(named) ? Math.min(named, checkpoint.size) : checkpoint.size,
        fault: 'checkpoint-mismatch',
        reason: `evidence object ${key} holds the checkpoint of ${checkpoint.ledger}/${checkpoint.size}, whose key is ${expectedKey}: the object was replaced`,
      });
    }
    this.claims.push({ checkpoint, source, signedSha256: opened.signedSha256 });
    this.heads.want(checkpoint.size);
  }

  /**
   * A checkpoint object the store holds a key for but cannot serve as written: whatever it vouched for is
   * unvouched from the size its key names (the store keys checkpoints by size).
   */
  addDamagedObject(source: CheckpointSource): void {
    this.outsideCheckpoints++;
    const named = Number(/(\d+)\.json$/.exec(source.key ?? source.source)?.[1]);
    this.outsideFaults.push({
      ok: false,
      seq: Number.isSafeInteger(named) ? named : 0,
      fault: 'evidence-damaged',
      reason: source.damage ?? `checkpoint ${source.source} cannot be read`,
    });
  }

  /** The verdict: the first fault by seq (chain faults first on a tie), or the verified totals. */
  finish(): LedgerAudit {
    const checked = checkCheckpoints(this.leaves, this.heads, this.claims, {
      ledger: this.name,
      chainBroken: this.chainFault !== undefined,
      // The in-ledger heads name predecessors kept only in the evidence store: links are checked with it.
      requireLinks: this.outsideCheckpoints > 0,
    });
    // A checkpoint outside the ledger names a size of its own choosing: one beyond the ledger is a fault at its
    // end (no entry past it exists to be bad), the size it claimed kept in the reason.
    const size = this.leaves.size;
    const outside = this.outsideFaults.map((fault) =>
      fault.seq <= size
        ? fault
        : {
            ...fault,
            seq: size,
            reason: `${fault.reason} (${fault.seq} is beyond the ${size} entries the ledger holds)`,
          },
    );
    const faults = [this.chainFault, ...outside, ...checked.faults].filter(
      (fault): fault is AuditFailure => fault !== undefined,
    );
    if (faults.length > 0) return faults.reduce((first, fault) => (fault.seq < first.seq ? fault : first));
    return {
      ok: true,
      size: this.leaves.size,
      rootHash: this.heads.root(),
      checkpoints: checked.checkpoints,
      decisions: this.decisions,
      anchored: checked.anchored,
      trailing: this.leaves.size - checked.anchored,
      clocks: clockTally(this.claims),
    };
  }

  /** Counts the leaf in the reserved slot, once a signed entry's signature holds. */
  private accept(signed: SignedPart | undefined): boolean {
    if (signed !== undefined && SIGNED_ENTRY_TYPES.has(signed.type)) {
      const problem = this.checkSigned(signed);
      if (problem) return this.fail(this.nextSeq, problem.fault, problem.reason);
    }
    this.heads.push(this.leaves.buffer, this.leaves.commit());
    return true;
  }

  private checkSigned(signed: SignedPart): { fault: AuditFault; reason: string } | undefined {
    // Called before the entry counts: its ledger is this one (checked by the caller) and its seq is nextSeq.
    const entry = { ledger: this.name, seq: this.nextSeq };
    // Untrusted: a payload that is not even an object fails as a bad signature below, not as a crash.
    const parsed = signedPayload.safeParse(signed.payload);
    const payload = parsed.success ? parsed.data : {};
    if (signed.type === 'checkpoint.signed') {
      const opened = this.openCheckpoint({ checkpoint: payload.checkpoint, envelope: payload.envelope });
      if (!opened.ok) return { fault: 'bad-signature', reason: `checkpoint ${opened.reason}` };
      const { checkpoint } = opened.signed;
      if (checkpoint.ledger !== entry.ledger) {
        const reason = `checkpoint is signed for ledger "${checkpoint.ledger}", not "${entry.ledger}"`;
        return { fault: 'checkpoint-mismatch', reason };
      }
      if (checkpoint.size > entry.seq) {
        const reason = `checkpoint covers ${checkpoint.size} entries but is recorded at seq ${entry.seq}`;
        return { fault: 'checkpoint-mismatch', reason };
      }
      this.claims.push({
        checkpoint,
        source: `in entry seq ${entry.seq}`,
        signedSha256: opened.signedSha256,
      });
      this.heads.want(checkpoint.size);
      return undefined;
    }
    const verified = verifyEnvelope(payload.envelope, this.publicKeySpkiDer, {
      payloadType: DECISION_PAYLOAD_TYPE,
    });
    if (!verified.ok) return { fault: 'bad-signature', reason: `decision ${verified.reason}` };
    const digest = createHash('sha256').update(verified.payload).digest('hex');
    if (payload.digest !== undefined && payload.digest !== digest) {
      return {
        fault: 'bad-signature',
        reason: `decision digest ${payload.digest} is not that of the signed package`,
      };
    }
    this.decisions++;
    return undefined;
  }

  /**
   * Opens a signed checkpoint; the same envelope met twice (ledger and evidence store) is verified once. It is
   * known again by its signature, then compared in full: its payload, and the checkpoint beside it field by field.
   */
  private openCheckpoint(value: unknown): OpenedClaim {
    const envelope = (
      value as {
        envelope?: {
          payloadType?: unknown;
          payload?: unknown;
          signatures?: Array<{ keyid?: unknown; sig?: unknown }>;
        };
      } | null
    )?.envelope;
    const signature = envelope?.signatures?.[0];
    const sig = signature?.sig;
    const seen = typeof sig === 'string' ? this.openedCheckpoints.get(sig) : undefined;
    const checkpoint = (value as { checkpoint?: unknown } | null)?.checkpoint;
    if (
      seen &&
      seen.signed.envelope.payload === envelope?.payload &&
      seen.signed.envelope.payloadType === envelope?.payloadType &&
      seen.signed.envelope.signatures[0]?.keyid === signature?.keyid &&
      sameCheckpoint(seen.signed.checkpoint, checkpoint)
    ) {
      return seen;
    }
    const opened = openCheckpointObject(value, this.publicKeySpkiDer);
    if (!opened.ok) return opened;
    const claim = {
      ok: true as const,
      signed: opened.signed,
      signedSha256: createHash('sha256').update(opened.signedBytes).digest('hex'),
    };
    if (typeof sig === 'string') this.openedCheckpoints.set(sig, claim);
    return claim;
  }

  private seqFault(found: number, expected: number): false {
    const { fault, reason } = seqFault(found, expected);
    return this.fail(expected, fault, reason);
  }

  private fail(seq: number, fault: AuditFault, reason: string): false {
    this.chainFault = { ok: false, seq, fault, reason };
    return false;
  }
}

type OpenedClaim =
  | { ok: true; signed: SignedCheckpoint; signedSha256: string }
  | { ok: false; reason: string };

/**
 * The signed tree sizes by the clock their checkpoints name, as `checkpoints` counts sizes: two signings of one
 * size (a retry racing its first attempt) count once, unless they name different clocks.
 */
function clockTally(claims: readonly CheckpointClaim[]): ClockTally {
  const tally: ClockTally = { wall: 0, virtual: 0, unstated: 0 };
  const seen = new Set<string>();
  for (const { checkpoint } of claims) {
    const kind = checkpoint.clock?.kind ?? 'unstated';
    if (seen.has(`${checkpoint.size}:${kind}`)) continue;
    seen.add(`${checkpoint.size}:${kind}`);
    tally[kind]++;
  }
  return tally;
}

/** Whether untrusted `value` holds exactly the fields of a checkpoint already parsed, with the same values. */
function sameCheckpoint(known: Checkpoint, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const other = value as Record<string, unknown>;
  const fields = ['ledger', 'size', 'rootHash', 'timestamp'] as const;
  if (!fields.every((field) => other[field] === known[field])) return false;
  const optional = [known.previous, known.clock].filter((part) => part !== undefined).length;
  if (Object.keys(other).length !== fields.length + optional) return false;
  return sameFlat(known.previous, other.previous) && sameFlat(known.clock, other.clock);
}

/** Whether `value` has exactly the keys and (primitive) values of `known`, or both are undefined. */
function sameFlat(known: object | undefined, value: unknown): boolean {
  if (known === undefined) return value === undefined;
  if (value === null || typeof value !== 'object') return false;
  const other = value as Record<string, unknown>;
  const entries = Object.entries(known);
  return Object.keys(other).length === entries.length && entries.every(([key, v]) => other[key] === v);
}
