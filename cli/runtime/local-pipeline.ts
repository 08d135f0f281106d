import type { Caller } from '../../lambdas/core/principals/caller.js';
import './polyfills.js';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ReviewRejectedError } from '../../lambdas/core/errors.js';
import type { Attempt } from '../../lambdas/core/pipeline/attempts.js';
import type { PipelineDeps } from '../../lambdas/core/pipeline/deps.js';
import {
  DecisionTimeoutError,
  pendingReleaseDecision,
} from '../../lambdas/core/pipeline/release-decision.js';
import {
  claimReviewResumption,
  type ReviewRequest,
  readReview,
  reviewExpiresAt,
  reviewTimeoutSeconds,
} from '../../lambdas/core/pipeline/review.js';
import type { PipelineState } from '../../lambdas/core/pipeline/state.js';
import { honourStop } from '../../lambdas/core/pipeline/stop-intent.js';
import { stateKeys } from '../../lambdas/core/state-keys.js';
import { withHostTimedTasks } from '../../statemachines/runner-timeouts.js';
import { validateOnce } from '../../statemachines/validated-definition.js';
import { waitMilliseconds, waitThatRan } from '../../statemachines/wait-that-ran.js';
import type { Scheduler } from './event-scheduler.js';
import type { ExecutionJournal } from './execution-journal.js';
import { lightenScalarAnswers } from './jsonpath-scalars.js';
import { localStageHandlers, type TaskStateName } from './local-handlers.js';
import { ParkedWaits } from './parked-waits.js';
import { inStage } from './stage-scope.js';

lightenScalarAnswers();

export interface ProgressEvent {
  executionId: string;
  intentId: string | undefined;
  state: string;
  phase: 'entered' | 'exited' | 'failed';
  output?: unknown;
  error?: string;
  /** The error's name when it failed: `States.Timeout` is how a park's time runs out, on schedule. */
  errorName?: string;
  /**
   * AdmitPolicy's exit after a reviewer of record decided: that review, from the state admission ran on, which
   * its output does not carry. Admitted, the state machine starts the release at once (AdmissionOutcome).
   */
  review?: { decision: 'approved' | 'rejected'; reviewer: string };
}

export interface ExecutionInput {
  intent: unknown;
  source?: 'cli' | 'api' | 'eventbridge';
  caller: Caller | undefined;
  attempt?: Attempt | undefined;
}

export interface ExecutionReport {
  executionId: string;
  intentId: string | undefined;
  /** `parked`: waiting for a reviewer of record or a release decision; `itv review` / `itv release decide` resume it. */
  status: 'succeeded' | 'failed' | 'parked';
  output?: PipelineState;
  error?: string;
  /** States this run of the machine entered (Step Functions bills each as a state transition). */
  transitions?: number;
  /**
   * Failed without its failure on the ledger: RecordFailure failed too (a full disk, say). The intent still
   * holds its lane and reads as in flight, so the execution stays in the journal for `resumeJournaled` (and the
   * next start's `recover`) to record the failure.
   */
  failureUnrecorded?: true;
}

export interface LocalPipelineOptions {
  /**
   * How executions wait where the ASL waits: on the stack's one virtual clock, so a 30-minute bake takes no
   * wall time and overlapping executions see time pass alike (`DiscreteEventScheduler`), or in wall time.
   */
  scheduler: Scheduler;
  onProgress?: (event: ProgressEvent) => void;
  /** Keep waiting in process for a review (another process may record it) instead of parking the execution. */
  waitForReview?: boolean;
  reviewPollMs?: number;
  /** Keeps where each execution is, so `recover` can resume them after the process died (control plane). */
  journal?: ExecutionJournal;
  /**
   * Runs after an execution failed, as the reconciler's EventBridge rule does on AWS for an execution that
   * ended FAILED; its own failure is reported, never thrown.
   */
  afterFailure?: (report: ExecutionReport) => Promise<void>;
}

type Retrier = {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxAttempts?: number;
  MaxDelaySeconds?: number;
};

type AslState = {
  Type: string;
  Next?: string;
  Seconds?: number;
  SecondsPath?: string;
  TimestampPath?: string;
  Retry?: Retrier[];
  Parameters?: unknown;
};

let executionCounter = 0;

/**
 * What a run knows of its execution: the intent, once declared, whether it parked (or was suspended), and whether
 * RecordFailure began without finishing (`recording`), which no Catch follows.
 */
