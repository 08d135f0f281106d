import { ExecutionCapacityError } from '../../lambdas/core/errors.js';
import {
  pendingReleaseDecision,
  type ReleaseDecisionRequest,
} from '../../lambdas/core/pipeline/release-decision.js';
import type { ReviewRequest } from '../../lambdas/core/pipeline/review.js';
import type { ReleaseDecision, ReviewResult } from '../../lambdas/core/pipeline/state.js';
import { stateKeys } from '../../lambdas/core/state-keys.js';
import type { Executions } from '../../lambdas/ports/executions.js';
import type { LaneWake } from '../../lambdas/ports/lane-wake.js';
import type { LedgerStore } from '../../lambdas/ports/ledger-store.js';
import type { StateStore } from '../../lambdas/ports/state-store.js';
import type { ExecutionReport, LocalPipeline } from './local-pipeline.js';

/** An execution whose failure RecordFailure could not record, waiting in the journal for its next try. */
export interface UnrecordedFailure {
  /** Why it failed, and why the failure could not be recorded. */
  error: string;
  /** How many runs ended so. */
  attempts: number;
  /** When the next try starts, from when the last one ended; undefined once tries stopped (a stop). */
  retryInSeconds: number | undefined;
}

/** Runs `retry` later, the `attempt`-th time; answers in how many seconds and how to call it off. */
export type RetryLater = (retry: () => void, attempt: number) => { seconds: number; cancel(): void };

/**
 * Back-off for an unrecorded failure: 5 s, doubling up to 5 min, on the wall clock (what it waits for, space on
 * a disk or a store answering again, is outside the virtual clock). The timer never keeps the process alive.
 */
export const retryWithBackoff: RetryLater = (retry, attempt) => {
  const seconds = Math.min(300, 5 * 2 ** Math.min(attempt - 1, 10));
  const timer = setTimeout(retry, seconds * 1000);
  timer.unref();
  return { seconds, cancel: () => clearTimeout(timer) };
};

/** A place among the executions in flight, held by a request that may start or resume one. */
export interface Slot {
  /** Gives the place back; the execution the request started, if any, now counts in its stead. */
  release(): void;
}

/**
 * Executions on the local runtime: each runs in this process in the background, named after its intent
 * like on Step Functions, so a resubmission is a duplicate rather than a second change. At most `maxInFlight`
 * run at once, counting those being started and the slots held by requests that may resume one (`reserve`):
 * each check and the place it takes happen with no await between them, so concurrent requests cannot all pass
 * a check made before any of them has started its execution.
 */
export class LocalExecutions implements Executions {
  private readonly running = new Map<string, Promise<ExecutionReport>>();
  private readonly starting = new Set<string>();
  /** Unrecorded failures by intent id, with how to call off the next try. */
  private readonly unrecorded = new Map<string, UnrecordedFailure & { cancel(): void }>();
  private retriesStopped = false;
  private reserved = 0;
  /** Mean wall time of recent executions (exponentially weighted), for the Retry-After of a refusal. */
  private meanRunMs = 1000;

  constructor(
    private readonly pipeline: LocalPipeline,
    private readonly ledger: LedgerStore,
    private readonly ledgerName: string,
    private readonly onError: (error: unknown) => void = console.error,
    readonly maxInFlight = Number.POSITIVE_INFINITY,
    private readonly retryLater: RetryLater = retryWithBackoff,
  ) {
    // A wait for a person whose deadline passes while this process runs ends as its Task's timeout ends it on AWS.
    pipeline.parkedWaits.onDue = (parked) => {
      const due =
        parked.wait === 'review'
          ? this.resumeExpiredReview(parked.intentId)
          : this.resumeHeld(parked.intentId);
      due.catch(this.onError);
    };
  }

