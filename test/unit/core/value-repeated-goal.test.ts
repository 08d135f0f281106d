import { valueReportDocument } from '../../../cli/console/views/value-document.js';
import { valueView } from '../../../cli/console/views/value-view.js';
import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { concludedIntents, valueTotals } from '../../../lambdas/core/value-report.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';

/*
 * A business case's value is realised once: five changes toward "Cut time-to-fill by 20%" do not cut it by 20 %
 * five times. The first change released toward a goal in the window carries its value per hour; the others count
 * as released changes that add none, and the report names the goal they repeat.
 */
const valueModel = { basis: 'productivity-gain', totalValueUsd: 240_000, years: 1, employeeCount: 60 };
let seq = 0;
const entry = (intentId: string, type: string, minute: number, payload: unknown): StoredEntry =>
  ({
    entry: {
      seq: seq++,
      intentId,
      type,
      timestamp: new Date(Date.parse('2026-11-04T15:00:00Z') + minute * 60_000).toISOString(),
      payload,
    },
    hash: 'h',
  }) as unknown as StoredEntry;

function change(id: string, minute: number, outcome: string, service: string): StoredEntry[] {
  return [
    entry(id, 'intent.declared', minute, {
      intent: { goal: { outcome, metric: 'days_to_fill', valueModel }, change: { service } },
    }),
    entry(id, 'intent.concluded', minute + 5, {
      outcome: 'released',
      service,
      valuePerHourUsd: 240_000 / 8760,
      costOfDelayUsd: 1,
      timeToValueSeconds: 300,
    }),
  ];
}

describe('changes toward one goal', () => {
  const intents = () =>
    concludedIntents([
      ...change('h1', 0, 'Cut time-to-fill by 20%', 'hiring-flags'),
      ...change('h2', 10, 'Cut time-to-fill by 20%', 'hiring-flags'),
      ...change('h3', 20, 'Cut time-to-fill by 20%', 'careers-site'),
      ...change('other', 30, 'Close the books a day sooner', 'ledger-close'),
    ]);

  test('count the goal’s value once: the first released change toward it carries it', () => {
    // Act
    const answer = valueAnswer(intents(), { by: 'service' });
    const totals = valueTotals(answer.groups);

    // Assess: two goals, $27.40/h each, not four changes' worth
    expect(totals.released).toBe(4);
    expect(totals.valuePerHourUsd).toBeCloseTo((2 * 240_000) / 8760, 10);
    expect(totals.valuePerHourPerEmployeeUsd).toBeCloseTo((2 * 240_000) / 8760 / 60, 10);
    expect(totals.repeatedGoalReleases).toBe(2);
    const careers = answer.groups.find((g) => g.key.service === 'careers-site');
    expect(careers).toMatchObject({ released: 1, valuePerHourUsd: 0, repeatedGoalReleases: 1 });
  });

  test('name each goal changes repeated, and which change carries its value', () => {
    expect(valueAnswer(intents(), {}).repeatedGoals).toEqual([
      { outcome: 'Cut time-to-fill by 20%', metric: 'days_to_fill', released: 3, countedIntentId: 'h1' },
    ]);
    const markup = valueView(valueReportDocument(valueAnswer(intents(), {}), 'virtual')).text;
    expect(markup).toContain('3 released changes went toward the goal');
  });
});
