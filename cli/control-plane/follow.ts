import { ItvError } from '../../lambdas/core/errors.js';
import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { canStopFollowing } from '../api/wait-details.js';
import { isSettled } from '../exit-codes.js';
import { pause, stopIfTimedOut } from '../follow-timeout.js';
import type { ProgressEvent } from '../runtime/local-pipeline.js';
import { ApiAnswerError } from './api-errors.js';
import type { ControlPlaneClient } from './client.js';

const defaultPollMs = 150;
/** About a minute of polls at the default interval: long past any gap between an execution and its resumption. */
const defaultStalledPolls = 400;

/** What the control plane's progress read says besides the events. */
interface ProgressAnswer {
  events: ProgressEvent[];
  /**
   * Events before the first returned that the control plane no longer keeps (it keeps each intent's newest 500):
   * a follower that started late missed them. Absent from control planes that kept the first 500 instead.
   */
  skipped?: number;
  running: boolean;
  /** Which start of the control plane answers: its events are counted from 0, and so are the next one's. */
  instance?: string;
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
    /** How many events before those passed to `onEvent` the control plane no longer kept, when it kept some. */
    onSkipped?: (count: number) => void;
    untilReviewed?: boolean;
    after?: number;
    pollMs?: number;
    /** How many polls in a row may find nothing running and the ledger unsettled before the follow gives up. */
    stalledPolls?: number;
    /** A `--timeout`'s: once it is up, the follow throws `FollowTimedOut` instead of reading on. */
    signal?: AbortSignal;
  } = {},
): Promise<IntentStatus | undefined> {
  let after = options.after ?? 0;
  let last: ProgressEvent | undefined;
  let instance: string | undefined;
  const stalls = new StallCheck(intentId, options.stalledPolls);
  const path = encodeURIComponent(intentId);
  for (;;) {
    stopIfTimedOut(options.signal);
    const progressPath = `/local/intents/${path}/progress?after=${after}`;
    const progress = await client.call<ProgressAnswer>('GET', progressPath);
    if (progress.status !== 200) throw new ApiAnswerError('GET', progressPath, progress);
    // The control plane died and the client started the next one, which resumed the execution: its events
    // start again from 0, and the stage seen last on the one before says nothing of where the execution is now.
    if (instance !== undefined && progress.body.instance !== instance) {
      instance = progress.body.instance;
      after = 0;
      last = undefined;
      continue;
    }
    instance = progress.body.instance;
    const skipped = progress.body.skipped ?? 0;
    if (skipped > 0) options.onSkipped?.(skipped);
    for (const event of progress.body.events) options.onEvent?.(event);
    after += skipped + progress.body.events.length;
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
      // Concluded while its execution still runs: it is sealing the intent (its checkpoint, its bundle).
      const sealing =
        progress.body.running &&
        status !== undefined &&
        (status.outcome !== null || status.status === 'failed');
      if (
        status === undefined ||
        (!sealing &&
          (await canStopFollowing(client, status, { untilReviewed: options.untilReviewed ?? false })))
      )
        return status;
      stalls.observe(progress.body, status);
    } else stalls.observe({ ...progress.body, running: true }, undefined);
    await pause(options.pollMs ?? defaultPollMs, options.signal);
  }
}

/**
 * Whether an intent followed on the control plane still has an execution to wait for: its failure unrecorded ends
 * the follow at once (`UnrecordedFailureError`), nothing running while the ledger stays unsettled ends it after
 * `limit` reads in a row (`FollowStalledError`), a gap no resumption takes that long to close.
 */
export class StallCheck {
  private stalled = 0;

  constructor(
    private readonly intentId: string,
    private readonly limit = defaultStalledPolls,
  ) {}

  /** One read of the intent's progress and its unsettled status; throws when the follow should end. */
  observe(
    progress: Omit<ProgressAnswer, 'events'> & { events?: unknown[] },
    status: IntentStatus | undefined,
  ): void {
    // A wait for a person, CI or a due instant parks its execution: nothing runs, and nothing should.
    const waits = status !== undefined && isSettled(status, { untilReviewed: false });
    if (progress.running || (progress.events?.length ?? 0) > 0 || status === undefined || waits) {
      this.stalled = 0;
      return;
    }
    if (progress.unrecorded)
      throw unrecordedFailure(this.intentId, status, progress.unrecorded, progress.log);
    this.stalled += 1;
    if (this.stalled >= this.limit) {
      throw new FollowStalledError(
        `${this.intentId}: no execution of it runs, yet its ledger still says ${status.status}; ${logNote(progress.log)}. \`itv control-plane stop\`, then \`itv watch ${this.intentId}\` resumes what the journal holds`,
      );
    }
  }

  /** Reads the intent's progress on the control plane (no events) and observes it with `status`. */
  async read(client: Pick<ControlPlaneClient, 'call'>, status: IntentStatus): Promise<void> {
    const path = `/local/intents/${encodeURIComponent(this.intentId)}/progress?after=${Number.MAX_SAFE_INTEGER}`;
    const progress = await client.call<ProgressAnswer>('GET', path);
    if (progress.status === 200) this.observe({ ...progress.body, events: [] }, status);
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
      `S${logNote(log).slice(1)}. Mend the cause (free disk space, say), then \`itv watch ${intentId}\` follows it to its end.`,
    ].join(' '),
  );
}

function logNote(log: string | undefined): string {
  return `see ${log ?? "the control plane's log, control-plane.log in ITV_HOME"}`;
}
