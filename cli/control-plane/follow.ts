import { ItvError } from '../../lambdas/core/errors.js';
import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { canStopFollowing } from '../api/wait-details.js';
import type { ProgressEvent } from '../runtime/local-pipeline.js';
import { ApiAnswerError } from './api-errors.js';
import type { ControlPlaneClient } from './client.js';

const defaultPollMs = 150;
/** About a minute of polls at the default interval: long past any gap between an execution and its resumption. */
const defaultStalledPolls = 400;

/** What the control plane's progress read says besides the events. */
interface ProgressAnswer {
  events: ProgressEvent[];
  running: boolean;
  /** The execution failed and RecordFailure could not record it; it waits in the journal to try again. */
  unrecorded?: { error: string; attempts: number; retryInSeconds?: number };
  /** The control plane's log. */
  log?: string;
}

/** The intent's execution failed without recording its failure: the ledger still says it is in flight. */
export class UnrecordedFailureError extends ItvError {}

/** No execution of the intent runs, yet its ledger says it is in flight, and stayed so. */
export class FollowStalledError extends ItvError {}

/**
 * Follows an intent on the control plane until it settles (`canStopFollowing`: an outcome, a failure, a wait
 * for a person or for CI, a schedule for later, or a queue behind such waits), passing each stage's progress to `onEvent`, and returns its status from the ledger. With
 * `untilReviewed`, an intent that waits for a reviewer is followed on until it has an outcome (or failed).
 */
export async function followIntent(
  client: Pick<ControlPlaneClient, 'call'>,
  intentId: string,
  options: {
    onEvent?: (event: ProgressEvent) => void;
    untilReviewed?: boolean;
    after?: number;
    pollMs?: number;
    /** How many polls in a row may find nothing running and the ledger unsettled before the follow gives up. */
    stalledPolls?: number;
  } = {},
): Promise<IntentStatus | undefined> {
  let after = options.after ?? 0;
  let last: ProgressEvent | undefined;
  let stalled = 0;
  const path = encodeURIComponent(intentId);
  for (;;) {
    const progressPath = `/local/intents/${path}/progress?after=${after}`;
    const progress = await client.call<ProgressAnswer>('GET', progressPath);
    if (progress.status !== 200) throw new ApiAnswerError('GET', progressPath, progress);
    for (const event of progress.body.events) options.onEvent?.(event);
    after += progress.body.events.length;
    last = progress.body.events.at(-1) ?? last;
    // A park for CI's check results waits in process, so its execution runs on: where it has parked, the
    // ledger says whether the intent waits for CI (`awaiting-checks`), as it says so for a parked review.
    const waitingForCi = last?.state === 'AwaitChecks' && last.phase === 'entered';
    // So does a scheduled intent's park until its due instant, which on the wall clock may be days away.
    const waitingForDue = last?.state === 'AwaitDue' && last.phase === 'entered';
    // And one queued for its lane, which may wait behind an intent that waits for a person.
    const waitingForLane = last?.state === 'AwaitLane' && last.phase === 'entered';
    if (!progress.body.running || waitingForCi || waitingForDue || waitingForLane) {
      const answer = await client.call<IntentStatus>('GET', `/intents/${path}`);
      const status = answer.status === 200 ? answer.body : undefined;
      if (
        status === undefined ||
        (await canStopFollowing(client, status, { untilReviewed: options.untilReviewed ?? false }))
      )
        return status;
      if (!progress.body.running && progress.body.events.length === 0) {
        const unrecorded = progress.body.unrecorded;
        if (unrecorded) throw unrecordedFailure(intentId, status, unrecorded, progress.body.log);
        stalled += 1;
        if (stalled >= (options.stalledPolls ?? defaultStalledPolls)) {
          throw new FollowStalledError(
            `${intentId}: no execution of it runs, yet its ledger still says ${status.status}; ${logNote(progress.body.log)}. \`itv control-plane stop\`, then \`itv watch ${intentId}\` resumes what the journal holds`,
          );
        }
      } else stalled = 0;
    } else stalled = 0;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? defaultPollMs));
  }
}

function unrecordedFailure(
  intentId: string,
  status: IntentStatus,
  unrecorded: NonNullable<ProgressAnswer['unrecorded']>,
  log: string | undefined,
): UnrecordedFailureError {
  const next =
    unrecorded.retryInSeconds === undefined
      ? 'it is tried again when the control plane next starts'
      : `it is tried again in ${unrecorded.retryInSeconds} s (after ${unrecorded.attempts} failed ${unrecorded.attempts === 1 ? 'try' : 'tries'}) and when the control plane next starts`;
  return new UnrecordedFailureError(
    [
      `${intentId}: its execution failed and could not record the failure (${unrecorded.error}),`,
      `so the intent still reads ${status.status} and holds its lane. Its execution stays journaled: ${next}.`,
      `${logNote(log)}. Mend the cause (free disk space, say), then \`itv watch ${intentId}\` follows it to its end.`,
    ].join('\n'),
  );
}

function logNote(log: string | undefined): string {
  return `see ${log ?? "the control plane's log, control-plane.log in ITV_HOME"}`;
}
