import { releasedValueNote, valueReportDocument } from '../../../cli/console/views/value-document.js';
import { valueView } from '../../../cli/console/views/value-view.js';
import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { concluded } from '../core/value-fixtures.js';

/** Three released changes of one kind, each faster to release, the second waiting longest; one rolled back. */
const intents = [
  concluded({
    intentId: 'a',
    valuePerHourUsd: 200,
    timeToValueSeconds: 1800,
    releaseSeconds: 780,
    confidence: 0.05,
    strategy: 'itv.Linear25Percent8Minutes',
    concludedAt: '2026-11-02T09:00:00Z',
  }),
  concluded({
    intentId: 'b',
    valuePerHourUsd: 50,
    timeToValueSeconds: 2400,
    releaseSeconds: 600,
    confidence: 0.3,
    strategy: 'itv.Linear25Percent8Minutes',
    concludedAt: '2026-11-03T09:00:00Z',
  }),
  concluded({
    intentId: 'c',
    valuePerHourUsd: 25,
    timeToValueSeconds: 300,
    releaseSeconds: 300,
    confidence: 0.55,
    strategy: 'itv.Linear50Percent2Minutes',
    concludedAt: '2026-11-04T09:00:00Z',
  }),
  concluded({
    intentId: 'd',
    outcome: 'rolled-back',
    timeToValueSeconds: null,
    concludedAt: '2026-11-05T09:00:00Z',
  }),
];

const report = valueReportDocument(valueAnswer(intents, { by: 'service' }), 'virtual');
const markup = valueView(report).text;
const headline = /<section aria-label="Headline figures">(.*?)<\/section>/s.exec(markup)![1]!;
/** Each figure card's words, its markup stripped. */
const cards = [
  ...headline.matchAll(/<div class="figure">(.*?)<\/div><\/div>(?=\s*<div class="figure">|\s*<\/div>\s*$)/gs),
].map((m) =>
  m[1]!
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim(),
);

describe('the value view leads with its figures', () => {
  test('time to value is split into its release and its waiting, each a median over the released changes', () => {
    expect(report.timeToValue).toEqual({
      released: 3,
      medianSeconds: 1800,
      releaseTimed: 3,
      medianReleaseSeconds: 600,
      medianWaitingSeconds: 1020,
    });
  });

  test('the first card is the value delivered; then time to value (release, waiting) and confidence, each in a few words', () => {
    expect(cards[0]).toBe('$275.00 value per hour released 3 of 4 concluded changes released');
    expect(cards[1]).toBe('30m 00s median time to value release 10m 00s · waiting 17m 00s');
    expect(cards[2]).toBe(
      '0.55 confidence launch-flags / feature-flag after its latest release (0.05 after its first)',
    );
    for (const card of cards) expect(card.length).toBeLessThan(110);
  });

  test('how each figure is computed is below the figures, folded away, not in them', () => {
    expect(headline).not.toContain(releasedValueNote);
    const explained =
      /<details class="explain"><summary>How these figures are computed<\/summary>(.*?)<\/details>/s.exec(
        markup,
      );
    expect(explained).not.toBeNull();
    expect(explained![1]).toContain(releasedValueNote);
    expect(explained![1]).toContain(
      'from declaration, or a scheduled change’s due instant, to released value',
    );
    expect(explained![1]).toContain('from the start of its release');
    expect(markup.indexOf('Headline figures')).toBeLessThan(markup.indexOf('class="explain"'));
  });

  test('a report from a stack that does not split time to value says so, not zero', () => {
    const { timeToValue: _, ...older } = report;
    const page = valueView(older).text;
    expect(page).toContain('median time to value');
    expect(page).toContain('release time not reported');
  });
});
