import { namedLocally } from '../../cli/runtime/local-caller.js';
import type { IntentInput } from '../../lambdas/core/intent.js';
import { recordReview } from '../../lambdas/core/pipeline/review.js';
import {
  approvedAndStarted,
  awaitingReview,
  type HeldClockPipeline,
  heldClockPipeline,
} from '../support/held-clock-pipeline.js';
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
  let h: HeldClockPipeline;

  beforeEach(async () => {
    h = await heldClockPipeline(start, 'itv-preempt-reviewed-');
  });
  afterEach(() => h.close());

  /** The sample tier-3 change to patient-records, declared now, edited by `edit`. */
  const patientRecordsChange = (edit?: (intent: IntentInput) => void) =>
    h.example('04-high-risk-review.json', edit);

  test(
    'is not admitted again and again on the deployment the emergency rolled back',
    async () => {
      // Prepare: the routine release, approved, 40 minutes in (baking since minute 30).
      // The test holds the clock until it has looked.
      const leave = h.scheduler.join();
      const routineIntent = patientRecordsChange();
      void h.pipeline.start({ intent: routineIntent, caller: namedLocally('victor', 'test') });
      const routine = await awaitingReview(h, routineIntent.title);
      await approvedAndStarted(h, routine);
      await h.scheduler.sleep(40 * 60_000);

      // Act: victor sends a fix under an emergency override; it waits for xavier ten minutes.
      const fixIntent = patientRecordsChange((i) => {
        i.title = 'Cut break-glass sessions to 15 minutes now';
        i.change.payload!.breakGlassMaxMinutes = 15;
        i.authority.emergencyOverride = true;
      });
      void h.pipeline.start({ intent: fixIntent, caller: namedLocally('victor', 'test') });
      const fix = await awaitingReview(h, fixIntent.title);
      await h.scheduler.sleep(10 * 60_000);
      const routineEntries = await h.entries(routine);
      const requested = (await h.entries(fix)).find((s) => s.entry.type === 'review.requested');

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
        h.stack.deps,
      );
      leave();
      for (const id of [fix, routine]) {
        while (
          !h.events.some((e) => e.intentId === id && e.state === 'SignCheckpoint' && e.phase === 'exited')
        ) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    },
    intentsBudgetMs(3),
  );
});