type Tracker = {
  intentId: string | undefined;
  parked: boolean;
  suspended?: boolean;
  recording?: boolean;
  /** Whether the journal holds where this execution is, so a stop may leave it for the next start. */
  journaled?: boolean;
};

/**
 * The stages after which lane waiters re-check: those that free a lane (they delete the lease), and StartRelease,
 * whose deployment an emergency that waited for it may now preempt (on Step Functions it sends back the tokens of
 * those emergencies alone).
 */
const laneWaitersRecheckAfter = new Set(['Learn', 'RecordFailure', 'AwaitReview', 'StartRelease']);

/**
 * Runs the synthesized pipeline ASL in process with aws-local-stepfunctions, each Task mapped to the same
 * stage handler its Lambda runs. Wait states take no wall time: they advance the virtual clock instead.
 */
export class LocalPipeline {
  private readonly definition: StateMachineDefinition;
  private readonly states: Record<string, AslState>;
  /** Executions waiting for their lane, woken together when a stage frees one (`wakeLaneWaiters`). */
  private laneWaiters: Array<() => void> = [];
  /** Scheduled intents parked until their due instant, by intent id: a stop wakes one (`wakeDue`). */
  private readonly dueParks = new Map<string, () => void>();
  /** Intents whose fail-fast gate waits for check results, by task token: a report or a stop wakes one. */
  private readonly checkParks = new Map<string, () => void>();
  /** How to end each park waiting in process when the process stops (`suspendParks`). */
  private readonly suspendable = new Set<() => void>();
  private suspended = false;
  /** The intents whose executions a stop ended, left in the journal for the next start. */
  private readonly left = new Set<string>();
  /** How to cut short each wait between a release's polls or before a retry, as the process stops. */
  private readonly stoppableSleeps = new Set<() => void>();
  private laneParks = 0;
  /** The stages' handlers, built once: each is a middy chain that keeps nothing between invocations. */
  private stageHandlers?: ReturnType<typeof localStageHandlers>;
  /**
   * Executions parked at a review or a held release's decision, with the deadline their Task's TimeoutSeconds
   * sets on AWS: whoever runs the executions resumes one into its timeout when that passes (`onDue`).
   */
  readonly parkedWaits: ParkedWaits;

  constructor(
    definition: StateMachineDefinition,
    private readonly deps: PipelineDeps,
    private readonly options: LocalPipelineOptions,
  ) {
    // Validated here, not per execution: validating cost about half of an execution's CPU.
    validateOnce(definition, { checkArn: false, checkPaths: true });
    // The parks' timeouts are kept here, on the scheduler (`awaitLane`, `awaitDue`), not by the runner.
    this.definition = withHostTimedTasks(definition);
    this.states = this.definition.States as unknown as Record<string, AslState>;
    this.parkedWaits = new ParkedWaits(deps.state, options.scheduler);
  }

  /**
   * Counts the caller as one more execution at work until the function returned is called: on the virtual clock,
   * time does not move meanwhile, so an execution that waits stays where it waits (the demo holds the clock while
   * it starts a second intent beside a first that holds the lane).
   */
  holdClock(): () => void {
    return this.options.scheduler.join();
  }

  /**
   * Starts an execution with `{ intent, source, caller }` and runs it until it ends or parks for review. The
   * caller is who submits it, as the entry point authenticated them; without one nothing is declared.
   */
  start(input: ExecutionInput): Promise<ExecutionReport> {
    return this.execute(this.definition, this.initialState(input), undefined);
  }

  /**
   * Starts an execution of an intent whose id the entry point derived, as the API does: it is in the journal
   * before this resolves, so a process that dies a moment later still resumes it. Resolves to the running
   * execution (wrapped: a promise resolved with a promise would wait for it).
   */
  async admit(input: ExecutionInput, intentId: string): Promise<{ execution: Promise<ExecutionReport> }> {
    const state = this.initialState(input);
    await this.options.journal?.save({
      intentId,
      state: String(this.definition.StartAt),
      input: state,
      at: this.deps.clock.now().toISOString(),
    });
    return { execution: this.execute(this.definition, state, intentId, true) };
  }

  private initialState(input: ExecutionInput): Record<string, unknown> {
    return {
      intent: input.intent,
      source: input.source ?? 'cli',
      submittedAt: this.deps.clock.now().toISOString(),
      ...(input.caller ? { caller: input.caller } : {}),
      ...(input.attempt ? { attempt: input.attempt } : {}),
    };
  }

