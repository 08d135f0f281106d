import { describeStage } from '../../cli/progress.js';
import { namedLocally } from '../../cli/runtime/local-caller.js';
import {
  approvedAndStarted,
  awaitingReview,
  type HeldClockPipeline,
  heldClockPipeline,
} from '../support/held-clock-pipeline.js';
import { intentsBudgetMs } from '../support/time-budget.js';

/**
 * A change that waited for its reviewer of record gave up its lane; the approval takes it back through admission,
 * and on to its release. The progress lines of that run through the real ASL say what happened at each admission.
 */
describe("an approved change's progress", () => {
  let h: HeldClockPipeline;
  beforeEach(async () => {
    h = await heldClockPipeline(new Date('2026-11-04T15:00:00.000Z'), 'itv-readmission-');
  });
  afterEach(() => h.close());

  test(
    'its first admission says a reviewer of record is required; the one after the approval, that its release starts',
    async () => {
      // Prepare
      const holdClock = h.scheduler.join();
      const intent = h.example('04-high-risk-review.json');
      const run = h.pipeline.start({ intent, caller: namedLocally('victor', 'test') });
      const intentId = await awaitingReview(h, intent.title);

      // Act
      await approvedAndStarted(h, intentId);
      holdClock();
      const report = await run;

      // Assess
      expect(report.status).toBe('succeeded');
      const admissions = h.events
        .filter((e) => e.intentId === intentId && e.state === 'AdmitPolicy' && e.phase === 'exited')
        .map(describeStage);
      expect(admissions).toEqual([
        'admitted, risk tier 3, reviewer of record required',
        'admitted again after its review (approved by xavier), risk tier 3: its release starts',
      ]);
    },
    intentsBudgetMs(1),
  );
});
