import { readFileSync } from 'node:fs';
import { loadCatalog } from '../../../catalog/index.js';
import { demoStartInstant } from '../../../cli/demo-clock.js';
import { intentSchema } from '../../../lambdas/core/intent.js';

const example = (name: string) =>
  intentSchema.parse(JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')));

describe('demoStartInstant', () => {
  const catalog = loadCatalog();
  const intents = [example('01-low-risk-flag.json'), example('04-high-risk-review.json')];

  test('keeps now when no operational rule blocks the sample intents', () => {
    const tuesday = new Date('2026-11-03T15:00:00Z');
    expect(demoStartInstant(tuesday, intents, catalog)).toEqual(tuesday);
  });

  test('moves past the clinical weekend freeze of patient-records to the next unblocked hour', () => {
    const saturday = new Date('2026-11-07T12:30:00Z');
    const start = demoStartInstant(saturday, intents, catalog);
    expect(start.getTime()).toBeGreaterThan(saturday.getTime());
    expect(start.getUTCMinutes()).toBe(0);
    expect([1, 2, 3, 4, 5]).toContain(start.getUTCDay());
  });

  test('a start the freeze opens within the demo’s span is passed over: the whole run stays clear', () => {
    // Prepare: patient-records' clinical-weekend freeze opens at midnight on Saturday, 06:00 UTC.
    const beforeFreeze = new Date('2026-12-05T04:00:00Z');

    // Act
    const start = demoStartInstant(beforeFreeze, intents, catalog);

    // Assess: not two hours before the freeze, when the demo's high-risk review would release into it.
    expect(start.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-12-07T06:00:00Z'));
    expect(start.getUTCMinutes()).toBe(0);
  });

  test('moves past the year-end freeze', () => {
    const start = demoStartInstant(new Date('2026-12-24T10:00:00Z'), intents, catalog);
    expect(start.getTime()).toBeGreaterThanOrEqual(Date.parse('2027-01-04T08:00:00Z'));
  });
});