  /**
   * Resumes every execution the journal holds — those running when the process died — each from the last Task
   * state it entered, with that state's input.
   */
  async recover(): Promise<Array<{ intentId: string; execution: Promise<ExecutionReport> }>> {
    const journal = this.options.journal;
    if (!journal) return [];
    const entries = await journal.list();
    // A review's resumption noted before its claim: claimed now, so a review sent again resumes nothing more.
    for (const entry of entries.filter((e) => e.state === 'AwaitReview')) {
      await claimReviewResumption(entry.intentId, this.deps);
    }
    return entries.map((entry) => ({
      intentId: entry.intentId,
      execution: this.execute(
        { ...this.definition, StartAt: entry.state } as StateMachineDefinition,
        entry.input,
        entry.intentId,
        true,
      ),
    }));
  }

  /**
   * Runs the intent's journaled execution again from the Task state it entered last: one whose failure went
   * unrecorded (`ExecutionReport.failureUnrecorded`) records it now, as `recover` would after a restart.
   */
  async resumeJournaled(intentId: string): Promise<ExecutionReport> {
    const entry = await this.options.journal?.get(intentId);
    if (!entry) throw new Error(`intent ${intentId} has no journaled execution to resume`);
    const from = { ...this.definition, StartAt: entry.state } as StateMachineDefinition;
    return this.execute(from, entry.input, intentId, true);
  }

