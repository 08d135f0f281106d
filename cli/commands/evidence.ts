import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceIntegrityError, InvalidInputError } from '../../lambdas/core/errors.js';
import { bundleFilesOf, storedBundleFiles } from '../../lambdas/core/evidence/bundle-archive.js';
import {
  ARCHIVE_FILE,
  CHECKPOINT_FILE,
  ENTRIES_FILE,
  MANIFEST_FILE,
  PUBLIC_KEY_FILE,
} from '../../lambdas/core/evidence/bundle-layout.js';
import { type BundleVerification, verifyBundle } from '../../lambdas/core/evidence/verify-bundle.js';
import { isPossibleIntentId } from '../../lambdas/core/intent-id-syntax.js';
import { keyIdOf } from '../../lambdas/core/signing/key-id.js';
import type { EvidenceStore } from '../../lambdas/ports/evidence-store.js';
import { ApiAnswerError } from '../api/api-get.js';
import { downloadRecordedBundle } from '../api/bundle-download.js';
import { openApi } from '../api/itv-api.js';
import { paint } from '../colour.js';
import { printApiError } from '../control-plane/api-errors.js';
import { exitCodes } from '../exit-codes.js';
import { checkBundleDir, writeBundleDir } from './bundle-folder.js';
import { spkiFromKeyFile } from './ledger.js';
import { unreadable } from './read-intent-file.js';
import { type StackKey, stackKey } from './stack-key.js';

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
  // A folder holding none of a bundle's files is no bundle (a bundle missing some fails its checks instead): the
  // folder a tar of one was unpacked into, say, which holds the bundle's own folder.
  if (!bundleFileNames.some((name) => files.has(name))) {
    const inside = names.find((name) => existsSync(join(dir, name, MANIFEST_FILE)));
    throw new InvalidInputError(`${dir} is not an evidence bundle`, [
      {
        path: 'dir',
        message:
          inside === undefined
            ? `holds none of a bundle's files (${bundleFileNames.join(', ')}): give the folder itv evidence pull wrote, or the one the console's bundle tar unpacks to (itv-evidence-ID)`
            : `holds none of a bundle's files; the bundle is in ${join(dir, inside)}: run itv evidence verify ${join(dir, inside)}`,
      },
    ]);
  }
  // An unsound archive is named by its path in the folder: the folder is no store, and its name no intent id.
  return bundleFilesOf(files, { of: (name) => join(dir, name), inStore: false });
}

/** The files any bundle folder holds at least one of. */
const bundleFileNames = [MANIFEST_FILE, CHECKPOINT_FILE, ENTRIES_FILE, ARCHIVE_FILE, PUBLIC_KEY_FILE];

/**
 * `itv evidence pull`: `GET /intents/{id}/evidence` on the home's control plane, written to a new folder once it
 * is the bundle the intent's ledger entries recorded.
 */
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
  const api = await openApi();
  const { client } = api;
  let files: Map<string, Uint8Array>;
  try {
    files = await downloadRecordedBundle((path) => client.text(path), intentId);
  } catch (error) {
    if (error instanceof ApiAnswerError) return printApiError(error.answer);
    throw error;
  }
  const names = writeBundleDir(files, out);
  if (options.json) {
    console.log(JSON.stringify({ intentId, out, files: names }, null, 2));
    return 0;
  }
  // The verify named pins the key of the stack the bundle came from: the same home, or the same context.
  const pin = api.kind === 'local' ? '' : ` --context ${api.name}`;
  console.log(
    `pulled ${names.length} files of intent ${intentId} into ${out}; check them against this stack's key with: itv evidence verify ${out}${pin} (or --public-key PEM, a key you hold)`,
  );
  return 0;
}

/**
 * `itv evidence verify BUNDLE…`: each bundle folder verified offline under a pinned key — `--public-key`, else
 * the key of the stack this CLI reaches (`stack-key.ts`). With neither, the checks run under the key each bundle
 * carries and are shown, but that proves only that a bundle agrees with itself: NOT VERIFIED, exit 2, as
 * `docs/verify-bundle.sh` ends — and so is a bundle whose own `public-key.pem` is the key pinned. Exit 1 if any
 * bundle fails.
 */
