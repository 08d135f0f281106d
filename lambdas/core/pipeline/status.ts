import type * as z from 'zod';
import type { StoredEntry } from '../../ports/ledger-store.js';
import {
  admissionPayload,
  intentConcludedPayload,
  intentDeclaredPayload,
  payloadOf,
} from '../ledger/entry-payloads.js';

export interface IntentStatus {
  intentId: string;
  title: string | null;
  service: string | null;
  /** `awaiting-review`, `releasing`, the outcome once concluded, or the last step recorded. */
  status: string;
  outcome: string | null;
  tier: number | null;
  timeToValueSeconds: number | null;
  valuePerHourUsd: number | null;
  /** Why the intent did not (or not yet) release, in the requester's terms: every failed constraint, with what would pass. */
  reasons: string[];
  steps: Array<{ seq: number; type: string; timestamp: string }>;
}

/** Summarizes an intent from its ledger entries alone: the ledger is the source of truth. */
export function intentStatus(intentId: string, entries: StoredEntry[]): IntentStatus | undefined {
  if (entries.length === 0) return undefined;
  const last = (type: string) =>
    [...entries].reverse().find((stored) => stored.entry.type.startsWith(type))?.entry;
  const read = <S extends z.ZodType>(type: string, schema: S): z.infer<S> | undefined => {
    const entry = last(type);
    return entry ? payloadOf(entry, schema) : undefined;
  };
  const declared = read('intent.declared', intentDeclaredPayload);
  const concluded = read('intent.concluded', intentConcludedPayload);
  const admission = read('admission.', admissionPayload);
  const lastType = entries[entries.length - 1]!.entry.type;
  let status = lastType;
  if (concluded) status = concluded.outcome;
  else if (lastType === 'stage.failed') status = 'failed';
  else if (last('review.requested') && !last('review.approved') && !last('review.rejected'))
    status = 'awaiting-review';
  else if (last('release.')) status = 'releasing';
  return {
    intentId,
    title: declared?.intent?.title ?? null,
    service: declared?.intent?.change?.service ?? null,
    status,
    outcome: concluded?.outcome ?? null,
    tier: concluded?.tier ?? admission?.tier ?? null,
    timeToValueSeconds: concluded?.timeToValueSeconds ?? null,
    valuePerHourUsd: declared ? (concluded?.valuePerHourUsd ?? null) : null,
    reasons: entries.flatMap((stored) => reasonsOf(stored.entry.type, stored.entry.payload)),
    steps: entries.map((stored) => ({
      seq: stored.entry.seq,
      type: stored.entry.type,
      timestamp: stored.entry.timestamp,
    })),
  };
}

type Issue = { path: string; message: string };
/** `path: message`, unless the message already starts with the path. */
export const issueText = (issue: Issue) =>
  issue.message.startsWith(issue.path) ? issue.message : `${issue.path}: ${issue.message}`;

function reasonsOf(type: string, payload: Record<string, unknown>): string[] {
  switch (type) {
    case 'intent.incomplete':
      return ((payload.issues as Issue[]) ?? []).map(issueText);
    case 'request.refused':
      return ((payload.issues as Issue[]) ?? []).map((issue) => `refused: ${issueText(issue)}`);
    case 'structure.rejected':
      return ((payload.errors as Issue[]) ?? []).map(issueText);
    case 'structure.schema-update-required':
      return [String(payload.message ?? 'the contract lacks keys the payload uses')];
    case 'admission.rejected':
      return ((payload.failed as Array<{ rule: string; reason: string; remedy?: string }>) ?? []).map(
        (f) => `${f.rule}: ${f.reason}${f.remedy ? ` (would pass: ${f.remedy})` : ''}`,
      );
    case 'verification.failed':
      return ((payload.results as Array<{ check: string; passed: boolean; detail: string }>) ?? [])
        .filter((r) => !r.passed)
        .map((r) => `check ${r.check} failed: ${r.detail}`);
    case 'review.rejected':
      return [
        `rejected by reviewer of record ${payload.reviewer}${payload.reason ? `: ${payload.reason}` : ''}`,
      ];
    case 'release.stopped':
      return [`release stopped: ${payload.reason}`];
    case 'release.rollback-started':
      return [`rolled back: ${payload.description ?? ''}`.trim()];
    case 'stage.failed':
      return [`stage failed: ${payload.error}: ${payload.cause}`];
    default:
      return [];
  }
}
