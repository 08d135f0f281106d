import { createHash } from 'node:crypto';
import type { LedgerEntry } from '../../ports/ledger-store.js';
import { describeClock } from '../ledger/checkpoint.js';
import { parseStoredEntry } from '../ledger/entry.js';
import { leafHash } from '../ledger/hash.js';
import { verifyInclusion } from '../ledger/inclusion-proof.js';
import type { InclusionProof } from '../ledger/proof-types.js';
import { keyIdOf } from '../signing/key-id.js';
import { DECISION_PAYLOAD_TYPE, IN_TOTO_PAYLOAD_TYPE } from '../signing/payload-types.js';
import { uncompressedSpki } from '../signing/uncompressed-spki.js';
import { verifyEnvelope } from '../signing/verify-envelope.js';
import { CHECKPOINT_FILE, ENTRIES_FILE, MANIFEST_FILE, PUBLIC_KEY_FILE } from './bundle-layout.js';
import { openCheckpointObject } from './checkpoint-object.js';
import { evidenceFiles, testResultsBeforeCheckReports } from './evidence-files.js';
import { pemToSpki } from './pem.js';
import { type BundleStatement, statementSchema } from './statement.js';

export interface BundleCheck {
  check: string;
  ok: boolean;
  detail: string;
}

export interface BundleVerification {
  ok: boolean;
  intentId: string | null;
  keyid: string | null;
  checks: BundleCheck[];
}

class BundleFailure extends Error {}

/**
 * Verifies an evidence bundle (file name → bytes) with nothing but its own public key, or a pinned one:
 * the manifest's DSSE signature, every file's SHA-256 against the signed in-toto statement (and no file
 * beside them), the checkpoint's signature, every entry's leaf hash and inclusion proof against the
 * checkpoint's root, every decision signature, and that each artifact is what the proven entries say.
 */
export function verifyBundle(
  files: ReadonlyMap<string, Uint8Array>,
  options: { publicKeySpkiDer?: Uint8Array } = {},
): BundleVerification {
  const checks: BundleCheck[] = [];
  const pass = (check: string, detail: string) => checks.push({ check, ok: true, detail });
  const fail = (check: string, detail: string): never => {
    checks.push({ check, ok: false, detail });
    throw new BundleFailure(detail);
  };
  let statement: BundleStatement | undefined;
  let keyid: string | null = null;
  try {
    const key = publicKeyOf(files, options.publicKeySpkiDer, fail);
    keyid = keyIdOf(key);
    pass('public key', `keyid ${keyid}${options.publicKeySpkiDer ? ' (pinned)' : ' (from the bundle)'}`);
    statement = openManifest(files, key, fail);
    pass('manifest signature', `${MANIFEST_FILE} is signed by keyid ${keyid}`);
    checkDigests(files, statement, fail);
    pass('file digests', `${statement.subject.length} files match their SHA-256 in the signed statement`);
    const opened = openCheckpointObject(required(files, CHECKPOINT_FILE, fail), key);
    if (!opened.ok) fail('checkpoint signature', opened.reason);
    const checkpoint = opened.ok ? opened.signed.checkpoint : fail('checkpoint', 'unreachable');
    const claimed = statement.predicate.checkpoint;
    if (checkpoint.size !== claimed.size || checkpoint.rootHash !== claimed.rootHash) {
      fail('checkpoint signature', `${CHECKPOINT_FILE} is not the checkpoint the statement names`);
    }
    pass(
      'checkpoint signature',
      `tree head ${checkpoint.ledger}/${checkpoint.size} root ${checkpoint.rootHash} at ${checkpoint.timestamp}, ${describeClock(checkpoint.clock)}`,
    );
    const entries = checkEntries(
      files,
      statement,
      checkpoint.rootHash,
      checkpoint.size,
      checkpoint.ledger,
      fail,
    );
    pass('inclusion proofs', `${entries.length} entries are in the tree of ${checkpoint.size} entries`);
    const decisions = entries.filter((entry) => entry.type === 'decision.signed');
    for (const entry of decisions) {
      const verified = verifyEnvelope(entry.payload.envelope, key, { payloadType: DECISION_PAYLOAD_TYPE });
      if (!verified.ok) {
        fail('decision signatures', `seq ${entry.seq}: ${verified.reason}`);
        continue;
      }
      // The digest recorded beside the envelope must be that of the package it signs, as the ledger check requires.
      const recorded = entry.payload.digest;
      if (
        recorded !== undefined &&
        recorded !== createHash('sha256').update(verified.payload).digest('hex')
      ) {
        fail(
          'decision signatures',
          `seq ${entry.seq}: decision digest ${String(recorded)} is not that of the signed package`,
        );
      }
    }
    pass('decision signatures', `${decisions.length} signed decision(s) verify`);
    const proven = entries.map((entry) => ({ entry, hash: '' }));
    const same = (bytes: Uint8Array | undefined, body: Uint8Array) =>
      bytes !== undefined && Buffer.compare(Buffer.from(bytes), Buffer.from(body)) === 0;
    let earlierTestResults = false;
    for (const artifact of evidenceFiles(proven)) {
      const bytes = files.get(artifact.name);
      if (same(bytes, artifact.body)) continue;
      if (artifact.name === 'test-results.json' && same(bytes, testResultsBeforeCheckReports(proven).body)) {
        earlierTestResults = true;
        continue;
      }
      fail('artifacts', `${artifact.name} is not what the proven ledger entries record`);
    }
    pass(
      'artifacts',
      `every artifact matches the proven ledger entries${earlierTestResults ? ' (test-results.json as itv wrote it before it listed check reports: who reported each check is in ledger-entries.jsonl)' : ''}`,
    );
  } catch (error) {
    if (!(error instanceof BundleFailure)) throw error;
  }
  return {
    ok: checks.every((check) => check.ok),
    intentId: statement?.predicate.intentId ?? null,
    keyid,
    checks,
  };
}

