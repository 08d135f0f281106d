import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import type { ItvApi } from '../api/itv-api.js';
import { scheduledStatus } from '../exit-codes.js';

/** The instant a scheduled intent is due at, from its newest `admission.scheduled` entry. */
export async function scheduledFor(api: ItvApi, intentId: string): Promise<string | undefined> {
  const answer = await api.client.call<{ entries?: Array<{ type: string; payload?: { dueAt?: unknown } }> }>(
    'GET',
    `/intents/${encodeURIComponent(intentId)}?include=entries`,
  );
  if (answer.status !== 200) return undefined;
  const scheduled = (answer.body.entries ?? []).filter((entry) => entry.type === scheduledStatus).at(-1);
  return typeof scheduled?.payload?.dueAt === 'string' ? scheduled.payload.dueAt : undefined;
}

/**
 * What a person does next with an intent a command stopped following because it waits — for a reviewer, for its
 * due instant, for CI — as lines to print; empty when it does not wait.
 */
export function nextStepLines(status: IntentStatus, kind: 'local' | 'deployed', dueAt?: string): string {
  const local = (as: string) => (kind === 'local' ? ` --as <${as}>` : '');
  if (status.status === 'awaiting-review') {
    return `\n${status.intentId} waits for a reviewer of record:\n  itv review ${status.intentId} --approve${local('reviewer')}`;
  }
  if (status.status === scheduledStatus) {
    // Nothing happens until then: the command returns, as it does for a change waiting for its reviewer.
    const watch = `itv watch ${status.intentId}`;
    const stop = `itv stop ${status.intentId} --reason TEXT${local('requester or owner')}`;
    const width = Math.max(watch.length, stop.length) + 2;
    return `\n${status.intentId} is scheduled for ${dueAt ?? 'its not-before instant'}; admission runs again then, as of that instant:\n  ${watch.padEnd(width)}to follow it\n  ${stop.padEnd(width)}to withdraw it`;
  }
  if (status.status === 'awaiting-checks') {
    return `\n${status.intentId} waits for CI to report the checks it names:\n  itv check report ${status.intentId} CHECK --status passed|failed${local('principal')}`;
  }
  return '';
}
