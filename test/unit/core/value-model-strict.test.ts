import { checkCompleteness } from '../../../lambdas/core/completeness.js';
import { submittedIntentSchema } from '../../../lambdas/core/intent.js';
import { ledgerPayloads } from '../../../lambdas/core/ledger/entry-payloads.js';
import { concludedIntents } from '../../../lambdas/core/value-report.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';
import { catalog, rawIntent } from './fixtures.js';

/*
 * A value model field the schema does not know is refused at the door, naming its path: `currency: "EUR"` would
 * otherwise be dropped and the figures read as dollars, `employeCount` dropped and the per-employee figure lost.
 * What the ledger already holds still reads.
 */
function withValueModel(extra: Record<string, unknown>, growth?: Record<string, unknown>) {
  const draft = structuredClone(rawIntent()) as unknown as { goal: { valueModel: Record<string, unknown> } };
  Object.assign(draft.goal.valueModel, extra);
  if (growth) draft.goal.valueModel.growth = growth;
  return draft;
}

describe('the value model at the door', () => {
  test.each([
    [{ currency: 'EUR' }, undefined, 'goal.valueModel.currency'],
    [{ employeCount: 60 }, undefined, 'goal.valueModel.employeCount'],
    [{}, { model: 'continuous', rate: 0.1, flywheel: 0.2 }, 'goal.valueModel.growth.flywheel'],
  ])('refuses an unknown field %j %j naming %s', (extra, growth, path) => {
    // Act
    const result = checkCompleteness(withValueModel(extra, growth), catalog, 'salt');

    // Assess
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toEqual([{ path, message: expect.stringContaining(`${path} is not a field`) }]);
    }
  });

  test('the submitted intent’s JSON Schema (the API Gateway model, OpenAPI) has no room for other fields', () => {
    const parsed = submittedIntentSchema.safeParse(withValueModel({ currency: 'EUR' }));
    expect(parsed.success).toBe(false);
  });

  test('a declaration the ledger already holds with another value model field still reads', () => {
    const valueModel = { basis: 'savings', totalValueUsd: 87_600, years: 1, employeeCount: 4, note: 'x' };
    const declared = {
      entry: {
        seq: 0,
        intentId: 'a',
        type: 'intent.declared',
        timestamp: '2026-11-04T15:00:00Z',
        payload: { intent: { goal: { valueModel } } },
      },
      hash: 'h',
    } as unknown as StoredEntry;
    const concluded = {
      entry: {
        seq: 1,
        intentId: 'a',
        type: 'intent.concluded',
        timestamp: '2026-11-04T15:10:00Z',
        payload: { outcome: 'released', valuePerHourUsd: 10, costOfDelayUsd: 0 },
      },
      hash: 'h',
    } as unknown as StoredEntry;

    expect(concludedIntents([declared, concluded])[0]?.employeeCount).toBe(4);
    expect(ledgerPayloads['intent.declared'].shape.valueModel.safeParse(valueModel).success).toBe(true);
  });
});
