import { namedLocally } from '../../cli/runtime/local-caller.js';
import { IneligibleReviewerError, SeparationOfDutiesError } from '../../lambdas/core/errors.js';
import type { IntentInput } from '../../lambdas/core/intent.js';
import { ledgerPayloads } from '../../lambdas/core/ledger/entry-payloads.js';
import { recordReview } from '../../lambdas/core/pipeline/review.js';
import { intentStatus } from '../../lambdas/core/pipeline/status.js';
import { stateKeys } from '../../lambdas/core/state-keys.js';
import { type HeldClockPipeline, heldClockPipeline } from '../support/held-clock-pipeline.js';
import { intentsBudgetMs } from '../support/time-budget.js';

/**
 * The lone on-call owner's break-glass through the real ASL on the local runtime: on Christmas Eve, in the
 * year-end freeze, grace (SRE lead, incident-router's only owner) fixes an incident's paging threshold under an
 * emergency override that names the incident. No owner but her may review it; heidi, a release steward, does,
 * and it releases. The test holds the virtual clock still until the approval is in, so the review wait cannot
 * time out while it acts, whatever the machine's speed.
 */
describe("a lone owner's break-glass in a freeze", () => {
  const christmasEve = new Date('2026-12-24T12:00:00.000Z');
  let h: HeldClockPipeline;

  beforeEach(async () => {
    h = await heldClockPipeline(christmasEve, 'itv-steward-');
  });
  afterEach(() => h.close());

  /** The sample paging-threshold change, as grace's emergency fix of INC-5120, declared now. */
  const incidentFix = (): IntentInput =>
    h.example('07-incident-threshold.json', (intent) => {
      intent.title = 'Page on a 1% error rate now: INC-5120 paged nobody';
      intent.change.fixes = 'INC-5120';
      intent.authority = { requester: 'grace', team: 'sre', role: 'sre-lead', emergencyOverride: true };
    });

  /**
   * Waits (in wall time, the clock held still) until the execution waits for its reviewer; fails with what
   * Verify found if it ends first (nobody who may decide it, say).
   */
  async function awaitingReview(run: Promise<unknown>): Promise<string> {
    let ended = false;
    void run.finally(() => {
      ended = true;
    });
    for (;;) {
      for (const { intentId } of h.events.filter((e) => e.state === 'AwaitReview' && e.phase === 'entered')) {
        const key = stateKeys.reviewRequest(intentId!);
        if (await h.stack.deps.state.get(key.pk, key.sk)) return intentId!;
      }
      if (ended) {
        const intentId = h.events.find((e) => e.intentId)?.intentId;
        const failed = intentId
          ? (await h.entries(intentId)).find((s) => s.entry.type === 'verification.failed')?.entry.payload
          : undefined;
        throw new Error(`the execution ended without waiting for a review: ${JSON.stringify(failed)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test(
    'a release steward approves it as one, and it releases',
    async () => {
      // Prepare
      const holdClock = h.scheduler.join();
      const run = h.pipeline.start({ intent: incidentFix(), caller: namedLocally('grace', 'test') });
      const intentId = await awaitingReview(run);

      // Act: grace may not approve her own fix, ivan (SRE, no owner) is no reviewer of record; heidi approves.
      const own = recordReview(
        { intentId, decision: 'approved', reviewer: namedLocally('grace', 'test') },
        h.stack.deps,
      );
      await expect(own).rejects.toThrow(SeparationOfDutiesError);
      const teammate = recordReview(
        { intentId, decision: 'approved', reviewer: namedLocally('ivan', 'test') },
        h.stack.deps,
      );
      await expect(teammate).rejects.toThrow(IneligibleReviewerError);
      await recordReview(
        {
          intentId,
          decision: 'approved',
          reviewer: namedLocally('heidi', 'test'),
          reason: 'INC-5120: the threshold matches the runbook',
        },
        h.stack.deps,
      );
      holdClock();
      const report = await run;

      // Assess
      expect(report.status).toBe('succeeded');
      const list = await h.entries(intentId);
      const status = intentStatus(intentId, list);
      expect(status?.status).toBe('released');
      expect(status?.review).toMatchObject({
        decision: 'approved',
        reviewer: 'heidi',
        as: 'release-steward',
      });
      const payload = (type: keyof typeof ledgerPayloads) =>
        list.find((s) => s.entry.type === type)?.entry.payload;
      const admitted = ledgerPayloads['admission.admitted'].parse(payload('admission.admitted'));
      expect(admitted.exemptions).toEqual([
        expect.objectContaining({ rule: 'operational-freeze-window', by: 'grace', fixes: 'INC-5120' }),
      ]);
      const verified = ledgerPayloads['verification.passed'].parse(payload('verification.passed'));
      expect(verified.results).toContainEqual({
        check: 'reviewer-of-record-assigned',
        passed: true,
        detail: 'heidi (release steward, for this break-glass) will decide (review pending)',
      });
      expect(payload('review.requested')).toMatchObject({ requester: 'grace', reviewers: ['heidi'] });
      expect(payload('review.approved')).toMatchObject({ reviewer: 'heidi', as: 'release-steward' });
      expect(list.map((s) => s.entry.type)).toContain('release.deployment-completed');
    },
    intentsBudgetMs(1),
  );
});
