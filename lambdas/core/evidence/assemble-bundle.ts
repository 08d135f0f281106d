import type { LedgerEntry } from '../../ports/ledger-store.js';
import { canonicalJson } from '../ledger/canonical-json.js';
import { entryText } from '../ledger/hash.js';
import type { InclusionProof } from '../ledger/proof-types.js';
import { keyIdOf } from '../signing/key-id.js';
import { CHECKPOINT_FILE, ENTRIES_FILE, PUBLIC_KEY_FILE } from './bundle-layout.js';
import { checkpointObjectBytes, type SignedCheckpoint } from './checkpoint-object.js';
import { bytesFile, type EvidenceFile, evidenceFiles, outcomeName } from './evidence-files.js';
import { spkiToPem } from './pem.js';
import { type BundleStatement, bundleStatement } from './statement.js';

/** A ledger entry with its RFC 9162 inclusion proof in the tree its bundle's checkpoint signs. */
export interface ProvenEntry {
  entry: LedgerEntry;
  hash: string;
  proof: InclusionProof;
}

export interface BundleContents {
  /** Every file but the manifest. */
  files: EvidenceFile[];
  statement: BundleStatement;
}

/**
 * RFC 8785 text of `{ entry, hash, proof }`: its keys in that order, the entry's text as it was written (a
 * sealed entry is not canonicalized again).
 */
function provenLine({ entry, hash, proof }: ProvenEntry): string {
  return `{"entry":${entryText(entry)},"hash":${canonicalJson(hash)},"proof":${canonicalJson(proof)}}`;
}

/**
 * The files of one intent's evidence bundle (the seed's artifacts, the proven entries, the checkpoint and
 * the public key) and the in-toto statement naming each with its SHA-256. Pure: the same inputs give the
 * same bytes, so a retried step rewrites identical objects.
 */
export function assembleBundle(input: {
  intentId: string;
  checkpoint: SignedCheckpoint;
  entries: readonly ProvenEntry[];
  publicKeySpkiDer: Uint8Array;
}): BundleContents {
  const { intentId, checkpoint, entries, publicKeySpkiDer } = input;
  const files = [
    ...evidenceFiles(entries),
    bytesFile(ENTRIES_FILE, Buffer.from(entries.map((proven) => `${provenLine(proven)}\n`).join(''))),
    bytesFile(CHECKPOINT_FILE, checkpointObjectBytes(checkpoint)),
    bytesFile(PUBLIC_KEY_FILE, Buffer.from(spkiToPem(publicKeySpkiDer), 'utf8')),
  ];
  const statement = bundleStatement(files, {
    intentId,
    ledger: checkpoint.checkpoint.ledger,
    outcome: outcomeName(entries),
    keyid: keyIdOf(publicKeySpkiDer),
    checkpoint: { size: checkpoint.checkpoint.size, rootHash: checkpoint.checkpoint.rootHash },
    entries: entries.map((proven) => proven.entry.seq),
  });
  return { files, statement };
}
