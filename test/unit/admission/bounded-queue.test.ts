import { queueRetry } from '../../../lambdas/core/admission/non-interference.js';
import { learn } from '../../../lambdas/core/pipeline/learn.js';
import { pipelineHarness } from '../pipeline/helpers/pipeline-harness.js';
import { admit, changes, declared } from './harness.js';

/**
 * Execution history a queued intent adds per re-check on Step Functions: WaitForLane (entered, exited),
 * AdmitPolicy (entered, scheduled, started, succeeded, exited) and AdmissionOutcome (entered, exited).
 */
const eventsPerRecheck = 9;
const sevenDays = 7 * 24 * 3600 * 1000;

describe('an intent queued behind a 7-day review', () => {
  test('writes one ledger entry when it queues and one when admitted, and re-checks a bounded number of times', async () => {
    // Prepare: a launch-flags change holds the lane and waits (its review takes the whole week);
    // incident-router is in its blast radius.
    const h = pipelineHarness();
    const holder = await admit(h, await declared(h));
    let queued = await admit(h, await declared(h, changes.incidentRouter));
    const queuedId = queued.declared!.intentId;
    const start = h.clock.now().getTime();

    // Act: re-check whenever admission asks to, as WaitForLane does, for seven days.
    let rechecks = 0;
    while (h.clock.now().getTime() - start < sevenDays) {
      expect(queued.admission?.verdict).toBe('queued');
      h.clock.advance(queued.admission!.retryAfterSeconds * 1000);
      queued = await admit(h, queued);
      rechecks++;
    }
    const whileWaiting = await h.deps.ledger.forIntent(h.deps.ledgerName, queuedId);
    await learn(holder, h.deps);
    queued = await admit(h, queued);
    const afterAdmission = await h.deps.ledger.forIntent(h.deps.ledgerName, queuedId);

    // Assess
    const admissions = (entries: typeof whileWaiting) =>
      entries.map((s) => s.entry.type).filter((type) => type.startsWith('admission.'));
    expect(admissions(whileWaiting)).toEqual(['admission.queued']);
    expect(queued.admission?.verdict).toBe('admitted');
    expect(admissions(afterAdmission)).toEqual(['admission.queued', 'admission.admitted']);
    // Re-checks back off to one per queueRetry.overdueMaxSeconds once the holder is overdue.
    const bound = Math.ceil(sevenDays / 1000 / queueRetry.overdueMaxSeconds) + 12;
    expect(rechecks).toBeLessThanOrEqual(bound);
    expect(rechecks * eventsPerRecheck).toBeLessThan(5000);
    console.log(
      `7-day wait: ${rechecks} re-checks, about ${rechecks * eventsPerRecheck} execution events, ${admissions(afterAdmission).length} admission entries`,
    );
  });
});
