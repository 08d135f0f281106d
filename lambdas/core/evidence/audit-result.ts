import type { Checkpoint } from '../ledger/checkpoint.js';
import type { ChainFault } from '../ledger/verify-chain.js';

/** What a ledger audit finds: the ledger whole, or the first entry that cannot be trusted and why. */
export type AuditFault =
  | ChainFault
  | 'bad-signature'
  | 'checkpoint-mismatch'
  | 'fork'
  | 'truncated'
  | 'missing-checkpoint'
  | 'evidence-damaged';

/** `seq` is the first sequence number that cannot be trusted. */
export interface ClockTally {
  wall: number;
  virtual: number;
  unstated: number;
}

export type AuditFailure = { ok: false; seq: number; fault: AuditFault; reason: string };

export type LedgerAudit =
  | {
      ok: true;
      size: number;
      rootHash: string;
      /** Distinct signed tree sizes whose root matched the entries. */
      checkpoints: number;
      decisions: number;
      /** Entries covered by a signed checkpoint that held: seq 0 … anchored-1. */
      anchored: number;
      /** Entries after the largest signed checkpoint: protected by the hash chain alone. */
      trailing: number;
      /**
       * The distinct signed checkpoints by the clock each says its instants are on: `virtual` ones are not real
       * times; `unstated` ones (of earlier versions) do not say.
       */
      clocks: ClockTally;
    }
  | AuditFailure;

/** A signed checkpoint whose signature held, and where it came from (an entry, an evidence object). */
export interface CheckpointClaim {
  checkpoint: Checkpoint;
  source: string;
  /** SHA-256 (hex) of its signed bytes, the digest a successor's `previous` names: taken once, when opened. */
  signedSha256: string;
}

/** A signed checkpoint kept outside the ledger, as untrusted JSON, and where it was read from. */
export interface CheckpointSource {
  value: unknown;
  /** Named in faults: an evidence store key, or a file and line. */
  source: string;
  /** The evidence store key it was read from; when given, it must be the key of the checkpoint it holds. */
  key?: string;
  /** Why the store could not serve the object as written (changed or deleted since); `value` is then null. */
  damage?: string;
}
