import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import type { ItvApi } from '../api/itv-api.js';
import { scheduledStatus } from '../exit-codes.js';

/** What an intent that waits is waiting on, as its newest entries that say name it. */
export interface WaitDetails {
  /** The instant a scheduled intent is due at (`admission.scheduled`). */
  dueAt?: string;
  /** Who may review it (`review.requested`; absent on entries written before it was recorded). */
  reviewers?: string[];
  /** The checks its fail-fast gate still waits for, and until when (`verification.awaiting-checks`). */
  checks?: string[];
  checksDeadline?: string;
}

interface EntryLike {
  type: string;
  payload?: Record<string, unknown>;
}

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;

/** The wait details an intent's entries give, from the newest entry of each kind. */
export function waitDetailsOf(entries: readonly EntryLike[]): WaitDetails {
  const newest = (type: string) => entries.filter((entry) => entry.type === type).at(-1)?.payload;
  const scheduled = newest(scheduledStatus);
  const review = newest('review.requested');
  const awaiting = newest('verification.awaiting-checks');
  return {
    ...(typeof scheduled?.dueAt === 'string' ? { dueAt: scheduled.dueAt } : {}),
    ...(strings(review?.reviewers) ? { reviewers: strings(review?.reviewers) } : {}),
    ...(strings(awaiting?.missing) ? { checks: strings(awaiting?.missing) } : {}),
    ...(typeof awaiting?.deadline === 'string' ? { checksDeadline: awaiting.deadline } : {}),
  };
}

const waits = new Set(['awaiting-review', 'awaiting-checks', scheduledStatus]);

/** What an intent waits on, read from its entries when its status is a wait; nothing otherwise. */
export async function waitDetails(api: ItvApi, status: IntentStatus): Promise<WaitDetails> {
  if (!waits.has(status.status)) return {};
  const answer = await api.client.call<{ entries?: EntryLike[] }>(
    'GET',
    `/intents/${encodeURIComponent(status.intentId)}?include=entries`,
  );
  return answer.status === 200 ? waitDetailsOf(answer.body.entries ?? []) : {};
}

/**
 * What a person does next with an intent a command stopped following because it waits — for a reviewer, for its
 * due instant, for CI — as lines to print, naming whom and what the ledger says it waits for; empty when it does
 * not wait. Locally each command names who runs it (`--as`); deployed, the caller is whoever is signed in.
 */
export function nextStepLines(
  status: IntentStatus,
  kind: 'local' | 'deployed',
  details: WaitDetails = {},
): string {
  const id = status.intentId;
  const local = (as: string) => (kind === 'local' ? ` --as ${as}` : '');
  if (status.status === 'awaiting-review') {
    const reviewers = details.reviewers ?? [];
    const who =
      reviewers.length > 0 ? `a reviewer of record (${reviewers.join(', ')})` : 'a reviewer of record';
    const as = reviewers.length === 1 ? reviewers[0]! : '<reviewer>';
    return `\n${id} waits for ${who}:\n  itv review ${id} --approve${local(as)}`;
  }
  if (status.status === scheduledStatus) {
    // Nothing happens until then: the command returns, as it does for a change waiting for its reviewer.
    const watch = `itv watch ${id}`;
    const stop = `itv stop ${id} --reason TEXT${local('<requester or owner>')}`;
    const width = Math.max(watch.length, stop.length) + 2;
    return `\n${id} is scheduled for ${details.dueAt ?? 'its not-before instant'}; admission runs again then, as of that instant:\n  ${watch.padEnd(width)}to follow it\n  ${stop.padEnd(width)}to withdraw it`;
  }
  if (status.status === 'awaiting-checks') {
    const checks = details.checks ?? [];
    const until = details.checksDeadline ? ` until ${details.checksDeadline}` : '';
    const what =
      checks.length > 0 ? `CI's result of ${checks.join(', ')}` : 'CI to report the checks it names';
    const commands = (checks.length > 0 ? checks : ['CHECK']).map(
      (check) => `  itv check report ${id} ${check} --status passed|failed${local('<principal>')}`,
    );
    return `\n${id} waits${until} for ${what}:\n${commands.join('\n')}`;
  }
  return '';
}
