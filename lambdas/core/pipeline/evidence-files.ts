import { createHash } from 'node:crypto';
import type { StoredEntry } from '../../ports/ledger-store.js';
import { canonicalBytes } from '../ledger/index.js';

/** One file of an evidence bundle: its name in the bundle, its bytes and their SHA-256 (hex). */
export interface EvidenceFile {
  name: string;
  body: Uint8Array;
  sha256: string;
}

/** A bundle file holding `content` as RFC 8785 JSON, so the same facts always give the same bytes. */
export function jsonFile(name: string, content: unknown): EvidenceFile {
  return bytesFile(name, canonicalBytes(content));
}

export function bytesFile(name: string, body: Uint8Array): EvidenceFile {
  return { name, body, sha256: createHash('sha256').update(body).digest('hex') };
}

/**
 * The seed's required evidence artifacts for one intent, each drawn from the intent's ledger entries alone
 * (so a verifier can recompute them from the bundled entries): intent and authority set, decision signature
 * and rationale, test results and policy evaluation log, release trace, observability snapshot.
 */
export function evidenceFiles(entries: readonly StoredEntry[]): EvidenceFile[] {
  const ofType = (prefix: string) => entries.filter((stored) => stored.entry.type.startsWith(prefix));
  const payloads = (prefix: string) =>
    ofType(prefix).map((stored) => ({
      seq: stored.entry.seq,
      type: stored.entry.type,
      ...stored.entry.payload,
    }));
  const declared = ofType('intent.declared')[0]?.entry.payload;
  const incomplete = ofType('intent.incomplete')[0]?.entry.payload;
  const observed = ofType('observation.recorded')[0]?.entry.payload;
  return [
    jsonFile('intent.json', declared?.intent ?? incomplete?.received ?? null),
    jsonFile('authority.json', declared?.authority ?? null),
    jsonFile('decision.json', payloads('decision.')),
    jsonFile('policy-evaluation.json', payloads('admission.')),
    jsonFile('test-results.json', [
      ...payloads('structure.'),
      ...payloads('verification.'),
      ...payloads('review.'),
    ]),
    jsonFile('release-trace.json', payloads('release.')),
    jsonFile('observability-snapshot.json', observed?.snapshot ?? null),
    jsonFile('outcome.json', ofType('intent.concluded')[0]?.entry.payload ?? null),
  ];
}
