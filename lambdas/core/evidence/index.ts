export { assembleBundle, type BundleContents, type ProvenEntry } from './assemble-bundle.js';
export type { AuditFault, LedgerAudit } from './audit-result.js';
export { auditStores, checkpointObjects } from './audit-stores.js';
export {
  bundleKey,
  bundlePrefix,
  CHECKPOINT_FILE,
  ENTRIES_FILE,
  MANIFEST_FILE,
  PUBLIC_KEY_FILE,
} from './bundle-layout.js';
export {
  checkpointObjectBytes,
  checkpointObjectKey,
  checkpointPrefix,
  openCheckpointObject,
  type SignedCheckpoint,
} from './checkpoint-object.js';
export { keepCheckpointObject, readCheckpointObject, type StoredCheckpoint } from './checkpoint-store.js';
export { auditExport } from './export-audit.js';
export { FrontierTree, MerkleFrontier } from './frontier-tree.js';
export { LedgerAuditor } from './ledger-auditor.js';
export { pemToSpki, spkiToPem } from './pem.js';
export { type SealedBundle, sealEvidenceBundle } from './seal-bundle.js';
export { BUNDLE_PREDICATE_TYPE, type BundleStatement, bundleStatement, STATEMENT_TYPE } from './statement.js';
export { type BundleCheck, type BundleVerification, verifyBundle } from './verify-bundle.js';
