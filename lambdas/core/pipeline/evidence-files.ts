import { createHash } from 'node:crypto';
import type { StoredEntry } from '../../ports/ledger-store.js';
import type { TelemetrySnapshot } from '../../ports/releaser.js';
import { canonicalJson } from '../ledger/index.js';

export interface EvidenceFile {
  name: string;
  body: Uint8Array;
  sha256: string;
}

/**
 * The seed's required evidence artifacts for one intent, each a canonical JSON file drawn from the
 * intent's ledger entries: intent and authority, decision signature and rationale, test results and
 * policy evaluation log, release trace, observability snapshot, plus the entries themselves.
 */
export function evidenceFiles(
  entries: StoredEntry[],
  snapshot: TelemetrySnapshot | undefined,
): EvidenceFile[] {
  const ofType = (prefix: string) => entries.filter((stored) => stored.entry.type.startsWith(prefix));
  const payloads = (prefix: string) =>
    ofType(prefix).map((stored) => ({ seq: stored.entry.seq, ...stored.entry.payload }));
  const declared = ofType('intent.declared')[0]?.entry.payload ?? {};
  const files: Record<string, unknown> = {
    'intent.json': declared.intent ?? null,
    'authority.json': declared.authority ?? null,
    'decision.json': payloads('decision.'),
    'policy-evaluation.json': payloads('admission.'),
    'test-results.json': [...payloads('structure.'), ...payloads('verification.'), ...payloads('review.')],
    'release-trace.json': payloads('release.'),
    'observability-snapshot.json': snapshot ?? null,
    'ledger-entries.json': entries.map((stored) => ({ hash: stored.hash, entry: stored.entry })),
  };
  return Object.entries(files).map(([name, content]) => {
    const body = new TextEncoder().encode(canonicalJson(content));
    return { name, body, sha256: createHash('sha256').update(body).digest('hex') };
  });
}

/** The manifest: every file's SHA-256, sorted by name. */
export function evidenceManifest(intentId: string, files: EvidenceFile[]) {
  return {
    intentId,
    files: [...files]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((f) => ({ name: f.name, sha256: f.sha256 })),
  };
}
