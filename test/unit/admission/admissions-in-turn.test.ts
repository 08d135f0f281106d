import { pipelineHarness } from '../pipeline/helpers/pipeline-harness.js';
import { admit, changes, declared, lastAdmissionEntry } from './harness.js';

/**
 * Admissions in one process take the sequencer in turn: racing each other for it would only lose rounds (each a
 * read of the sequencer and the INFLIGHT partition, a place written and put back) that the process could have
 * ordered itself. Admissions in other processes still race through the conditional commit
 * (crashed-admission.test.ts, test/integration/admission/concurrent-admissions.test.ts).
 */
describe('admissions in one process', () => {
  test('three started together each commit in their first round, in the order they arrived', async () => {
    // Prepare: two of one lane (the second queues behind the first) and one disjoint from both.
    const h = pipelineHarness();
    const states = [
      await declared(h, changes.incidentRouter),
      await declared(h, changes.incidentRouter, (d) => Object.assign(d, { title: 'Page sooner' })),
      await declared(h, changes.procurement),
    ];
    // Act
    const admitted = await Promise.all(states.map((state) => admit(h, state)));
    // Assess
    const entries = await Promise.all(admitted.map((state) => lastAdmissionEntry(h, state)));
    const rounds = entries.map((entry) => (entry.nonInterference as { settleRounds: number }).settleRounds);
    expect(rounds).toEqual([1, 1, 1]);
    expect(admitted.map((state) => state.admission?.verdict)).toEqual(['admitted', 'queued', 'admitted']);
  });
});