  /**
   * A slot for a request that may resume an execution (a review, a release decision, a stop), or undefined when
   * the executions at work and the slots held already reach `maxInFlight`. Executions parked in this process
   * (queued for a lane, due later, waiting for CI) are not at work: they wait on others, often on the very review
   * or stop asked for, so counting them would refuse it for as long as they wait — for good, once they fill every
   * place. Synchronous, so two requests never take the last one.
   */
  reserve(): Slot | undefined {
    const atWork = this.running.size - this.pipeline.parkedInProcess;
    if (atWork + this.starting.size + this.reserved >= this.maxInFlight) return undefined;
    this.reserved++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.reserved--;
      },
    };
  }

  /**
   * Seconds until a slot is likely to free: with every slot taken, executions end about `maxInFlight` times
   * per mean run time. At least 1 s, at most 60 s.
   */
  get retryAfterSeconds(): number {
    const perSlotMs = this.meanRunMs / Math.max(1, Math.min(this.maxInFlight, this.running.size));
    return Math.min(60, Math.max(1, Math.ceil(perSlotMs / 1000)));
  }

  /**
   * Starts the intent's execution, or answers `duplicate` when it has one; a new execution over the limit
   * throws `ExecutionCapacityError` before anything is written. A resubmission never needs a place, so it is
   * answered as a duplicate even when every place is taken.
   */
  async start(run: { name: string; intentId: string }, input: Parameters<Executions['start']>[1]) {
    // Locally an execution is known by its run's id (the intent's, or its attempt's), which finds its ledger
    // entries. It is taken before the first await, so two submissions of one intent never both start it.
    const name = run.intentId;
    if (this.running.has(name) || this.starting.has(name)) return 'duplicate' as const;
    if (this.running.size + this.starting.size + this.reserved >= this.maxInFlight) {
      if ((await this.ledger.forIntent(this.ledgerName, name)).length > 0) return 'duplicate' as const;
      throw new ExecutionCapacityError(
        `${this.maxInFlight} executions are in flight, the control plane's limit (ITV_MAX_IN_FLIGHT); retry after ${this.retryAfterSeconds} s`,
        this.retryAfterSeconds,
      );
    }
    this.starting.add(name);
    try {
      if ((await this.ledger.forIntent(this.ledgerName, name)).length > 0) return 'duplicate' as const;
      const { execution } = await this.pipeline.admit(
        { intent: input.intent, source: input.source, caller: input.caller, attempt: input.attempt },
        name,
      );
      this.track(name, execution);
      return { executionId: `local:${name}` };
    } finally {
      this.starting.delete(name);
    }
  }

  async completeReview(request: ReviewRequest, _review: ReviewResult): Promise<'resumed' | 'ended'> {
    // Claimed once in the state store, as Step Functions takes a task token once: a retried review (or one
    // sent again after a restart) resumes nothing more. The decision is already in the state store; the
    // resumed execution reads it at the review wait. One running already is that resumption (this start resumed
    // it from the journal, where the process before may have died before claiming it).
    if (this.isRunning(request.intentId)) return 'resumed';
    if (!(await this.pipeline.claimReviewResumption(request.intentId))) return 'ended';
    this.track(`${request.intentId}:resume`, this.pipeline.resume(request.intentId));
    return 'resumed';
  }

  async completeReleaseDecision(request: ReleaseDecisionRequest, _decided: ReleaseDecision): Promise<void> {
    // The decision is already in the state store; the resumed wait reads it.
    await this.resumeHeld(request.intentId);
  }

  async releaseDecisionExpired(request: ReleaseDecisionRequest): Promise<void> {
    await this.resumeHeld(request.intentId);
  }

  async reviewExpired(request: ReviewRequest): Promise<void> {
    await this.resumeExpiredReview(request.intentId);
  }

  /**
   * Resumes a review wait whose deadline passed: the resumed wait finds it expired and fails (`States.Timeout`),
   * and RecordFailure records why. Claimed as a review's resumption is, so only one of them runs.
   */
  private async resumeExpiredReview(intentId: string): Promise<void> {
    if (this.isRunning(intentId) || !(await this.pipeline.claimReviewResumption(intentId))) return;
    this.track(`${intentId}:resume`, this.pipeline.resume(intentId));
  }

  /** Wakes check parks for the report route (`wakeForCheck`), as SendTaskSuccess does on AWS. */
  readonly checksWake: LaneWake = {
    wake: async (token) => this.pipeline.wakeChecks(token),
  };

  async resumeToStop(
    intentId: string,
    waits: { laneToken?: string; dueToken?: string; checksToken?: string; review?: ReviewRequest },
  ): Promise<void> {
    // A park for check results ends now; Verify finds the request and the intent concludes `stopped`.
    if (waits.checksToken) this.pipeline.wakeChecks(waits.checksToken);
    // Every lane waiter re-checks its admission; the stopped one finds the request there and concludes.
    if (waits.laneToken) this.pipeline.wakeLaneWaiters();
    // A scheduled intent's park ends now; admission finds the request and it concludes.
    if (waits.dueToken) this.pipeline.wakeDue(intentId);
    // An execution waiting to record its failure tries now rather than after its back-off: the failure is what
    // ends the intent (a stop would end it no differently), and the stopper's command follows that try.
    if (this.unrecorded.has(intentId)) this.retryUnrecorded(intentId);
    // The resumed review wait finds the stop request and ends in Learn.
    if (waits.review && !this.isRunning(intentId) && (await this.pipeline.claimReviewResumption(intentId))) {
      this.track(`${intentId}:resume`, this.pipeline.resume(intentId));
    }
  }

  /**
   * Resumes a held release parked at its decision wait. An execution of the intent still running is either
   * about to park (its wait read no decision a moment before this one was written) or a resumption already
   * applying it: this waits for it to settle, then resumes only if the wait is still pending, so a decision
   * written in that moment is not left with a parked execution.
   */
  private async resumeHeld(intentId: string): Promise<void> {
    for (const name of [intentId, `${intentId}:resume`]) await this.running.get(name)?.catch(() => {});
    if (this.isRunning(intentId) || !(await this.pipeline.pendingReleaseDecision(intentId))) return;
    this.track(`${intentId}:resume`, this.pipeline.resumeReleaseDecision(intentId));
  }

  /**
   * Resumes the executions that were running when the process died, and the held releases whose decision wait
   * expired while nobody ran them (they conclude `held`); returns how many.
   */
  async recover(state?: StateStore, now?: Date): Promise<number> {
    const recovered = await this.pipeline.recover();
    for (const { intentId, execution } of recovered) this.track(intentId, execution);
    let expired = 0;
    // The waits for a person parked when the last process stopped: past their deadline they end now, as the Tasks'
    // timeouts would have ended them; the others keep their deadline armed. (A held release past its own is
    // found below, with those parked before waits were recorded.)
    if (now) {
      for (const parked of await this.pipeline.parkedWaits.recorded()) {
        const due = now.getTime() >= Date.parse(parked.expiresAt);
        if (parked.wait === 'review' && due && !this.isRunning(parked.intentId)) {
          await this.resumeExpiredReview(parked.intentId);
          // Resumed now; or resumed before, by a review or a stop: either way no longer parked here.
          if (this.isRunning(parked.intentId)) expired++;
          else await this.pipeline.parkedWaits.leave(parked.intentId);
        } else if (!due) this.pipeline.parkedWaits.arm(parked);
      }
    }
    if (state && now) {
      for (const item of await state.list<{ intentId: string }>(stateKeys.inFlight().pk)) {
        const request = await pendingReleaseDecision(item.data.intentId, { state });
        if (!request || now.getTime() < Date.parse(request.expiresAt)) continue;
        await this.releaseDecisionExpired(request);
        expired++;
      }
    }
    return recovered.length + expired;
  }

  /** The intent's failure that RecordFailure could not record, while its execution waits to try again. */
  unrecordedFailure(intentId: string): UnrecordedFailure | undefined {
    const failure = this.unrecorded.get(intentId);
    if (!failure || this.isRunning(intentId)) return undefined;
    const { cancel: _cancel, ...shown } = failure;
    return shown;
  }

  /**
   * Calls off the tries of unrecorded failures (the process stops): their executions stay in the journal, and
   * the next start's `recover` runs them. Returns how many were waiting.
   */
  stopRetries(): number {
    this.retriesStopped = true;
    for (const failure of this.unrecorded.values()) {
      failure.cancel();
      failure.retryInSeconds = undefined;
    }
    return this.unrecorded.size;
  }

  /** The intents whose executions are running. */
  get runningIntents(): string[] {
    return [...new Set([...this.running.keys()].map((name) => name.replace(/:resume$/, '')))];
  }

  /** How many executions are running (a parked one is not). */
  get inFlight(): number {
    return this.running.size;
  }

  /** How many executions are working: running, less those waiting in process on others (a lane, CI). */
  get working(): number {
    return this.running.size - this.pipeline.waitingOutsideTime;
  }

  /** Executions parked in process (a lane, a due instant, check results). */
  get parkedInProcess(): number {
    return this.pipeline.parkedInProcess;
  }

  /** Ends the executions waiting in process as a crash would (`LocalPipeline.suspendParks`); returns how many. */
  suspendParks(): number {
    return this.pipeline.suspendParks();
  }

  /** The intents whose executions a stop ended, left in the journal for the next start. */
  get leftForNextStart(): string[] {
    return this.pipeline.leftForNextStart;
  }

  /** Whether an execution of this intent (its first run or its resumption after review) is running. */
  isRunning(intentId: string): boolean {
    return (
      this.starting.has(intentId) || this.running.has(intentId) || this.running.has(`${intentId}:resume`)
    );
  }

  /**
   * Resolves when every execution started so far has settled: ended, or parked at a wait that ends its run (a
   * review, a held release's decision; a request resumes it as a new run). One parked in process (queued for a
   * lane, due later, waiting for CI's check results) is still running and holds this until its park ends: woken,
   * timed out, or ended by `suspendParks`, which a stopping control plane calls first. Its callers close the stack
   * once it resolves (the control plane's stop, the test API server's close): an execution still in a park would
   * run on against a closed stack when the park ends.
   */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private track(name: string, execution: Promise<ExecutionReport>): void {
    const startedAt = Date.now();
    this.running.set(name, execution);
    execution
      .then((report) => this.noteUnrecorded(report))
      .catch(this.onError)
      .finally(() => {
        this.running.delete(name);
        this.meanRunMs = 0.8 * this.meanRunMs + 0.2 * (Date.now() - startedAt);
      });
  }

  /**
   * After each run: one whose failure went unrecorded is tried again after a back-off (the disk may have space
   * again), from its journal entry, until a run records it; any other run ends what was noted of its intent.
   */
  private noteUnrecorded(report: ExecutionReport): void {
    const intentId = report.intentId;
    if (!intentId) return;
    const prior = this.unrecorded.get(intentId);
    if (report.status !== 'failed' || !report.failureUnrecorded) {
      if (prior) this.unrecorded.delete(intentId);
      return;
    }
    const attempts = (prior?.attempts ?? 0) + 1;
    const next = this.retriesStopped
      ? { seconds: undefined, cancel: () => {} }
      : this.retryLater(() => this.retryUnrecorded(intentId), attempts);
    const error = report.error ?? 'unknown error';
    this.unrecorded.set(intentId, { error, attempts, retryInSeconds: next.seconds, cancel: next.cancel });
    this.onError(
      `${intentId}: the failure was not recorded (${error}); its execution stays journaled and ${
        next.seconds === undefined ? 'resumes at the next start' : `is tried again in ${next.seconds} s`
      }`,
    );
  }

  private retryUnrecorded(intentId: string): void {
    const failure = this.unrecorded.get(intentId);
    if (!failure || this.retriesStopped || this.isRunning(intentId)) return;
    failure.cancel();
    this.track(intentId, this.pipeline.resumeJournaled(intentId));
  }
}
