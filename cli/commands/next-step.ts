import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { gaveUpItsPlace, type QueuedBehind, queuedStatus, type WaitDetails } from '../api/wait-details.js';
import { scheduledStatus } from '../exit-codes.js';

/**
 * What a person does next with an intent a command stopped following because it waits — for a reviewer, for its
 * due instant, for CI, for its owners' decision, or queued behind another that does — as lines to print, naming
 * whom and what the ledger says it waits for; empty when it does not wait. Locally each command names who runs it (`--as`); deployed, the caller is whoever is signed in.
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
    // CI reports as a principal the owners delegated to; its requester or an owner of the service may report too,
    // and locally the requester is the one at hand.
    const reporters = status.requester
      ? `; CI, its requester (${status.requester})${status.service ? ` or an owner of ${status.service}` : ''} reports ${checks.length === 1 ? 'it' : 'them'}`
      : '';
    const commands = (checks.length > 0 ? checks : ['CHECK']).map(
      (check) =>
        `  itv check report ${id} ${check} --status passed|failed${local(status.requester ?? '<principal>')}`,
    );
    return `\n${id} waits${until} for ${what}${reporters}:\n${commands.join('\n')}`;
  }
  if (status.status === 'awaiting-decision') {
    const deciders = details.deciders ?? [];
    const until = details.decisionExpiresAt ? ` until ${details.decisionExpiresAt}` : '';
    const who = deciders.length > 0 ? `one of its owners (${deciders.join(', ')})` : 'one of its owners';
    const as = deciders.length === 1 ? deciders[0]! : '<owner>';
    return `\n${id} waits${until} for ${who} to decide its held release:\n  itv release decide ${id} --roll-forward|--roll-back|--hold --reason TEXT${local(as)}`;
  }
  if (status.status === queuedStatus) return queuedLines(id, kind, details);
  return '';
}

/**
 * Behind what a queued intent waits, and what each of those waits for: the intent holding its lane, waiting for
 * CI's check results or its owners' decision, is named with who acts and the command that frees it. A predicted
 * instant would mislead there: nobody can say when a person acts. One waiting for its reviewer holds no lane, so
 * the queued intent does not wait for it: it is admitted at its next re-check.
 */
function queuedLines(id: string, kind: 'local' | 'deployed', details: WaitDetails): string {
  const behind = details.queuedBehind ?? [];
  const lane = details.lane ? ` for lane ${details.lane}` : '';
  if (behind.length === 0) return `\n${id} is queued${lane}; it is admitted on its own when the way is clear`;
  const ended = behind.every(
    ({ status, details: theirs }) =>
      status !== undefined && (hasEnded(status) || gaveUpItsPlace(status, theirs)),
  );
  // A holder gives its place up when it ends, or when it starts to wait for its reviewer.
  const once =
    behind.length === 1 ? 'that one ends or gives its place up' : 'they end or give their places up';
  const head = `\n${id} is queued${lane} behind ${behind.map(blockerText).join(', ')}; it is admitted on its own once ${once}`;
  const waiting = behind.flatMap(({ status, details: theirs }) => {
    const next =
      status && !hasEnded(status) && !gaveUpItsPlace(status, theirs)
        ? nextStepLines(status, kind, theirs)
        : '';
    return next ? [next.slice(1)] : [];
  });
  if (ended) {
    // One waiting for its reviewer gave its lane up for the wait: nobody queues behind a person.
    const reviewed = behind.some(({ status, details: theirs }) => status && gaveUpItsPlace(status, theirs));
    const which =
      behind.length === 1
        ? reviewed
          ? 'which waits for its reviewer and holds no lane meanwhile'
          : 'which has ended'
        : reviewed
          ? 'which have all ended or wait for their reviewers, holding no lane'
          : 'which have all ended';
    return `\n${id} is queued${lane} behind ${behind.map(blockerText).join(', ')}, ${which}: it is admitted at its next re-check`;
  }
  return waiting.length > 0 ? `${head}:\n${waiting.join('\n')}` : head;
}

/** `int-x (awaiting-review, same lane)`: a blocker, where it stands when read, and how it overlaps. */
function blockerText({ intentId, sameLane, services, status }: QueuedBehind): string {
  const rollout =
    status?.status === 'releasing' && status.rolloutPercentage !== null
      ? `, ${status.rolloutPercentage} % of users`
      : '';
  const overlap = sameLane ? 'same lane' : services.length > 0 ? `shares ${services.join(', ')}` : '';
  const parts = [status ? `${status.status}${rollout}` : '', overlap].filter(Boolean);
  return parts.length > 0 ? `${intentId} (${parts.join(', ')})` : intentId;
}

const hasEnded = (status: IntentStatus) => status.outcome !== null || status.status === 'failed';