export async function evidenceVerifyCommand(
  dirs: string | string[],
  options: { publicKey?: string; json?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const folders = typeof dirs === 'string' ? [dirs] : dirs;
  const read = folders.map((dir) => readBundleDir(dir));
  const pinned: StackKey = options.publicKey
    ? { spkiDer: spkiFromKeyFile(options.publicKey), from: options.publicKey }
    : await stackKey(env);
  const verifications = read.map((files) =>
    verifyBundle(files, pinned.spkiDer ? { publicKeySpkiDer: pinned.spkiDer } : {}),
  );
  const carrying = options.publicKey ? bundlesCarrying(options.publicKey, folders) : [];
  const warningOf = (own: string) =>
    `the pinned key is the one the bundle carries (${own}): that proves only self-consistency; pin the key you hold apart from the bundle`;
  // Under --json the warning is in the answer: stderr is for errors.
  if (!options.json) for (const own of carrying) console.error(`warning: ${warningOf(own)}`);
  // A bundle checked under its own key is no more verified than one checked under no key: NOT VERIFIED, as the
  // script ends too.
  const verdicts = verifications.map((verification, index) =>
    carrying.includes(join(folders[index]!, PUBLIC_KEY_FILE))
      ? verdictOf(verification, {})
      : verdictOf(verification, pinned),
  );
  if (options.json) {
    const answers = verifications.map((verification, index) => ({
      ...verification,
      // `ok` means verified under a pinned key; a bundle that only agrees with itself is `selfConsistent`.
      ok: verdicts[index] === 'verified',
      verdict: verdicts[index],
      selfConsistent: verification.ok,
      keyPinnedFrom: pinned.spkiDer ? pinned.from : null,
      ...(carrying.includes(join(folders[index]!, PUBLIC_KEY_FILE))
        ? { warning: warningOf(join(folders[index]!, PUBLIC_KEY_FILE)) }
        : {}),
    }));
    console.log(JSON.stringify(folders.length === 1 ? answers[0] : answers, null, 2));
  } else {
    if (pinned.spkiDer) console.log(`key pinned from ${pinned.from}: keyid ${keyIdOf(pinned.spkiDer)}`);
    for (const [index, dir] of folders.entries())
      printVerification(dir, verifications[index]!, verdicts[index]!, read[index]!);
    if (!pinned.spkiDer && verdicts.includes('not-verified')) {
      console.log(
        `NOT VERIFIED: no key was pinned (--public-key PEM), and ${pinned.why}: every check passed under the key the bundle carries, so the bundle only agrees with itself`,
      );
    }
  }
  if (verdicts.includes('failed')) return exitCodes.error;
  return verdicts.includes('not-verified') ? exitCodes.notVerified : exitCodes.ok;
}

/**
 * The bundles' own `public-key.pem` files that are the very file `--public-key` names: pinning one checks the
 * bundle against the key it carries, which a forger ships with the bundle they signed, as pinning nothing does.
 */
function bundlesCarrying(keyFile: string, folders: readonly string[]): string[] {
  const pinned = statSync(keyFile, { throwIfNoEntry: false });
  if (!pinned) return [];
  return folders
    .map((dir) => join(dir, PUBLIC_KEY_FILE))
    .filter((file) => {
      const carried = statSync(file, { throwIfNoEntry: false });
      return carried !== undefined && carried.dev === pinned.dev && carried.ino === pinned.ino;
    });
}

type Verdict = 'verified' | 'failed' | 'not-verified';

function verdictOf(verification: BundleVerification, pinned: Pick<StackKey, 'spkiDer'>): Verdict {
  if (!verification.ok) return 'failed';
  return pinned.spkiDer ? 'verified' : 'not-verified';
}

const verdictText: Record<Verdict, string> = {
  verified: paint('VERIFIED', 'green'),
  failed: paint('FAILED', 'red'),
  'not-verified': paint('NOT VERIFIED', 'yellow'),
};

function printVerification(
  dir: string,
  verification: BundleVerification,
  verdict: Verdict,
  files: ReadonlyMap<string, Uint8Array>,
): void {
  const intentId = verification.intentId ?? intentIdNamedBy(files);
  console.log(`evidence bundle ${intentId ? `${intentId} (${dir})` : dir}: ${verdictText[verdict]}`);
  const width = Math.max(...verification.checks.map((c) => c.check.length));
  for (const check of verification.checks) {
    console.log(
      `  ${check.ok ? paint('ok  ', 'green') : paint('FAIL', 'red')} ${check.check.padEnd(width)}  ${check.detail}`,
    );
  }
}

/**
 * The intent id a bundle's manifest names, read without its signature checked (undefined: none, or not one an
 * intent could have): a bundle that fails before its manifest verifies is still headed by the intent it claims,
 * as a verified one is, its FAILED beside it.
 */
function intentIdNamedBy(files: ReadonlyMap<string, Uint8Array>): string | undefined {
  const manifest = files.get(MANIFEST_FILE);
  if (manifest === undefined) return undefined;
  try {
    const envelope = JSON.parse(Buffer.from(manifest).toString('utf8')) as { payload?: unknown };
    if (typeof envelope?.payload !== 'string') return undefined;
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
      predicate?: { intentId?: unknown };
    };
    const intentId = statement?.predicate?.intentId;
    return typeof intentId === 'string' && isPossibleIntentId(intentId) ? intentId : undefined;
  } catch {
    return undefined;
  }
}

export interface BundlesVerified {
  verified: number;
  total: number;
  failures: Array<{ intentId: string; detail: string }>;
}

/** Verifies the stored bundle of each intent under the stack's key, pinned as `itv evidence verify` pins it. */
export async function verifyStoredBundles(
  evidence: EvidenceStore,
  intentIds: readonly string[],
  publicKeySpkiDer: Uint8Array,
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
    const verification = files.size === 0 ? undefined : verifyBundle(files, { publicKeySpkiDer });
    if (!verification?.ok) {
      const failed = verification?.checks.find((check) => !check.ok);
      failures.push({ intentId, detail: failed ? `${failed.check}: ${failed.detail}` : 'no bundle' });
    }
  }
  return { verified: unique.length - failures.length, total: unique.length, failures };
}
