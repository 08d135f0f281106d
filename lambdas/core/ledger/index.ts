export { canonicalBytes, canonicalDigest, canonicalJson } from './canonical-json.js';
export type { Checkpoint, ClockAccount } from './checkpoint.js';
export {
  checkpointBytes,
  checkpointMatches,
  checkpointOf,
  checkpointSchema,
  clockAccountSchema,
  describeClock,
  parseCheckpoint,
} from './checkpoint.js';
export { consistencyProof, verifyConsistency } from './consistency-proof.js';
export {
  chainEntry,
  ledgerEntryDraftSchema,
  ledgerEntrySchema,
  ledgerNameSchema,
  parseStoredEntry,
  storedEntrySchema,
} from './entry.js';
export {
  EMPTY_TREE_HASH,
  entryText,
  GENESIS_PREV_HASH,
  isHashHex,
  leafHash,
  leafHashOfBytes,
  leafHashOfText,
  nodeHash,
  nodeHashBytes,
  SealedOnRead,
  sealedEntry,
  sha256,
} from './hash.js';
export { inclusionProof, verifyInclusion } from './inclusion-proof.js';
export { merkleRoot } from './merkle-tree.js';
export type { ConsistencyProof, InclusionProof, ProofCheck } from './proof-types.js';
export type { ChainFault, ChainVerification } from './verify-chain.js';
export { verifyChain } from './verify-chain.js';
