import type { IntentStatus } from '../lambdas/core/pipeline/status.js';

/**
 * The exit codes every `itv` command keeps, as the README's "Exit codes" table documents them (a test holds
 * the two equal). A script can tell a change that did not release (2) from a command that could not run (1).
 */
export const exitCodes = {
  /** Done: released, waiting for a reviewer of record, scheduled for later, or anything a read or a check found as it should be. */
  ok: 0,
  /** Bad input, a refused identity, nothing to decide, a failed verification, or an error. */
  error: 1,
  /** The change ended without releasing (rejected, rolled back, frozen, held, rolled forward, stopped, refused, failed), or a hold waits for its owners. */
  notReleased: 2,
  /** `itv evidence verify`: every check passed, but under the bundle's own key, no key being pinned. */
  notVerified: 2,
  /** `itv ledger verify`: entries trail the newest signed checkpoint. */
  unanchored: 3,
  /** `itv watch`, `itv submit`, `itv review`: `--timeout` was reached before the intent settled; it goes on. */
  timedOut: 4,
  /**
   * `itv control-plane` (which the other commands start on their own) could not start: a malformed setting, a home
   * it cannot open. Its starter reads it as that answer, not as a crash to retry (EX_CONFIG in sysexits.h).
   */
  controlPlaneNotStarted: 78,
} as const;

/** Statuses after which a change still waits for a person, and the command following it stops. */
const parked = new Set(['awaiting-review', 'awaiting-checks', 'awaiting-decision']);

/**
 * A change asked for later (`constraints.notBefore`, or a timestamp ahead): admitted, or not, at its due instant,
 * which may be days away. Nothing is left to follow until then.
 */
export const scheduledStatus = 'admission.scheduled';

/**
 * The exit code for where an intent stands. Only an ending without a release is 2: an intent still on its
 * way (queued for its lane, releasing, a review recorded whose execution resumes) has not failed.
 */
export function exitCodeFor(status: Pick<IntentStatus, 'status' | 'outcome'>): number {
  if (status.outcome !== null) return status.outcome === 'released' ? exitCodes.ok : exitCodes.notReleased;
  if (status.status === 'failed' || status.status === 'awaiting-decision') return exitCodes.notReleased;
  return exitCodes.ok;
}

/**
 * Whether a command following an intent can stop: it has an outcome, failed, waits for a person, or is
 * scheduled for later (which `--wait` follows on through, as it does a review). An
 * execution that is not running at the moment has not settled by that alone — between a review being
 * recorded and its execution resuming, or while queued for its lane, nothing runs, yet the intent goes on.
 */
export function isSettled(
  status: Pick<IntentStatus, 'status' | 'outcome'>,
  options: { untilReviewed: boolean },
): boolean {
  if (status.outcome !== null || status.status === 'failed') return true;
  // `--wait` follows a change on through its review, and through CI reporting the checks it waits for.
  if (
    status.status === 'awaiting-review' ||
    status.status === 'awaiting-checks' ||
    status.status === scheduledStatus
  )
    return !options.untilReviewed;
  return parked.has(status.status);
}
