import { createHash } from 'node:crypto';
import type { EvidenceStore } from '../../ports/evidence-store.js';
import type { LedgerEntry, LedgerStore } from '../../ports/ledger-store.js';
import { EvidenceIntegrityError } from '../errors.js';
import { ledgerPayloads, payloadOf } from '../ledger/entry-payloads.js';
import { storedBundleFiles } from './bundle-archive.js';
import { bundleKey, MANIFEST_FILE } from './bundle-layout.js';

/** What the ledger recorded about an intent's bundle when it was sealed: the latest `checkpoint.signed` entry's. */
export interface RecordedBundle {
  seq: number;
  manifestSha256: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The sealing the ledger records for `intentId` among its entries (the latest), or undefined before one. */
export function recordedBundleOf(
  intentId: string,
  entries: Iterable<LedgerEntry>,
): RecordedBundle | undefined {
  let recorded: RecordedBundle | undefined;
  for (const entry of entries) {
    if (entry.type !== 'checkpoint.signed' || entry.intentId !== intentId) continue;
    const { bundle } = payloadOf(entry, ledgerPayloads['checkpoint.signed']);
    recorded = { seq: entry.seq, manifestSha256: bundle.manifestSha256 };
  }
  return recorded;
}

/** The intent id the manifest's statement names, read without its signature (verifyBundle checks that). */
function statementIntentId(manifest: Uint8Array): string | undefined {
  try {
    const envelope = JSON.parse(Buffer.from(manifest).toString('utf8')) as { payload?: unknown };
    if (typeof envelope.payload !== 'string') return undefined;
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
      predicate?: { intentId?: unknown };
    };
    const intentId = statement.predicate?.intentId;
    return typeof intentId === 'string' ? intentId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses a bundle (file name → bytes) served as `intentId`'s unless it is the one the ledger recorded for it:
 * its statement names the intent and its manifest's SHA-256 is the one the intent's `checkpoint.signed` entry
 * holds. A bundle copied over another intent's verifies on its own (it is signed), so only this catches it.
 * Throws EvidenceIntegrityError naming the intent, both intent ids and both digests.
 */
export function checkRecordedBundle(
  intentId: string,
  files: ReadonlyMap<string, Uint8Array>,
  recorded: RecordedBundle | undefined,
): void {
  const key = bundleKey(intentId, MANIFEST_FILE);
  const refuse = (reason: string) =>
    new EvidenceIntegrityError(`the evidence bundle of intent ${intentId} is not served: ${reason}`, { key });
  const manifest = files.get(MANIFEST_FILE);
  if (manifest === undefined) throw refuse(`it has no signed manifest (${key})`);
  if (recorded === undefined) {
    throw refuse('the ledger records no sealing of it (no checkpoint.signed entry of the intent)');
  }
  const named = statementIntentId(manifest);
  const digest = sha256(manifest);
  if (named !== intentId) {
    throw refuse(
      `its statement names intent ${named ?? '(none)'}, not ${intentId}, and its manifest's SHA-256 is ${digest}, where the ledger recorded ${recorded.manifestSha256} (checkpoint.signed at seq ${recorded.seq})`,
    );
  }
  if (digest !== recorded.manifestSha256) {
    throw refuse(
      `its manifest's SHA-256 is ${digest}, not the ${recorded.manifestSha256} the ledger recorded (checkpoint.signed at seq ${recorded.seq})`,
    );
  }
}

/**
 * An intent's bundle as the evidence store holds it (nothing if it holds none), served only when it is the one
 * the ledger recorded for the intent (`checkRecordedBundle`). Throws EvidenceIntegrityError otherwise.
 */
export async function recordedBundleFiles(
  deps: { evidence: EvidenceStore; ledger: LedgerStore; ledgerName: string },
  intentId: string,
): Promise<Map<string, Uint8Array>> {
  const files = await storedBundleFiles(deps.evidence, intentId);
  if (files.size === 0) return files;
  const own = await deps.ledger.forIntent(deps.ledgerName, intentId);
  checkRecordedBundle(
    intentId,
    files,
    recordedBundleOf(
      intentId,
      own.map((stored) => stored.entry),
    ),
  );
  return files;
}
