import { createHash } from 'node:crypto';
import type { EvidenceStore } from '../../ports/evidence-store.js';
import type { LedgerStore } from '../../ports/ledger-store.js';
import type { Signer } from '../../ports/signer.js';
import type { StateStore } from '../../ports/state-store.js';
import { EvidenceConflictError, LedgerIntegrityError } from '../errors.js';
import { canonicalBytes } from '../ledger/canonical-json.js';
import { leafHash } from '../ledger/hash.js';
import { IN_TOTO_PAYLOAD_TYPE } from '../signing/payload-types.js';
import { signEnvelope } from '../signing/sign-envelope.js';
import { verifyEnvelope } from '../signing/verify-envelope.js';
import { assembleBundle, type ProvenEntry } from './assemble-bundle.js';
import { bundleArchive } from './bundle-archive.js';
import { ARCHIVE_FILE, bundleKey, MANIFEST_FILE } from './bundle-layout.js';
import type { SignedCheckpoint } from './checkpoint-object.js';
import { frontierAt } from './checkpoint-state.js';
import { FrontierTree, MerkleFrontier } from './frontier-tree.js';

/** What the ledger records about a sealed bundle. */
export interface SealedBundle {
  /** Where the signed manifest is. */
  uri: string;
  /** SHA-256 of the in-toto statement (the manifest's payload). */
  statementSha256: string;
  /** SHA-256 of the manifest object's bytes (the DSSE envelope). */
  manifestSha256: string;
  files: number;
}

/** The stores a bundle is read from and written to, and the signer of its manifest. */
export interface SealDeps {
  ledgerName: string;
  ledger: LedgerStore;
  state: StateStore;
  evidence: EvidenceStore;
  signer?: Signer;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes an intent's evidence bundle under `bundles/<intentId>/`: the artifacts, the intent's entries with
 * inclusion proofs against `checkpoint`, the checkpoint and the public key as one archive (`bundle.tar`, the same
 * bytes on a retry), and last the manifest, signed. It runs in the SignCheckpoint
 * stage, one of the two whose function may sign.
 */
export async function sealEvidenceBundle(
  intentId: string,
  checkpoint: SignedCheckpoint,
  deps: SealDeps,
  interval: number,
): Promise<SealedBundle> {
  if (!deps.signer)
    throw new Error('this stage has no signer: only FormDecision and SignCheckpoint may sign');
  const publicKeySpkiDer = await deps.signer.publicKeySpkiDer();
  const entries = await provenEntries(intentId, checkpoint, deps, interval);
  const { files, statement } = assembleBundle({ intentId, checkpoint, entries, publicKeySpkiDer });
  const archive = bundleArchive(files);
  await deps.evidence.putObject(bundleKey(intentId, ARCHIVE_FILE), archive, 'application/x-tar');
  const statementBytes = canonicalBytes(statement);
  const manifest = await keepManifest(intentId, statementBytes, deps, deps.signer, publicKeySpkiDer);
  return {
    uri: manifest.uri,
    statementSha256: sha256(statementBytes),
    manifestSha256: sha256(manifest.bytes),
    files: files.length + 1,
  };
}

/**
 * The intent's entries covered by the checkpoint, with inclusion proofs computed from the frontier at the
 * interval checkpoint before its first entry: the ledger is read from there, not from seq 0.
 */
async function provenEntries(
  intentId: string,
  signed: SignedCheckpoint,
  deps: SealDeps,
  interval: number,
): Promise<ProvenEntry[]> {
  const { size, rootHash } = signed.checkpoint;
  const seqs = (await deps.ledger.forIntent(deps.ledgerName, intentId)).map((stored) => stored.entry.seq);
  const first = Math.min(size, ...seqs);
  let frontier = await frontierAt(deps.state, deps.ledgerName, Math.floor(first / interval) * interval);
  frontier ??= { size: 0, nodes: [] };
  const window = await deps.ledger.read(deps.ledgerName, frontier.size, size);
  const leafAt = (index: number) => Buffer.from(window[index - frontier.size]!.hash, 'hex');
  if (window.length !== size - frontier.size) {
    throw new LedgerIntegrityError(
      `ledger holds fewer than the ${size} entries its checkpoint covers`,
      frontier.size + window.length,
    );
  }
  const tree = new FrontierTree(MerkleFrontier.fromJSON(frontier), leafAt, size, true);
  if (tree.root() !== rootHash) {
    throw new LedgerIntegrityError(
      `the ledger no longer hashes to the root its checkpoint of size ${size} signed`,
      frontier.size,
    );
  }
  return window
    .filter((stored) => stored.entry.intentId === intentId)
    .map((stored) => {
      if (leafHash(stored.entry) !== stored.hash) {
        throw new LedgerIntegrityError(
          `ledger entry at seq ${stored.entry.seq} does not hash to its stored hash`,
          stored.entry.seq,
        );
      }
      return { entry: stored.entry, hash: stored.hash, proof: tree.inclusionProof(stored.entry.seq) };
    });
}

/** Signs and keeps the manifest once; a retry finds it and keeps it when it signs the same statement. */
async function keepManifest(
  intentId: string,
  statementBytes: Uint8Array,
  deps: SealDeps,
  signer: Signer,
  publicKeySpkiDer: Uint8Array,
): Promise<{ uri: string; bytes: Uint8Array }> {
  const key = bundleKey(intentId, MANIFEST_FILE);
  const adopt = async (bytes: Uint8Array) => {
    const verified = verifyEnvelope(JSON.parse(Buffer.from(bytes).toString('utf8')), publicKeySpkiDer, {
      payloadType: IN_TOTO_PAYLOAD_TYPE,
    });
    if (!verified.ok || Buffer.compare(Buffer.from(verified.payload), Buffer.from(statementBytes)) !== 0) {
      throw new EvidenceConflictError(`${key} already holds a manifest for a different statement`);
    }
    return { uri: await deps.evidence.putObject(key, bytes, 'application/json'), bytes };
  };
  const existing = await deps.evidence.getObject(key);
  if (existing) return adopt(existing);
  const bytes = canonicalBytes(await signEnvelope(IN_TOTO_PAYLOAD_TYPE, statementBytes, signer));
  try {
    return { uri: await deps.evidence.putObject(key, bytes, 'application/json'), bytes };
  } catch (error) {
    if (!(error instanceof EvidenceConflictError)) throw error;
    const raced = await deps.evidence.getObject(key);
    if (!raced) throw error;
    return adopt(raced);
  }
}
