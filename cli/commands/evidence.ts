import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EvidenceIntegrityError, InvalidInputError } from '../../lambdas/core/errors.js';
import { bundleFilesOf, storedBundleFiles } from '../../lambdas/core/evidence/bundle-archive.js';
import { type BundleVerification, verifyBundle } from '../../lambdas/core/evidence/verify-bundle.js';
import type { EvidenceStore } from '../../lambdas/ports/evidence-store.js';
import { ApiAnswerError } from '../api/api-get.js';
import { downloadBundle } from '../api/bundle-download.js';
import { openApi } from '../api/itv-api.js';
import { paint } from '../colour.js';
import { printApiError } from '../control-plane/api-errors.js';
import { checkBundleDir, writeBundleDir } from './bundle-folder.js';
import { spkiFromPem } from './ledger.js';
import { unreadable } from './read-intent-file.js';

/** Copies an intent's bundle out of the evidence store into `outDir`; returns the file names copied. */
export async function pullBundle(
  evidence: EvidenceStore,
  intentId: string,
  outDir: string,
): Promise<string[]> {
  const files = await storedBundleFiles(evidence, intentId);
  if (files.size === 0) throw new Error(`no evidence bundle for intent ${intentId}`);
  return writeBundleDir(files, outDir);
}

/**
 * The files of a bundle folder, by name; a folder that cannot be read is refused, named. A folder holding the
 * bundle as the evidence store keeps it (its archive, `bundle.tar`, beside the pinned checkpoint and the
 * manifest: what `aws s3 cp --recursive` copies out of the bucket) is read as its files, the archive unpacked
 * as every reader unpacks it. A folder inside is kept as `name/`, which no statement names, so it fails.
 */
export function readBundleDir(dir: string): Map<string, Uint8Array> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw unreadable(dir, error, {
      path: 'dir',
      message: 'not a folder itv can read (the one `itv evidence pull` wrote)',
    });
  }
  const files = new Map<string, Uint8Array>();
  for (const name of names) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isFile()) files.set(name, readFileSync(path));
    else if (stat.isDirectory()) files.set(`${name}/`, new Uint8Array());
  }
  // The folder's name stands for the intent id in what an unsound archive is refused with.
  return bundleFilesOf(basename(dir), files);
}

/** Verifies a pulled bundle folder, with its own public key or a pinned one (PEM file). */
export function verifyBundleDir(dir: string, publicKeyPem?: string): BundleVerification {
  return verifyBundle(
    readBundleDir(dir),
    publicKeyPem ? { publicKeySpkiDer: spkiFromPem(publicKeyPem) } : {},
  );
}

/** `itv evidence pull`: `GET /intents/{id}/evidence` on the home's control plane, written to a new folder. */
export async function evidencePullCommand(
  intentId: string | undefined,
  options: { out?: string; json?: boolean; bucket?: string | boolean; since?: string; until?: string },
): Promise<number> {
  if (options.bucket !== undefined || options.since !== undefined || options.until !== undefined)
    return (await import('./evidence-from-bucket.js')).pullFromBucket(intentId, options);
  if (intentId === undefined) {
    throw new InvalidInputError('name the intent whose bundle to pull', [
      {
        path: 'id',
        message: 'is required, unless --bucket with --since/--until pulls every bundle in a range',
      },
    ]);
  }
  const out = options.out ?? `evidence-${intentId}`;
  checkBundleDir(out);
  const { client } = await openApi();
  let files: Map<string, Uint8Array>;
  try {
    files = await downloadBundle((path) => client.text(path), intentId);
  } catch (error) {
    if (error instanceof ApiAnswerError) return printApiError(error.answer);
    throw error;
  }
  const names = writeBundleDir(files, out);
  if (options.json) {
    console.log(JSON.stringify({ intentId, out, files: names }, null, 2));
    return 0;
  }
  console.log(
    `pulled ${names.length} files of intent ${intentId} into ${out}; check them with: itv evidence verify ${out}`,
  );
  return 0;
}

/** `itv evidence verify BUNDLE…`: each bundle folder verified offline; exit 1 if any fails. */
export async function evidenceVerifyCommand(
  dirs: string | string[],
  options: { publicKey?: string; json?: boolean },
): Promise<number> {
  const folders = typeof dirs === 'string' ? [dirs] : dirs;
  const verifications = folders.map((dir) => verifyBundleDir(dir, options.publicKey));
  if (options.json) {
    console.log(JSON.stringify(folders.length === 1 ? verifications[0] : verifications, null, 2));
  } else {
    for (const [index, dir] of folders.entries()) printVerification(dir, verifications[index]!);
  }
  return verifications.every((verification) => verification.ok) ? 0 : 1;
}

function printVerification(dir: string, verification: BundleVerification): void {
  const verdict = verification.ok ? paint('VERIFIED', 'green') : paint('FAILED', 'red');
  console.log(
    `evidence bundle ${verification.intentId ? `${verification.intentId} (${dir})` : dir}: ${verdict}`,
  );
  const width = Math.max(...verification.checks.map((c) => c.check.length));
  for (const check of verification.checks) {
    console.log(
      `  ${check.ok ? paint('ok  ', 'green') : paint('FAIL', 'red')} ${check.check.padEnd(width)}  ${check.detail}`,
    );
  }
}

export interface BundlesVerified {
  verified: number;
  total: number;
  failures: Array<{ intentId: string; detail: string }>;
}

/** Verifies the stored bundle of each intent with the bundle's own key, as `itv evidence verify` does. */
export async function verifyStoredBundles(
  evidence: EvidenceStore,
  intentIds: readonly string[],
): Promise<BundlesVerified> {
  const failures: BundlesVerified['failures'] = [];
  const unique = [...new Set(intentIds)];
  for (const intentId of unique) {
    let files: Map<string, Uint8Array>;
    try {
      files = await storedBundleFiles(evidence, intentId);
    } catch (error) {
      // The store holds the bundle's keys but cannot serve an object as written: named, not a crash.
      if (!(error instanceof EvidenceIntegrityError)) throw error;
      failures.push({ intentId, detail: error.message });
      continue;
    }
    const verification = files.size === 0 ? undefined : verifyBundle(files);
    if (!verification?.ok) {
      const failed = verification?.checks.find((check) => !check.ok);
      failures.push({ intentId, detail: failed ? `${failed.check}: ${failed.detail}` : 'no bundle' });
    }
  }
  return { verified: unique.length - failures.length, total: unique.length, failures };
}
