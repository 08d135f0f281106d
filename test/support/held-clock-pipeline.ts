import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIntentFile } from '../../cli/commands/read-intent-file.js';
import { DiscreteEventScheduler } from '../../cli/runtime/event-scheduler.js';
import { namedLocally } from '../../cli/runtime/local-caller.js';
import { LocalPipeline, type ProgressEvent } from '../../cli/runtime/local-pipeline.js';
import { examplesDir, pipelineDefinition } from '../../cli/session.js';
import type { IntentInput } from '../../lambdas/core/intent.js';
import { recordReview } from '../../lambdas/core/pipeline/review.js';
import { stateKeys } from '../../lambdas/core/state-keys.js';
import type { StoredEntry } from '../../lambdas/ports/ledger-store.js';
import { type LocalStack, openLocalStack } from '../../lambdas/wiring/local/local-stack.js';

/**
 * The real ASL on an in-memory local stack, its executions waiting in process for their reviewers, with a
 * discrete-event scheduler a test joins to hold the virtual clock still while it acts, and every progress event
 * kept: what the tests of emergencies and reviews on the local runtime drive.
 */
export interface HeldClockPipeline {
  readonly stack: LocalStack;
  readonly pipeline: LocalPipeline;
  readonly scheduler: DiscreteEventScheduler;
  readonly events: ProgressEvent[];
  entries(intentId: string): Promise<StoredEntry[]>;
  /** The example intent `file` (in examples/), declared now, edited by `edit`. */
  example(file: string, edit?: (intent: IntentInput) => void): IntentInput;
  close(): Promise<void>;
}

export async function heldClockPipeline(start: Date, homePrefix: string): Promise<HeldClockPipeline> {
  const home = mkdtempSync(join(tmpdir(), homePrefix));
  const stack = await openLocalStack({ home, inMemory: true, clockStart: start });
  const scheduler = new DiscreteEventScheduler(stack.clock);
  const events: ProgressEvent[] = [];
  const pipeline = new LocalPipeline(pipelineDefinition(), stack.deps, {
    scheduler,
    waitForReview: true,
    reviewPollMs: 10,
    onProgress: (event) => events.push(event),
  });
  return {
    stack,
    pipeline,
    scheduler,
    events,
    entries: (intentId) => stack.deps.ledger.forIntent(stack.deps.ledgerName, intentId),
    example(file, edit = () => {}) {
      const intent = readIntentFile(join(examplesDir, file)) as IntentInput;
      intent.timestamp = stack.clock.now().toISOString();
      edit(intent);
      return intent;
    },
    async close() {
      await stack.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Waits (in wall time, the clock held still) until the execution of the intent titled `title` waits for its reviewer. */
export async function awaitingReview(h: HeldClockPipeline, title: string): Promise<string> {
  for (;;) {
    for (const { intentId } of h.events.filter((e) => e.state === 'AwaitReview' && e.phase === 'entered')) {
      const declared = (await h.entries(intentId!)).find((s) => s.entry.type === 'intent.declared');
      const key = stateKeys.reviewRequest(intentId!);
      const titled = (declared?.entry.payload.intent as { title?: string })?.title === title;
      if (titled && (await h.stack.deps.state.get(key.pk, key.sk))) return intentId!;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Approves as xavier, HIPAA's reviewer of record, and waits (in wall time) until the execution has its deployment:
 * a test must not let time pass while the execution still waits for its reviewer.
 */
export async function approvedAndStarted(h: HeldClockPipeline, intentId: string): Promise<void> {
  await recordReview(
    { intentId, decision: 'approved', reviewer: namedLocally('xavier', 'test'), reason: 'reviewed' },
    h.stack.deps,
  );
  while (
    !h.events.some((e) => e.intentId === intentId && e.state === 'StartRelease' && e.phase === 'exited')
  ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
