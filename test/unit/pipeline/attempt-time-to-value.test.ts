import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import { submittedBy } from '../core/fixtures.js';
import { intentAt, pipelineHarness, runIntent } from './helpers/pipeline-harness.js';

/**
 * A change asked for once and released by its second attempt waited from the first request: its time to value
 * and cost of delay count from the first attempt's declaration, not from the attempt that released it.
 */
describe('time to value of a later attempt', () => {
  test('counts from the first attempt’s declaration, which intent.concluded names', async () => {
    // Prepare: the first attempt declared, then 40 minutes pass before the second runs
    const h = pipelineHarness();
    const intent = intentAt(h, (d) => {
      d.id = 'late-flag';
    });
    const first = await declareIntent({ intent, source: 'cli', caller: submittedBy(intent) }, h.deps);
    h.clock.advance(40 * 60_000);

    // Act: a retry runs the intent as it was declared
    const second = await runIntent(h, intent, {
      attempt: { intentId: 'late-flag', number: 2, previousIntentId: 'late-flag' },
    });

    // Assess
    expect(second.declared!.intentId).toBe('late-flag:attempt-2');
    expect(second.learning!.outcome).toBe('released');
    const concluded = (await h.ledger.forIntent('test', 'late-flag:attempt-2')).find(
      (stored) => stored.entry.type === 'intent.concluded',
    )!.entry.payload as { timeToValueSeconds: number; costOfDelayUsd: number; countedFrom: string };
    const released = Date.parse(second.release!.completedAt!);
    expect(concluded.countedFrom).toBe(first.declaredAt);
    expect(concluded.timeToValueSeconds).toBe((released - Date.parse(first.declaredAt)) / 1000);
    expect(concluded.timeToValueSeconds).toBeGreaterThan(40 * 60);
    const perHour = second.learning!.valuePerHourUsd;
    expect(concluded.costOfDelayUsd).toBeCloseTo((perHour * concluded.timeToValueSeconds) / 3600, 6);
  });

  test('a first attempt counts from its own declaration, as before', async () => {
    const h = pipelineHarness();
    const run = await runIntent(h, intentAt(h));
    const concluded = (await h.ledger.forIntent('test', run.declared!.intentId)).find(
      (stored) => stored.entry.type === 'intent.concluded',
    )!.entry.payload as { countedFrom: string };
    expect(concluded.countedFrom).toBe(run.declared!.declaredAt);
  });
});