  /** Wakes every execution waiting for a lane: each re-checks, the queue's head is admitted, the rest wait on. */
  wakeLaneWaiters(): void {
    const waiters = this.laneWaiters;
    this.laneWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Ends a scheduled intent's park before its due instant (a stop): admission then reads the stop request. */
  wakeDue(intentId: string): void {
    this.dueParks.get(intentId)?.();
  }

  /**
   * Ends the check park holding `token` (a report of a check it waits for, or a stop): Verify runs again. `gone`
   * when no park holds it any more, as Step Functions answers a spent token.
   */
  wakeChecks(token: string): 'woken' | 'gone' {
    const wake = this.checkParks.get(token);
    if (!wake) return 'gone';
    wake();
    return 'woken';
  }

  /**
   * Ends every park waiting in process — a queued intent's, a scheduled one's, a gate's waiting for CI — as a
   * crash would: no Catch runs and nothing is written; each execution's journal entry stays, so the next start
   * resumes it (`recover`). Parks reached afterwards end at once. For a control plane that stops: the waits are
   * for other intents, a person or CI, which no amount of waiting here would bring.
   *
   * Every other journaled execution stops at its next safe point the same way: a wait between a release's polls
   * (WaitForRelease, up to minutes each on the wall clock) or before a retry ends at once, and no further Task
   * starts; a Task at work finishes first (its entry is written once either way). The next start runs the Task it
   * was at again, waiting its poll interval again. An execution the journal does not hold yet (one `start`ed
   * before its intent is declared, or a resumption before its first Task) runs on to its end or park.
   */
  suspendParks(): number {
    this.suspended = true;
    for (const cut of [...this.stoppableSleeps]) cut();
    const parks = [...this.suspendable];
    for (const suspend of parks) suspend();
    return parks.length;
  }

  /** The intents whose executions the stop (`suspendParks`) ended so far, to resume at the next start. */
  get leftForNextStart(): string[] {
    return [...this.left];
  }

  /** Whether executions are journaled, so an unfinished one resumes at the control plane's next start. */
  get journaled(): boolean {
    return this.options.journal !== undefined;
  }

  /** Executions parked in process (a lane, a due instant, check results): what `suspendParks` would end. */
  get parkedInProcess(): number {
    return this.suspendable.size;
  }

  /** Executions waiting in process for a lane or for check results: waiting on others, outside time. */
  get waitingOutsideTime(): number {
    return this.laneParks + this.checkParks.size;
  }

  /** Claims the one resumption of the intent's parked review wait; false when it was claimed before. */
  async claimReviewResumption(intentId: string): Promise<boolean> {
    // Journaled before it is claimed: a process that dies between the two leaves the resumption to the next
    // start (`recover`), where a claim alone would leave nobody to run it (a review sent again finds it claimed).
    const journaled = await this.journalReviewResumption(intentId);
    if (await claimReviewResumption(intentId, this.deps)) return true;
    // Claimed before, by a resumption that journaled itself first: an entry this call could write is one that
    // resumption has since dropped (it ended, or parked at a later wait), so it is this call's alone.
    if (journaled) await this.options.journal?.drop(intentId);
    return false;
  }

  /** Resumes an execution parked at the review wait, from that state, with the same ASL. */
  async resume(intentId: string): Promise<ExecutionReport> {
    const request = await this.reviewRequest(intentId);
    if (!request) throw new Error(`intent ${intentId} has no parked review wait to resume`);
    const fromReview = { ...this.definition, StartAt: 'AwaitReview' } as StateMachineDefinition;
    return this.execute(fromReview, request.state, intentId, this.options.journal !== undefined);
  }

  private async reviewRequest(intentId: string): Promise<ReviewRequest | undefined> {
    const key = stateKeys.reviewRequest(intentId);
    return (await this.deps.state.get<ReviewRequest>(key.pk, key.sk))?.data;
  }

  /** Notes the review wait as where the intent's execution is, unless a note is there: true when written. */
  private async journalReviewResumption(intentId: string): Promise<boolean> {
    const journal = this.options.journal;
    const request = journal ? await this.reviewRequest(intentId) : undefined;
    if (!journal || !request) return false;
    return journal.saveIfAbsent({
      intentId,
      state: 'AwaitReview',
      input: request.state as Record<string, unknown>,
      at: this.deps.clock.now().toISOString(),
    });
  }

  /** The decision wait a held release of `intentId` is parked at, if any. */
  pendingReleaseDecision(intentId: string): ReturnType<typeof pendingReleaseDecision> {
    return pendingReleaseDecision(intentId, this.deps);
  }

  /**
   * Resumes an execution parked at a held release's decision wait, from that state, with the same ASL: the wait
   * finds the decision recorded (or its deadline passed) and goes on to ApplyReleaseDecision.
   */
  async resumeReleaseDecision(intentId: string): Promise<ExecutionReport> {
    const request = await pendingReleaseDecision(intentId, this.deps);
    if (!request) throw new Error(`intent ${intentId} has no parked release decision wait to resume`);
    const fromWait = { ...this.definition, StartAt: 'AwaitReleaseDecision' } as StateMachineDefinition;
    return this.execute(fromWait, request.state, intentId);
  }

  private async execute(
    definition: StateMachineDefinition,
    input: Record<string, unknown>,
    knownIntentId: string | undefined,
    journaled = false,
  ): Promise<ExecutionReport> {
    const executionId = `local-${process.pid}-${++executionCounter}`;
    const tracker: Tracker = { intentId: knownIntentId, parked: false, journaled };
    const leave = this.options.scheduler.join();
    let abort = () => {};
    const handlers = this.taskHandlers(executionId, tracker, () => abort());
    // The definition was validated whole when the pipeline was built; an execution that resumes starts
    // mid-machine, from the same states.
    const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
    const zero = (type: string) =>
      Object.fromEntries(
        Object.entries(this.states)
          .filter(([, s]) => (type === 'Wait' ? s.Type === 'Wait' : Array.isArray(s.Retry)))
          .map(([name]) => [name, 0]),
      );
    const execution = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        waitTimeOverrides: zero('Wait'),
        retryIntervalOverrides: zero('Retry'),
      },
      context: { Task: { Token: `${executionId}:review` } },
      noThrowOnAbort: true,
    });
    abort = execution.abort;
    const transitions = countTransitions(execution.eventLogs);
    try {
      const output = (await execution.result) as PipelineState | null;
      if (tracker.parked || output === null) {
        return {
          executionId,
          intentId: tracker.intentId,
          status: 'parked',
          transitions: await transitions(),
        };
      }
      return {
        executionId,
        intentId: tracker.intentId,
        status: 'succeeded',
        output,
        transitions: await transitions(),
      };
    } catch (error) {
      const report: ExecutionReport = {
        executionId,
        intentId: tracker.intentId,
        status: 'failed',
        error: describe(error),
        transitions: await transitions(),
        ...(tracker.recording ? { failureUnrecorded: true as const } : {}),
      };
      await this.options.afterFailure?.(report).catch((failure: unknown) => {
        report.error = `${report.error}; then: ${describe(failure)}`;
      });
      return report;
    } finally {
      // Ended or parked: nothing to resume (a parked execution resumes from its review request). A suspended
      // one keeps its entry: the next start resumes it; so does one whose failure RecordFailure could not
      // record, or nothing would ever free its lane.
      if (tracker.intentId && !tracker.suspended && !tracker.recording) {
        await this.options.journal?.drop(tracker.intentId);
      }
      leave();
    }
  }

  private taskHandlers(
    executionId: string,
    tracker: Tracker,
    abort: () => void,
  ): Record<string, (input: unknown) => Promise<unknown>> {
    this.stageHandlers ??= localStageHandlers(this.deps);
    const stages = this.stageHandlers;
    const waitsBefore = this.waitsBefore();
    const report = (event: Omit<ProgressEvent, 'executionId' | 'intentId'>) =>
      this.options.onProgress?.({ executionId, intentId: tracker.intentId, ...event });
    const wrapped: Record<string, (input: unknown) => Promise<unknown>> = {};
    const failures = new Map<string, number>();
    for (const [name, handler] of Object.entries(stages) as Array<
      [TaskStateName, (e: unknown) => Promise<unknown>]
    >) {
      wrapped[name] = async (input: unknown) => {
        if (name === 'RecordFailure') tracker.recording = true;
        if (await this.journal(name, input, tracker.intentId)) tracker.journaled = true;
        if (this.leavesForNextStart(tracker)) return this.leaveForNextStart(tracker, abort);
        const wait = waitThatRan(waitsBefore[name] ?? [], input);
        if (wait) await this.waitFor(wait, input);
        if (this.leavesForNextStart(tracker)) return this.leaveForNextStart(tracker, abort);
        report({ state: name, phase: 'entered' });
        try {
          const output = await inStage(name, () =>
            name === 'AwaitReview'
              ? this.awaitReview(handler, input, tracker, abort)
              : name === 'AwaitReleaseDecision'
                ? this.awaitReleaseDecision(handler, input, tracker, abort)
                : name === 'AwaitLane'
                  ? this.awaitLane(handler, input, this.suspension(tracker, abort))
                  : name === 'AwaitDue'
                    ? this.awaitDue(handler, input, this.suspension(tracker, abort))
                    : name === 'AwaitChecks'
                      ? this.awaitChecks(handler, input, this.suspension(tracker, abort))
                      : handler(input),
          );
          if (name === 'DeclareIntent') tracker.intentId = (output as { intentId: string }).intentId;
          if (name === 'RecordFailure') tracker.recording = false;
          if (laneWaitersRecheckAfter.has(name)) this.wakeLaneWaiters();
          if (!tracker.parked) report({ state: name, phase: 'exited', output, ...reviewBefore(name, input) });
          failures.delete(name);
          return output;
        } catch (error) {
          report({
            state: name,
            phase: 'failed',
            error: describe(error),
            ...(error instanceof Error ? { errorName: error.name } : {}),
          });
          await this.waitBeforeRetry(name, error, failures);
          throw error;
        }
      };
    }
    return wrapped;
  }

  /** Whether the process stops and the journal holds this execution, so the next start resumes it. */
  private leavesForNextStart(tracker: Tracker): boolean {
    return this.suspended && tracker.journaled === true && tracker.intentId !== undefined;
  }

  /** Ends the execution here as a crash would: nothing written, its journal entry kept for the next start. */
  private leaveForNextStart(tracker: Tracker, abort: () => void): { parked: true } {
    if (tracker.intentId) this.left.add(tracker.intentId);
    tracker.parked = true;
    tracker.suspended = true;
    abort();
    return { parked: true };
  }

  /**
   * On AWS the execution waits on a task token. Locally the wait either polls for a decision (another
   * process may record it) or parks: the execution stops here and `resume` starts it again from this state.
   */
  private async awaitReview(
    handler: (input: unknown) => Promise<unknown>,
    input: unknown,
    tracker: Tracker,
    abort: () => void,
  ): Promise<unknown> {
    const payload = ((input as { Payload?: unknown }).Payload ?? input) as { intentId: string };
    let decided = ((await handler(payload)) as { decided: Awaited<ReturnType<typeof readReview>> | null })
      .decided;
    if (!decided && this.options.waitForReview) {
      await this.markWaiter(payload.intentId);
      // A reviewer is outside time: the other executions' clock goes on while this one waits.
      decided = await this.options.scheduler.waitOutside(this.pollForReview(payload.intentId));
    }
    if (!decided) {
      // TimeoutSeconds, as Step Functions enforces it: a wait resumed past its deadline with no decision fails
      // (`States.Timeout`: the Catch takes it to RecordFailure); one that parks keeps its deadline armed.
      const request = await this.reviewRequest(payload.intentId);
      const expiresAt = request ? reviewExpiresAt(request) : undefined;
      if (expiresAt !== undefined && this.deps.clock.now().getTime() >= Date.parse(expiresAt)) {
        await this.parkedWaits.leave(payload.intentId);
        throw new ParkTimeoutError(
          `nobody reviewed it by ${expiresAt}, ${reviewTimeoutSeconds / 86_400} days after it was requested: the review wait timed out`,
        );
      }
      if (expiresAt !== undefined) {
        await this.parkedWaits.park({ intentId: payload.intentId, wait: 'review', expiresAt });
      }
      tracker.parked = true;
      abort();
      // The runner stops at the next transition once aborted; resolving (rather than hanging) lets it clear
      // the task's timeout timer, which would otherwise keep the process alive for the 7-day review timeout.
      return { parked: true };
    }
    await this.parkedWaits.leave(payload.intentId);
    if (decided.decision === 'rejected') {
      throw new ReviewRejectedError(
        `${decided.reviewer} rejected the change${decided.reason ? `: ${decided.reason}` : ''}`,
      );
    }
    return decided;
  }

  /**
   * A held release's decision wait parks the execution until `itv release decide` resumes it. The wait's
   * TimeoutSeconds is enforced here on the virtual clock, as Step Functions enforces it on AWS: a resumed wait
   * past its deadline with no decision fails with `States.Timeout`, which the ASL's Catch hands to
   * ApplyReleaseDecision. (A parked execution wakes only when resumed: by a decision, which the route refuses
   * once the deadline passed and resumes into the timeout, or by the control plane's start.)
   */
  private async awaitReleaseDecision(
    handler: (input: unknown) => Promise<unknown>,
    input: unknown,
    tracker: Tracker,
    abort: () => void,
  ): Promise<unknown> {
    const payload = ((input as { Payload?: unknown }).Payload ?? input) as { intentId: string };
    const output = (await handler(payload)) as { decided: unknown };
    if (output.decided) {
      await this.parkedWaits.leave(payload.intentId);
      return output;
    }
    const request = await pendingReleaseDecision(payload.intentId, this.deps);
    if (request && this.deps.clock.now().getTime() >= Date.parse(request.expiresAt)) {
      await this.parkedWaits.leave(payload.intentId);
      throw new DecisionTimeoutError(`nobody decided by ${request.expiresAt}`);
    }
    if (request) {
      await this.parkedWaits.park({
        intentId: payload.intentId,
        wait: 'release-decision',
        expiresAt: request.expiresAt,
      });
    }
    tracker.parked = true;
    abort();
    return { parked: true };
  }

  /**
   * A queued intent parks in process: it waits outside time until a stage frees a lane (Learn, RecordFailure),
   * then re-checks its admission. Sleeping on the virtual clock instead would run the clock on while the lane's
   * holder waits for a person, until leases expired and the queue overtook it. Its park still ends, as the Task's
   * timeout ends it on AWS, once time passes `retryAfterSeconds` (the first of its blockers' leases lapses): a
   * deadline, which moves no time itself. The stage still runs (it keeps the waiter's place beside its blockers'
   * and says whether one already left); the waiter joins before it runs, so a lane freed meanwhile is not missed.
   */
  private async awaitLane(
    handler: (input: unknown) => Promise<unknown>,
    input: unknown,
    suspension: Suspension,
  ): Promise<unknown> {
    const woken = new Promise<void>((resolve) => {
      this.laneWaiters.push(resolve);
    });
    const payload = ((input as { Payload?: unknown }).Payload ?? input) as {
      admission?: { retryAfterSeconds?: number };
    };
    const output = (await handler(payload)) as { clear: boolean };
    if (output.clear) return output;
    const seconds = payload.admission?.retryAfterSeconds ?? 1;
    let timedOut = false;
    let endPark = () => {};
    const expired = new Promise<void>((resolve) => {
      endPark = this.options.scheduler.deadline(
        new Date(this.deps.clock.now().getTime() + seconds * 1000),
        () => {
          timedOut = true;
          resolve();
        },
      );
    });
    this.laneParks++;
    try {
      await this.options.scheduler.waitOutside(Promise.race([woken, expired, suspension.start()]));
    } finally {
      this.laneParks--;
      endPark();
      suspension.end();
    }
    if (suspension.ended()) return { parked: true };
    if (timedOut) throw new ParkTimeoutError(`the lane park ended after ${seconds} s`);
    return output;
  }

  /**
   * A scheduled intent parks on the clock until its due instant, as its Task's timeout ends it on AWS
   * (`States.Timeout`, which the ASL's Catch hands to AdmitPolicy); a stop ends the park at once (`wakeDue`) and
   * takes it off the clock, so time does not move to the due instant for a change nobody will release.
   */
  private async awaitDue(
    handler: (input: unknown) => Promise<unknown>,
    input: unknown,
    suspension: Suspension,
  ): Promise<unknown> {
    const payload = ((input as { Payload?: unknown }).Payload ?? input) as {
      intentId: string;
      admission?: { dueAt?: string };
    };
    const woken = new AbortController();
    this.dueParks.set(payload.intentId, () => woken.abort());
    try {
      const output = (await handler(payload)) as { stopped: boolean };
      if (output.stopped) return output;
      const dueAt = Date.parse(payload.admission?.dueAt ?? '');
      const ms = Number.isNaN(dueAt) ? 0 : dueAt - this.deps.clock.now().getTime();
      await this.options.scheduler.sleep(ms, AbortSignal.any([woken.signal, abortedBy(suspension.start())]));
      if (suspension.ended()) return { parked: true };
      if (woken.signal.aborted) return { stopped: true };
      throw new ParkTimeoutError(`due at ${payload.admission?.dueAt}`);
    } finally {
      this.dueParks.delete(payload.intentId);
      suspension.end();
    }
  }

  /**
   * A fail-fast gate waiting for check results parks in process, outside time, as a queued intent does: CI is not
   * on the virtual clock, and sleeping on it would run the clock to the deadline at once on a quiet stack. A
   * report of a check it waits for, or a stop, ends the park (`wakeChecks`); so does time passing its deadline
   * (moved by other work, or the wall clock), as the Task's timeout ends it on AWS (`States.Timeout`, which the
   * ASL's Catch hands to Verify). The park's entry is made before the stage runs, so a wake meanwhile is not lost.
   */
  private async awaitChecks(
    handler: (input: unknown) => Promise<unknown>,
    input: unknown,
    suspension: Suspension,
  ): Promise<unknown> {
    const payload = ((input as { Payload?: unknown }).Payload ?? input) as {
      taskToken: string;
      awaiting?: { deadline?: string };
    };
    let wake = () => {};
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.checkParks.set(payload.taskToken, wake);
    let endPark = () => {};
    try {
      const output = (await handler(payload)) as { woken: boolean };
      if (output.woken) return output;
      const deadline = Date.parse(payload.awaiting?.deadline ?? '');
      let timedOut = false;
      const expired = new Promise<void>((resolve) => {
        endPark = this.options.scheduler.deadline(
          new Date(Number.isNaN(deadline) ? this.deps.clock.now().getTime() : deadline),
          () => {
            timedOut = true;
            resolve();
          },
        );
      });
      await this.options.scheduler.waitOutside(Promise.race([woken, expired, suspension.start()]));
      if (suspension.ended()) return { parked: true };
      if (timedOut) throw new ParkTimeoutError(`no check result by ${payload.awaiting?.deadline}`);
      return { woken: true };
    } finally {
      endPark();
      this.checkParks.delete(payload.taskToken);
      suspension.end();
    }
  }

  /**
   * How a park of this execution ends when the process stops (`suspendParks`): `start` answers a promise that
   * settles then (at once if the process is already stopping), and the execution ends there as a crash would.
   */
  private suspension(tracker: Tracker, abort: () => void): Suspension {
    let suspend = () => {};
    let ended = false;
    return {
      start: () =>
        new Promise<void>((resolve) => {
          suspend = () => {
            ended = true;
            if (tracker.intentId) this.left.add(tracker.intentId);
            tracker.parked = true;
            tracker.suspended = true;
            abort();
            resolve();
          };
          this.suspendable.add(suspend);
          if (this.suspended) suspend();
        }),
      end: () => {
        this.suspendable.delete(suspend);
      },
      ended: () => ended,
    };
  }

  private async pollForReview(intentId: string): Promise<Awaited<ReturnType<typeof readReview>>> {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, this.options.reviewPollMs ?? 200));
      // A stop ends the wait as a review would (the Catch takes it to Learn).
      await honourStop(intentId, 'AwaitReview', this.deps);
      const decided = await readReview(intentId, this.deps);
      if (decided) return decided;
    }
  }

  /** Tells `itv review` in another process that this one resumes the execution itself. */
  private async markWaiter(intentId: string): Promise<void> {
    const key = stateKeys.reviewRequest(intentId);
    const request = await this.deps.state.get<ReviewRequest>(key.pk, key.sk);
    if (request) await this.deps.state.put(key.pk, key.sk, { ...request.data, waiter: process.pid });
  }

  /**
   * The runner retries with no delay (its intervals are overridden); the wait happens here instead, on the
   * scheduler, as Step Functions computes it: IntervalSeconds × BackoffRate^(attempt − 1), capped by
   * MaxDelaySeconds, for as many attempts as the matching retrier allows. So a retry that waits for a
   * deployment to end (RestoreMonitors) sees virtual time pass.
   */
  private async waitBeforeRetry(state: string, error: unknown, failures: Map<string, number>): Promise<void> {
    const name = error instanceof Error ? error.name : '';
    const retrier = this.states[state]?.Retry?.find(
      (r) => r.ErrorEquals.includes(name) || r.ErrorEquals.includes('States.ALL'),
    );
    if (!retrier) return;
    const attempt = (failures.get(state) ?? 0) + 1;
    failures.set(state, attempt);
    if (attempt > (retrier.MaxAttempts ?? 3)) return;
    const seconds = Math.min(
      (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** (attempt - 1),
      retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
    );
    // A stop cuts the wait short: the runner retries at once, and the retry finds the process stopping.
    if (seconds > 0) await this.sleepUnlessStopping(seconds * 1000);
  }

  /** For each Task, the Wait states that lead straight to it. */
  private waitsBefore(): Record<string, AslState[]> {
    const result: Record<string, AslState[]> = {};
    for (const state of Object.values(this.states)) {
      if (state.Type !== 'Wait' || !state.Next) continue;
      result[state.Next] = [...(result[state.Next] ?? []), state];
    }
    return result;
  }

  /**
   * Notes that the execution entered a Task state with this input. A Task whose input the ASL builds with
   * Parameters sees only what they select, not the state: the note stays at the Task before it, which a
   * resumption then runs again.
   */
  private async journal(state: string, input: unknown, intentId: string | undefined): Promise<boolean> {
    const journal = this.options.journal;
    if (!journal || !intentId || this.states[state]?.Parameters !== undefined) return false;
    await journal.save({
      intentId,
      state,
      input: input as Record<string, unknown>,
      at: this.deps.clock.now().toISOString(),
    });
    return true;
  }

  /** Waits a Wait state's duration on the scheduler when the input shows the Wait ran (its path resolves). */
  private async waitFor(wait: AslState, input: unknown): Promise<void> {
    const ms = waitMilliseconds(wait, input, this.deps.clock.now());
    if (ms > 0) await this.sleepUnlessStopping(ms);
  }

  /**
   * Sleeps on the scheduler unless the process stops first (`suspendParks`). Each sleep has a signal of its own:
   * one shared by every sleep would gather a listener per sleep for the life of the process.
   */
  private async sleepUnlessStopping(ms: number): Promise<void> {
    if (this.suspended) return;
    const cut = new AbortController();
    const stop = () => cut.abort();
    this.stoppableSleeps.add(stop);
    try {
      await this.options.scheduler.sleep(ms, cut.signal);
    } finally {
      this.stoppableSleeps.delete(stop);
    }
  }
}

