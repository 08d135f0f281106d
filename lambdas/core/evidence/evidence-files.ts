import { createHash } from 'node:crypto';
import * as z from 'zod';
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

const objectPayload = z.record(z.string(), z.unknown());

/**
 * The seed's required evidence artifacts for one intent, each drawn from the intent's ledger entries alone
 * (so a verifier can recompute them from the bundled entries): intent and authority set, decision signature
 * and rationale, test results and policy evaluation log, release trace, observability snapshot.
 */
export function evidenceFiles(entries: readonly StoredEntry[]): EvidenceFile[] {
  const ofType = (prefix: string) => entries.filter((stored) => stored.entry.type.startsWith(prefix));
  const payloads = payloadsOf(entries);
  const declared = ofType('intent.declared')[0]?.entry.payload;
  const incomplete = ofType('intent.incomplete')[0]?.entry.payload;
  const observed = ofType('observation.recorded')[0]?.entry.payload;
  return [
    jsonFile('intent.json', declared?.intent ?? incomplete?.received ?? null),
    jsonFile('authority.json', authorityRecord(declared, ofType('review.'))),
    jsonFile('decision.json', payloads('decision.')),
    jsonFile('policy-evaluation.json', payloads('admission.')),
    // Each check CI reported names who reported it, how it authenticated and the delegation it acted under.
    jsonFile('test-results.json', [
      ...payloads('structure.'),
      ...payloads('check.'),
      ...payloads('verification.'),
      ...payloads('review.'),
    ]),
    jsonFile('release-trace.json', payloads('release.')),
    jsonFile('observability-snapshot.json', observed?.snapshot ?? null),
    jsonFile('outcome.json', outcomeOf(ofType('intent.concluded')[0], payloads('stage.failed'))),
  ];
}

/**
 * `test-results.json` as itv wrote it before it listed the `check.*` entries: a bundle sealed then says the same
 * facts but who reported a check, which its `ledger-entries.jsonl` holds, and verifies as it was sealed.
 */
export function testResultsBeforeCheckReports(entries: readonly StoredEntry[]): EvidenceFile {
  const payloads = payloadsOf(entries);
  return jsonFile('test-results.json', [
    ...payloads('structure.'),
    ...payloads('verification.'),
    ...payloads('review.'),
  ]);
}

/** The payloads of the entries whose type starts with a prefix, each with its `seq` and `type`. */
function payloadsOf(entries: readonly StoredEntry[]) {
  return (prefix: string) =>
    entries
      .filter((stored) => stored.entry.type.startsWith(prefix))
      .map((stored) => ({ seq: stored.entry.seq, type: stored.entry.type, ...stored.entry.payload }));
}

/**
 * How the intent ended: its `intent.concluded` payload, or, for an execution that failed before concluding,
 * `{ outcome: "failed", failures }` with each `stage.failed` entry (the error and why the stage stopped).
 */
function outcomeOf(
  concluded: StoredEntry | undefined,
  failures: ReadonlyArray<Record<string, unknown>>,
): Record<string, unknown> | null {
  if (concluded) return concluded.entry.payload;
  return failures.length > 0 ? { outcome: 'failed', failures } : null;
}

/** The outcome a bundle's statement names: the concluded one, `failed`, or null while neither. */
export function outcomeName(entries: readonly StoredEntry[]): string | null {
  const concluded = entries.find((stored) => stored.entry.type === 'intent.concluded')?.entry.payload;
  if (typeof concluded?.outcome === 'string') return concluded.outcome;
  return entries.some((stored) => stored.entry.type === 'stage.failed') ? 'failed' : null;
}

/**
 * The authority set as an auditor reads it: the requester and whom it acted for, and how each person was
 * known — the authenticated identity (an IAM ARN, an event source, or a local name, which is not verified),
 * the catalog entry it matched, and the delegation relied on; the same for every reviewer of record, with the
 * capacity they decided in (`as`: owner, compliance reviewer, release steward) where their entry records it.
 */
function authorityRecord(
  declared: Record<string, unknown> | undefined,
  reviews: readonly StoredEntry[],
): Record<string, unknown> | null {
  if (!declared) return null;
  const decided = reviews.filter((stored) => stored.entry.type !== 'review.requested');
  return {
    // Read from a bundle that may be forged: whatever is not an object adds nothing, and nothing throws.
    ...objectPayload.safeParse(declared.authority).data,
    submittedBy: declared.submittedBy ?? null,
    binding: declared.binding ?? null,
    reviewers: decided.map(({ entry }) => ({
      decision: entry.payload.decision,
      reviewer: entry.payload.reviewer,
      // Only where recorded: a bundle sealed before reviews recorded it recomputes as it was written.
      ...(entry.payload.as === undefined ? {} : { as: entry.payload.as }),
      authenticatedAs: entry.payload.authenticatedAs ?? null,
      matched: entry.payload.matched ?? null,
      decidedAt: entry.payload.decidedAt,
    })),
  };
}
