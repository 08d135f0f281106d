import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ItvError } from '../../lambdas/core/errors.js';
import { bundlePrefix } from '../../lambdas/core/evidence/bundle-layout.js';
import { type BundleVerification, verifyBundle } from '../../lambdas/core/evidence/verify-bundle.js';
import type { EvidenceStore } from '../../lambdas/ports/evidence-store.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { ApiAnswerError } from '../api/api-get.js';
import { downloadBundle } from '../api/bundle-download.js';
import { paint } from '../colour.js';
import { printApiError } from '../control-plane/api-errors.js';
import { controlPlane } from '../control-plane/client.js';
import { spkiFromPem } from './ledger.js';

/** Copies an intent's bundle out of the evidence store into `outDir`; returns the file names copied. */
export async function pullBundle(
  evidence: EvidenceStore,
  intentId: string,
  outDir: string,
): Promise<string[]> {
  const files = await storedBundle(evidence, intentId);
  if (files.size === 0) throw new Error(`no evidence bundle for intent ${intentId}`);
  return writeBundleDir(files, outDir);
}

/** Refuses a folder that already holds files: a bundle is pulled into a new one, never mixed with another. */
function checkBundleDir(outDir: string): void {
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new ItvError(`${outDir} is not empty: pull a bundle into a new folder`);
  }
}

/** Writes a bundle's files (flat: a name with a folder in it is skipped) into `outDir`; returns their names. */
export function writeBundleDir(files: ReadonlyMap<string, Uint8Array>, outDir: string): string[] {
  checkBundleDir(outDir);
  mkdirSync(outDir, { recursive: true });
  const names: string[] = [];
  for (const [name, body] of files) {
    if (name.includes('/')) continue;
    writeFileSync(join(outDir, name), body);
    names.push(name);
  }
  return names;
}

/** The files of a bundle folder, by name. */
export function readBundleDir(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isFile()) files.set(name, readFileSync(path));
  }
  return files;
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
  intentId: string,
  options: { out?: string; json?: boolean },
): Promise<number> {
  const out = options.out ?? `evidence-${intentId}`;
  checkBundleDir(out);
  const client = await controlPlane(itvHome());
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

export async function evidenceVerifyCommand(
  dir: string,
  options: { publicKey?: string; json?: boolean },
): Promise<number> {
  const verification = verifyBundleDir(dir, options.publicKey);
  if (options.json) console.log(JSON.stringify(verification, null, 2));
  else {
    const verdict = verification.ok ? paint('VERIFIED', 'green') : paint('FAILED', 'red');
    console.log(`evidence bundle ${verification.intentId ?? dir}: ${verdict}`);
    const width = Math.max(...verification.checks.map((c) => c.check.length));
    for (const check of verification.checks) {
      console.log(
        `  ${check.ok ? paint('ok  ', 'green') : paint('FAIL', 'red')} ${check.check.padEnd(width)}  ${check.detail}`,
      );
    }
  }
  return verification.ok ? 0 : 1;
}

/** The files of an intent's bundle as the evidence store holds them, by name. */
export async function storedBundle(
  evidence: EvidenceStore,
  intentId: string,
): Promise<Map<string, Uint8Array>> {
  const prefix = bundlePrefix(intentId);
  const files = new Map<string, Uint8Array>();
  for (const key of await evidence.list(prefix)) {
    const body = await evidence.getObject(key);
    if (body !== undefined) files.set(key.slice(prefix.length), body);
  }
  return files;
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
    const files = await storedBundle(evidence, intentId);
    const verification = files.size === 0 ? undefined : verifyBundle(files);
    if (!verification?.ok) {
      const failed = verification?.checks.find((check) => !check.ok);
      failures.push({ intentId, detail: failed ? `${failed.check}: ${failed.detail}` : 'no bundle' });
    }
  }
  return { verified: unique.length - failures.length, total: unique.length, failures };
}
