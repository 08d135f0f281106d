import { namedLocally } from '../../cli/runtime/local-caller.js';
import type { IntentInput } from '../../lambdas/core/intent.js';
import { ledgerPayloads } from '../../lambdas/core/ledger/entry-payloads.js';
import { intentStatus } from '../../lambdas/core/pipeline/status.js';
import type { StoredEntry } from '../../lambdas/ports/ledger-store.js';
import {
  approvedAndStarted,
  awaitingReview,
  type HeldClockPipeline,
  heldClockPipeline,
} from '../support/held-clock-pipeline.js';
import { intentsBudgetMs } from '../support/time-budget.js';

/**
 * Emergency preemption through the real ASL on the local runtime: a routine tier-3 change to patient-records
 * (30 minutes of rollout, 30 of bake) is baking when a fix to the same service arrives. The test holds the
 * virtual clock still while it acts (it joins the scheduler as one more execution), so the fix arrives exactly
 * 40 minutes into the routine release, whatever the machine's speed.
 */
describe('an emergency on a lane that is releasing', () => {
  const start = new Date('2026-11-04T15:00:00.000Z');
  let h: HeldClockPipeline;

  beforeEach(async () => {
    h = await heldClockPipeline(start, 'itv-preempt-');
  });
  afterEach(() => h.close());

  /** The sample tier-3 change to patient-records, declared now, edited by `edit`. */
  const patientRecordsChange = (edit?: (intent: IntentInput) => void) =>
    h.example('04-high-risk-review.json', edit);

  const minutesAfterStart = (iso: string) => (Date.parse(iso) - start.getTime()) / 60_000;

  test(
    'an authorized emergency releases without waiting for the routine bake, and the routine releases right after it',
    async () => {
      // Prepare: the routine release, approved, 40 minutes in (baking since minute 30).
      const holdClock = h.scheduler.join();
      const routineIntent = patientRecordsChange();
      const routineRun = h.pipeline.start({ intent: routineIntent, caller: namedLocally('victor', 'test') });
      const routine = await awaitingReview(h, routineIntent.title);
      await approvedAndStarted(h, routine);
      await h.scheduler.sleep(40 * 60_000);

      // Act: victor, the owning team's engineering manager, sends a fix under an emergency override.
      const fixIntent = patientRecordsChange((i) => {
        i.title = 'Cut break-glass sessions to 15 minutes now';
        i.change.payload!.breakGlassMaxMinutes = 15;
        i.authority.emergencyOverride = true;
      });
      const fixRun = h.pipeline.start({ intent: fixIntent, caller: namedLocally('victor', 'test') });
      const fix = await awaitingReview(h, fixIntent.title);
      await approvedAndStarted(h, fix);
      holdClock();
      const [routineReport, fixReport] = await Promise.all([routineRun, fixRun]);

      // Assess: both released, the fix first.
      expect([routineReport.status, fixReport.status]).toEqual(['succeeded', 'succeeded']);
      expect(intentStatus(routine, await h.entries(routine))?.status).toBe('released');
      expect(intentStatus(fix, await h.entries(fix))?.status).toBe('released');
      const fixEntries = await h.entries(fix);
      const routineEntries = await h.entries(routine);
      const at = (list: StoredEntry[], type: string) => list.filter((s) => s.entry.type === type);

      // The fix was admitted and started at minute 40, not after the routine's bake would end (minute 60).
      const fixAdmitted = at(fixEntries, 'admission.admitted');
      expect(at(fixEntries, 'admission.queued')).toEqual([]);
      expect(minutesAfterStart(at(fixEntries, 'release.started')[0]!.entry.timestamp)).toBeLessThan(41);

      // The routine's first deployment was stopped for the fix, with the cost on its own ledger and a link.
      const [firstStart, secondStart] = at(routineEntries, 'release.started').map((s) => s.entry);
      expect(secondStart).toBeDefined();
      const preempted = at(routineEntries, 'release.preempted').map((s) => s.entry.payload);
      expect(preempted).toEqual([
        expect.objectContaining({
          deploymentId: firstStart!.payload.deploymentId,
          preemptedBy: fix,
          requester: 'victor',
          action: 'rolled-back',
          requeued: 'head-of-lane',
        }),
      ]);
      const cost = preempted[0] as {
        predictedTimeToValueChangeSeconds: number;
        costOfDelayUsd: number;
        valuePerHourUsd: number;
      };
      // The fix's hour plus the 40 minutes the routine redoes.
      expect(cost.predictedTimeToValueChangeSeconds).toBe(100 * 60);
      expect(cost.costOfDelayUsd).toBeCloseTo((cost.valuePerHourUsd * 100) / 60, 2);
      expect(cost.costOfDelayUsd).toBeGreaterThan(0);
      expect(at(routineEntries, 'intent.concluded')[0]!.entry.payload.outcome).toBe('released');

      // The fix's admission names the same intent, deployment and cost.
      const admission = ledgerPayloads['admission.admitted'].parse(fixAdmitted[0]!.entry.payload);
      expect(admission.nonInterference.preemption).toEqual({
        action: 'preempted',
        intentId: routine,
        deploymentId: firstStart!.payload.deploymentId,
        endedFirst: false,
        predictedTimeToValueChangeSeconds: cost.predictedTimeToValueChangeSeconds,
        costOfDelayUsd: cost.costOfDelayUsd,
      });
      expect(admission.nonInterference.overrideCost).toMatchObject({
        preempted: [routine],
        delayedIntents: 1,
      });
      expect(admission.inFlightChecked).toEqual([
        expect.objectContaining({
          intentId: routine,
          preempted: true,
          predictedTimeToValueChangeSeconds: cost.predictedTimeToValueChangeSeconds,
        }),
      ]);

      // The routine went back to the lane, not to a conclusion, and started again once the fix completed.
      const fixCompleted = at(fixEntries, 'release.deployment-completed')[0]!.entry.timestamp;
      expect(Date.parse(secondStart!.timestamp)).toBeGreaterThanOrEqual(Date.parse(fixCompleted));
      expect(secondStart!.payload.deploymentId).not.toBe(firstStart!.payload.deploymentId);
      expect(
        at(routineEntries, 'release.deployment-completed').map((s) => s.entry.payload.deploymentId),
      ).toEqual([secondStart!.payload.deploymentId]);
      // Its decision and review stood: one signed decision, one approval.
      expect(at(routineEntries, 'decision.signed')).toHaveLength(1);
      expect(at(routineEntries, 'review.approved')).toHaveLength(1);
    },
    intentsBudgetMs(4),
  );

  test(
    'a second emergency waits for the first, not for the release the first preempted: all three release, the fixes in turn',
    async () => {
      // Prepare: the routine release, approved, 40 minutes in; the first fix preempts it and starts.
      const holdClock = h.scheduler.join();
      const routineIntent = patientRecordsChange();
      const routineRun = h.pipeline.start({ intent: routineIntent, caller: namedLocally('victor', 'test') });
      const routine = await awaitingReview(h, routineIntent.title);
      await approvedAndStarted(h, routine);
      await h.scheduler.sleep(40 * 60_000);
      const fixIntent = patientRecordsChange((i) => {
        i.title = 'Cut break-glass sessions to 15 minutes now';
        i.change.payload!.breakGlassMaxMinutes = 15;
        i.authority.emergencyOverride = true;
      });
      const fixRun = h.pipeline.start({ intent: fixIntent, caller: namedLocally('victor', 'test') });
      const fix = await awaitingReview(h, fixIntent.title);
      await approvedAndStarted(h, fix);

      // Act: ten minutes into the first fix's release, a second fix arrives under an emergency override; the
      // clock runs on until the first fix has ended and the second waits for its reviewer.
      await h.scheduler.sleep(10 * 60_000);
      const secondIntent = patientRecordsChange((i) => {
        i.title = 'Cut break-glass sessions to 10 minutes now';
        i.change.payload!.breakGlassMaxMinutes = 10;
        i.authority.emergencyOverride = true;
      });
      const secondRun = h.pipeline.start({ intent: secondIntent, caller: namedLocally('victor', 'test') });
      await h.scheduler.sleep(2 * 3600_000);
      const second = await awaitingReview(h, secondIntent.title);
      await approvedAndStarted(h, second);
      holdClock();
      const reports = await Promise.all([routineRun, fixRun, secondRun]);

      // Assess: all three released.
      expect(reports.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      for (const intentId of [routine, fix, second])
        expect(intentStatus(intentId, await h.entries(intentId))?.status).toBe('released');
      const at = async (intentId: string, type: string) =>
        (await h.entries(intentId)).filter((s) => s.entry.type === type).map((s) => s.entry);

      // The second fix queued for the first (the lane's holder), not for the routine the first had preempted, and
      // stopped nothing: the routine was preempted once, by the first fix.
      const queued = (await at(second, 'admission.queued')).map((e) => e.payload);
      expect(queued).toEqual([expect.objectContaining({ waitingFor: [fix] })]);
      const admitted = ledgerPayloads['admission.admitted'].parse(
        (await at(second, 'admission.admitted'))[0]!.payload,
      );
      expect(admitted.nonInterference.preemption).toBeUndefined();
      expect((await at(routine, 'release.preempted')).map((e) => e.payload.preemptedBy)).toEqual([fix]);

      // In turn: the first fix, then the second, then the routine anew.
      const fixDone = (await at(fix, 'release.deployment-completed'))[0]!.timestamp;
      const [secondStart] = await at(second, 'release.started');
      const secondDone = (await at(second, 'release.deployment-completed'))[0]!.timestamp;
      const routineStarts = await at(routine, 'release.started');
      expect(routineStarts).toHaveLength(2);
      expect(Date.parse(secondStart!.timestamp)).toBeGreaterThanOrEqual(Date.parse(fixDone));
      expect(Date.parse(routineStarts[1]!.timestamp)).toBeGreaterThanOrEqual(Date.parse(secondDone));
    },
    intentsBudgetMs(5),
  );

  test(
    'an override claimed without the authority is refused and preempts nothing',
    async () => {
      // Prepare
      const holdClock = h.scheduler.join();
      const routineIntent = patientRecordsChange();
      const routineRun = h.pipeline.start({ intent: routineIntent, caller: namedLocally('victor', 'test') });
      const routine = await awaitingReview(h, routineIntent.title);
      await approvedAndStarted(h, routine);
      await h.scheduler.sleep(40 * 60_000);

      // Act: wendy, in the owning team but not a manager, claims an override.
      const claimIntent = patientRecordsChange((i) => {
        i.title = 'Cut break-glass sessions to 15 minutes, claimed as an emergency';
        i.change.payload!.breakGlassMaxMinutes = 15;
        i.authority = {
          ...i.authority,
          requester: 'wendy',
          role: 'clinical-informatics',
          emergencyOverride: true,
        };
      });
      const claimReport = await h.pipeline.start({
        intent: claimIntent,
        caller: namedLocally('wendy', 'test'),
      });
      holdClock();
      const routineReport = await routineRun;

      // Assess
      expect(claimReport.status).toBe('succeeded');
      const claimEntries = await h.entries(claimReport.intentId!);
      const rejected = claimEntries.find((s) => s.entry.type === 'admission.rejected')?.entry.payload as
        | { failed: Array<{ rule: string }> }
        | undefined;
      expect(rejected?.failed.map((f) => f.rule)).toContain('authority-emergency-override');
      expect(routineReport.status).toBe('succeeded');
      const routineEntries = await h.entries(routine);
      expect(routineEntries.filter((s) => s.entry.type === 'release.preempted')).toEqual([]);
      expect(routineEntries.filter((s) => s.entry.type === 'release.started')).toHaveLength(1);
      expect(intentStatus(routine, await h.entries(routine))?.status).toBe('released');
    },
    intentsBudgetMs(3),
  );
});
