import type { StoredEntry } from '../../ports/ledger-store.js';
import type { CheckpointSource, LedgerAudit } from './audit-result.js';
import { LedgerAuditor } from './ledger-auditor.js';

export type { AuditFault, LedgerAudit } from './audit-result.js';

/**
 * Verifies a whole ledger with nothing but the public key: the hash chain, every decision signature, every
 * signed checkpoint (recorded in the ledger, or given from the write-once evidence store) against the
 * entries, and consistency between successive checkpoints. An administrator who rewrites entries and
 * recomputes every hash still fails at the first checkpoint; one who also drops the tail fails against the
 * evidence store's checkpoints. Names the first entry that cannot be trusted.
 */
export function auditLedger(
  entries: readonly StoredEntry[],
  publicKeySpkiDer: Uint8Array,
  options: { checkpoints?: readonly CheckpointSource[] } = {},
): LedgerAudit {
  const auditor = new LedgerAuditor(publicKeySpkiDer, { checkpoints: options.checkpoints });
  for (const stored of entries) if (!auditor.addStored(stored)) break;
  return auditor.finish();
}