type Fail = (check: string, detail: string) => never;

function required(files: ReadonlyMap<string, Uint8Array>, name: string, fail: Fail): Uint8Array {
  return files.get(name) ?? fail('files', `${name} is missing`);
}

function parseJson(bytes: Uint8Array, name: string, fail: Fail): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    return fail('files', `${name} is not JSON: ${(error as Error).message}`);
  }
}

function publicKeyOf(
  files: ReadonlyMap<string, Uint8Array>,
  pinned: Uint8Array | undefined,
  fail: Fail,
): Uint8Array {
  let bundled: Uint8Array;
  try {
    // Compared, and its keyid computed, with the point uncompressed: a key given compressed is the same key.
    bundled = uncompressedSpki(
      pemToSpki(Buffer.from(required(files, PUBLIC_KEY_FILE, fail)).toString('utf8')),
    );
  } catch (error) {
    if (error instanceof BundleFailure) throw error;
    return fail('public key', `${PUBLIC_KEY_FILE}: ${(error as Error).message}`);
  }
  let key: Uint8Array | undefined;
  try {
    key = pinned && uncompressedSpki(pinned);
  } catch (error) {
    return fail('public key', `the pinned key: ${(error as Error).message}`);
  }
  if (key && Buffer.compare(Buffer.from(key), Buffer.from(bundled)) !== 0) {
    fail('public key', `the bundle carries keyid ${keyIdOf(bundled)}, not the pinned keyid ${keyIdOf(key)}`);
  }
  return key ?? bundled;
}

function openManifest(files: ReadonlyMap<string, Uint8Array>, key: Uint8Array, fail: Fail): BundleStatement {
  const envelope = parseJson(required(files, MANIFEST_FILE, fail), MANIFEST_FILE, fail);
  const verified = verifyEnvelope(envelope, key, { payloadType: IN_TOTO_PAYLOAD_TYPE });
  if (!verified.ok) fail('manifest signature', verified.reason);
  const payload = verified.ok ? verified.payload : new Uint8Array();
  const parsed = statementSchema.safeParse(parseJson(payload, 'the manifest payload', fail));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(
      'manifest signature',
      `the statement is malformed: ${issue?.path.join('.') || '$'}: ${issue?.message}`,
    );
  }
  return parsed.data!;
}

function checkDigests(files: ReadonlyMap<string, Uint8Array>, statement: BundleStatement, fail: Fail): void {
  const named = new Set<string>();
  for (const subject of statement.subject) {
    if (named.has(subject.name) || subject.name === MANIFEST_FILE || /[/\\]/.test(subject.name)) {
      fail('file digests', `the statement names "${subject.name}" more than once or outside the bundle`);
    }
    named.add(subject.name);
    const bytes = required(files, subject.name, fail);
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== subject.digest.sha256) {
      fail(
        'file digests',
        `${subject.name} has SHA-256 ${digest}, the signed statement says ${subject.digest.sha256}`,
      );
    }
  }
  for (const name of files.keys()) {
    if (name !== MANIFEST_FILE && !named.has(name))
      fail('file digests', `${name} is not named in the signed statement`);
  }
}

function checkEntries(
  files: ReadonlyMap<string, Uint8Array>,
  statement: BundleStatement,
  rootHash: string,
  treeSize: number,
  ledger: string,
  fail: Fail,
): LedgerEntry[] {
  const lines = Buffer.from(required(files, ENTRIES_FILE, fail))
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '');
  const entries: LedgerEntry[] = [];
  for (const [index, line] of lines.entries()) {
    const item = parseJson(Buffer.from(line, 'utf8'), `${ENTRIES_FILE} line ${index + 1}`, fail);
    const { proof, ...stored } = (item ?? {}) as { proof?: InclusionProof };
    let parsed: ReturnType<typeof parseStoredEntry>;
    try {
      parsed = parseStoredEntry(stored);
    } catch (error) {
      return fail('inclusion proofs', `entry ${index}: ${(error as Error).message}`);
    }
    const { entry, hash } = parsed;
    const where = `entry seq ${entry.seq}`;
    if (leafHash(entry) !== hash)
      fail('inclusion proofs', `${where} does not hash to its stored hash ${hash}`);
    if (entry.intentId !== statement.predicate.intentId || entry.ledger !== ledger) {
      fail('inclusion proofs', `${where} belongs to ${entry.ledger}/${entry.intentId}, not this bundle`);
    }
    if (!proof || proof.leafIndex !== entry.seq || proof.treeSize !== treeSize) {
      fail('inclusion proofs', `${where} lacks a proof at its seq in the tree of ${treeSize} entries`);
    }
    const included = verifyInclusion(hash, proof!, rootHash);
    if (!included.ok) fail('inclusion proofs', `${where}: ${included.reason}`);
    const previous = entries.at(-1);
    if (previous && previous.seq + 1 === entry.seq && entry.prevHash !== leafHash(previous)) {
      fail('inclusion proofs', `${where} does not link to seq ${previous.seq}`);
    }
    entries.push(entry);
  }
  const seqs = entries.map((entry) => entry.seq);
  if (seqs.join(',') !== statement.predicate.entries.join(',')) {
    fail(
      'inclusion proofs',
      `${ENTRIES_FILE} holds seq ${seqs.join(',')}, the statement names ${statement.predicate.entries.join(',')}`,
    );
  }
  return entries;
}
