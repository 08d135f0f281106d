/** What a stage asks the ledger to record. The store assigns `ledger`, `seq` and `prevHash`. */
export interface LedgerEntryDraft {
  intentId: string;
  /** Dotted event type, e.g. `intent.declared`, `decision.signed`, `release.step`. */
  type: string;
  /** Retries of the same step carry the same key and append exactly once. */
  idempotencyKey: string;
  /** ISO-8601 instant from the injected clock. */
  timestamp: string;
  payload: Record<string, unknown>;
}

/** A ledger entry exactly as hashed: leaf hash = SHA-256(0x00 ‖ JCS(entry)). */
export interface LedgerEntry extends LedgerEntryDraft {
  ledger: string;
  /** 0-based, gap-free per ledger. */
  seq: number;
  /** Lower-case hex leaf hash of entry seq-1; 64 zeros for seq 0. */
  prevHash: string;
}

export interface StoredEntry {
  entry: LedgerEntry;
  /** Lower-case hex leaf hash of `entry`. */
  hash: string;
}

export interface LedgerStore {
  /** Appends exactly once per (ledger, idempotencyKey); returns the entry already stored on a retry. */
  append(ledger: string, draft: LedgerEntryDraft): Promise<StoredEntry>;
  /** Entries with fromSeq ≤ seq < toSeq (toSeq defaults to the head), in order. */
  read(ledger: string, fromSeq?: number, toSeq?: number): Promise<StoredEntry[]>;
  /** The last entry, or undefined for an empty ledger. */
  head(ledger: string): Promise<StoredEntry | undefined>;
  /** The entries of one intent, in sequence order. */
  forIntent(ledger: string, intentId: string): Promise<StoredEntry[]>;
}