/** A park's way out when the process stops: see `LocalPipeline.suspension`. */
interface Suspension {
  start(): Promise<void>;
  end(): void;
  ended(): boolean;
}

/** A signal aborted when `settled` settles. */
function abortedBy(settled: Promise<void>): AbortSignal {
  const controller = new AbortController();
  void settled.then(() => controller.abort());
  return controller.signal;
}

/** A park whose time ran out, as Step Functions fails a Task past its timeout: the ASL's Catch matches the name. */
class ParkTimeoutError extends Error {
  override readonly name = 'States.Timeout';
}

/**
 * Counts the states an execution enters from its event log, which the runner fills whether or not it is read.
 * The count is read when the execution ends: one turn of the event loop lets the log deliver its last events.
 */
function countTransitions(events: AsyncGenerator<{ type: string }>): () => Promise<number> {
  let entered = 0;
  void (async () => {
    for await (const event of events) if (event.type === 'StateEntered') entered++;
  })();
  return async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return entered;
  };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.name}: ${cause.message}` : error.message;
  }
  return String(error);
}

/** The review the state AdmitPolicy ran on carries (`ProgressEvent.review`): set once a reviewer decided. */
function reviewBefore(name: string, input: unknown): Pick<ProgressEvent, 'review'> {
  if (name !== 'AdmitPolicy') return {};
  const state = ((input as { Payload?: unknown } | undefined)?.Payload ?? input) as PipelineState | undefined;
  const review = state?.review;
  return review ? { review: { decision: review.decision, reviewer: review.reviewer } } : {};
}
