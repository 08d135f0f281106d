import type { EvidenceStore } from '../../ports/evidence-store.js';
import type { LedgerStore } from '../../ports/ledger-store.js';
import { EvidenceIntegrityError } from '../errors.js';
import { auditLedger } from './audit-ledger.js';
import type { CheckpointSource, LedgerAudit } from './audit-result.js';
import { checkpointPrefix } from './checkpoint-object.js';

/** Every signed checkpoint the evidence store keeps for a ledger, as untrusted JSON with its key. */
export async function checkpointObjects(
  evidence: EvidenceStore,
  ledger: string,
): Promise<CheckpointSource[]> {
  const objects: CheckpointSource[] = [];
  for (const key of await evidence.list(checkpointPrefix(ledger))) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await evidence.getObject(key);
    } catch (error) {
      // Changed or deleted since it was written: reported by the audit, by its key.
      if (!(error instanceof EvidenceIntegrityError)) throw error;
      objects.push({ value: null, source: key, key, damage: error.message });
      continue;
    }
    let value: unknown = null;
    try {
      value = bytes ? JSON.parse(Buffer.from(bytes).toString('utf8')) : null;
    } catch {
      // An unreadable object is reported by the audit as a checkpoint that does not verify.
    }
    objects.push({ value, source: key, key });
  }
  return objects;
}

/**
 * Audits a ledger as its stores hold it: the table's entries against the public key and against every
 * checkpoint kept write-once in the evidence store, which is what shows a truncated table.
 */
export async function auditStores(input: {
  ledger: LedgerStore;
  evidence: EvidenceStore;
  ledgerName: string;
  publicKeySpkiDer: Uint8Array;
}): Promise<LedgerAudit> {
  const entries = await input.ledger.read(input.ledgerName);
  const checkpoints = await checkpointObjects(input.evidence, input.ledgerName);
  return auditLedger(entries, input.publicKeySpkiDer, { checkpoints });
}
