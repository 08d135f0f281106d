import { createHash } from 'node:crypto';
import type { LedgerEntry } from '../../ports/ledger-store.js';
import { ledgerPayloads, payloadOf } from '../ledger/entry-payloads.js';
import { bundlePrefix, MANIFEST_FILE } from './bundle-layout.js';
import { verifyBundle } from './verify-bundle.js';

/** A bundle the ledger says was sealed that the evidence store does not hold as sealed. */
export interface BundleAuditFailure {
  intentId: string;
  /** The `checkpoint.signed` entry that recorded the bundle. */
  seq: number;
  reason: string;
}

export interface BundleAudit {
  /** Bundles the ledger names, one per intent (the latest sealing of each). */
  checked: number;
  failures: BundleAuditFailure[];
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Checks every evidence bundle the ledger records against the evidence store: each `checkpoint.signed` entry
 * names the SHA-256 of its bundle's signed manifest, under the hash chain and the checkpoints that cover it, so
 * the ledger is a signed, append-only index of the store. A bundle deleted, a manifest replaced by another's,
 * or a file changed under it is found here even where the store itself could be written (the local runtime's
 * folders), and named by intent and entry. Audit the entries first (`auditLedger`): this trusts what they say.
 */
export async function auditBundles(
  entries: Iterable<LedgerEntry>,
  bundleOf: (intentId: string) => Promise<ReadonlyMap<string, Uint8Array>>,
  publicKeySpkiDer: Uint8Array,
): Promise<BundleAudit> {
  const sealed = new Map<string, { seq: number; manifestSha256: string }>();
  for (const entry of entries) {
    if (entry.type !== 'checkpoint.signed') continue;
    const { bundle } = payloadOf(entry, ledgerPayloads['checkpoint.signed']);
    sealed.set(entry.intentId, { seq: entry.seq, manifestSha256: bundle.manifestSha256 });
  }
  const failures: BundleAuditFailure[] = [];
  for (const [intentId, { seq, manifestSha256 }] of sealed) {
    const fail = (reason: string) => failures.push({ intentId, seq, reason });
    const prefix = bundlePrefix(intentId);
    let files: ReadonlyMap<string, Uint8Array>;
    try {
      files = await bundleOf(intentId);
    } catch (error) {
      // A store that holds the bundle's keys but cannot serve an object as written (changed or deleted since).
      fail(`the evidence store cannot serve the bundle: ${(error as Error).message}`);
      continue;
    }
    const manifest = files.get(MANIFEST_FILE);
    if (!manifest) {
      fail(
        files.size === 0
          ? `the bundle the ledger records is missing from the evidence store (${prefix})`
          : `the bundle's signed manifest is missing (${prefix}${MANIFEST_FILE})`,
      );
      continue;
    }
    if (sha256(manifest) !== manifestSha256) {
      fail(`the manifest's SHA-256 is ${sha256(manifest)}, not the ${manifestSha256} the ledger recorded`);
      continue;
    }
    const verification = verifyBundle(files, { publicKeySpkiDer });
    if (!verification.ok) {
      const failed = verification.checks.find((check) => !check.ok);
      fail(failed ? `${failed.check}: ${failed.detail}` : 'the bundle does not verify');
    }
  }
  return { checked: sealed.size, failures };
}
