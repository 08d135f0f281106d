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
import { intentsBudgetMs } from '../support/time-budget.js';

/**
 * An emergency fix that needs a reviewer of record preempts the routine release at its first admission, then waits
 * for xavier. Were it to give its lane up for the review, as other changes do, the preempted routine would wake and
 * be admitted again, and StartRelease would "start" it on the deployment the emergency rolled back (a releaser
 * answers a start of the same intent, configuration version and profile with the deployment the lane last held), so
 * CheckRelease would find it preempted again and requeue it: `admission.admitted` once a poll, for as long as the
 * review takes. An authorized emergency keeps its lane through its review, and a start after a preemption names the
 * stopped deployment as superseded, so it is never taken up again. (`emergency-preemption.test.ts` approves before
 * the routine's rollback is noticed.)
 */
describe('a release preempted by an emergency that then waits for its reviewer', () => {
  const start = new Date('2026-11-04T15:00:00.000Z');
  let home: string;
  let stack: LocalStack;
  let pipeline: LocalPipeline;
  let scheduler: DiscreteEventScheduler;
  const events: ProgressEvent[] = [];

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-preempt-reviewed-'));
    stack = await openLocalStack({ home, inMemory: true, clockStart: start });
    scheduler = new DiscreteEventScheduler(stack.clock);
    events.length = 0;
    pipeline = new LocalPipeline(pipelineDefinition(), stack.deps, {
      scheduler,
      waitForReview: true,
      reviewPollMs: 10,
      onProgress: (event) => events.push(event),
    });
  });
  afterEach(async () => {
    await stack.close();
    rmSync(home, { recursive: true, force: true });
  });

  const entries = (intentId: string): Promise<StoredEntry[]> =>
    stack.deps.ledger.forIntent(stack.deps.ledgerName, intentId);

  /** The sample tier-3 change to patient-records, declared now, edited by `edit`. */
  function patientRecordsChange(edit: (intent: IntentInput) => void = () => {}): IntentInput {
    const intent = readIntentFile(join(examplesDir, '04-high-risk-review.json')) as IntentInput;
    intent.timestamp = stack.clock.now().toISOString();
    edit(intent);
    return intent;
  }

  /** Waits (in wall time, the clock held still) until `title`'s execution waits for its reviewer. */
  async function awaitingReview(title: string): Promise<string> {
    for (;;) {
      const waiting = events.filter((e) => e.state === 'AwaitReview' && e.phase === 'entered');
      for (const { intentId } of waiting) {
        const declared = (await entries(intentId!)).find((s) => s.entry.type === 'intent.declared');
        const key = stateKeys.reviewRequest(intentId!);
        const titled = (declared?.entry.payload.intent as { title?: string })?.title === title;
        if (titled && (await stack.deps.state.get(key.pk, key.sk))) return intentId!;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Approves as xavier, HIPAA's reviewer of record, and waits (in wall time) until the execution has its
   * deployment: the test must not let time pass while the execution still waits for its reviewer.
   */
  async function approve(intentId: string): Promise<void> {
    await recordReview(
      { intentId, decision: 'approved', reviewer: namedLocally('xavier', 'test'), reason: 'reviewed' },
      stack.deps,
    );
    while (
      !events.some((e) => e.intentId === intentId && e.state === 'StartRelease' && e.phase === 'exited')
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test(
    'is not admitted again and again on the deployment the emergency rolled back',
    async () => {
      // Prepare: the routine release, approved, 40 minutes in (baking since minute 30).
      // The test holds the clock until it has looked.
      const leave = scheduler.join();
      const routineIntent = patientRecordsChange();
      void pipeline.start({ intent: routineIntent, caller: namedLocally('victor', 'test') });
      const routine = await awaitingReview(routineIntent.title);
      await approve(routine);
      await scheduler.sleep(40 * 60_000);

      // Act: victor sends a fix under an emergency override; it waits for xavier ten minutes.
      const fixIntent = patientRecordsChange((i) => {
        i.title = 'Cut break-glass sessions to 15 minutes now';
        i.change.payload!.breakGlassMaxMinutes = 15;
        i.authority.emergencyOverride = true;
      });
      void pipeline.start({ intent: fixIntent, caller: namedLocally('victor', 'test') });
      const fix = await awaitingReview(fixIntent.title);
      await scheduler.sleep(10 * 60_000);
      const routineEntries = await entries(routine);
      const requested = (await entries(fix)).find((s) => s.entry.type === 'review.requested');

      // Assess: the preempted deployment is never started again, and the routine is not re-admitted every poll.
      const at = (type: string) =>
        routineEntries.filter((s) => s.entry.type === type).map((s) => s.entry.payload);
      const preempted = at('release.preempted').map((p) => (p as { deploymentId: string }).deploymentId);
      const started = at('release.started').map((p) => (p as { deploymentId: string }).deploymentId);
      expect(preempted).toHaveLength(1);
      expect(started.filter((id) => id === preempted[0])).toHaveLength(1);
      expect(at('admission.admitted').length).toBeLessThanOrEqual(3);
      // The emergency kept its lane while it waited: the routine stayed queued at the head of it.
      expect(requested?.entry.payload).not.toHaveProperty('laneReleased');
      expect(routineEntries.at(-1)?.entry.type).toBe('admission.queued');

      // Clean up: a rejection ends the fix's review wait (which polls in wall time), and with the clock let go the
      // routine, admitted again once the fix has left, releases and is sealed before the stack closes.
      await recordReview(
        {
          intentId: fix,
          decision: 'rejected',
          reviewer: namedLocally('xavier', 'test'),
          reason: 'test over',
        },
        stack.deps,
      );
      leave();
      for (const id of [fix, routine]) {
        while (
          !events.some((e) => e.intentId === id && e.state === 'SignCheckpoint' && e.phase === 'exited')
        ) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    },
    intentsBudgetMs(3),
  );
});
