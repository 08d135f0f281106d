import { valueReportDocument } from '../../../cli/console/views/value-document.js';
import { valueView } from '../../../cli/console/views/value-view.js';
import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { concluded } from '../core/value-fixtures.js';

/** One kind whose release got faster while its second change waited longest; another with no release time. */
const intents = [
  concluded({
    intentId: 'a',
    timeToValueSeconds: 1800,
    releaseSeconds: 780,
    concludedAt: '2026-11-02T09:00:00Z',
  }),
  concluded({
    intentId: 'b',
    timeToValueSeconds: 2400,
    releaseSeconds: 600,
    concludedAt: '2026-11-03T09:00:00Z',
  }),
  concluded({
    intentId: 'c',
    timeToValueSeconds: 300,
    releaseSeconds: 300,
    concludedAt: '2026-11-04T09:00:00Z',
  }),
  concluded({
    intentId: 'u',
    service: 'untimed',
    timeToValueSeconds: 900,
    concludedAt: '2026-11-04T10:00:00Z',
  }),
];
const markup = valueView(valueReportDocument(valueAnswer(intents, {}), 'virtual')).text;
const compounding = markup.slice(markup.indexOf('<h2 id="compounding">'), markup.indexOf('<h2 id="dora">'));

describe('the compounding curve plots release time, what earned confidence speeds up', () => {
  test('each point is the release time of the change, not its time to value', () => {
    expect(compounding).toContain('aria-label="Release time of successive changes by service, kind.');
    expect(compounding).toContain('release time (minutes)');
    expect(compounding).not.toContain('time to value (minutes)');
    expect(compounding).toContain(
      '<tr><th scope="row">#1</th><td class="num">13 min</td><td class="num">-</td></tr>',
    );
    expect(compounding).toContain(
      '<tr><th scope="row">#2</th><td class="num">10 min</td><td class="num">-</td></tr>',
    );
  });

  test('the waiting is listed beside it, kind by kind, first and latest change', () => {
    expect(compounding).toContain('release 13m 00s → 5m 00s, waiting 17m 00s → 0s');
  });

  test('a change with no release time recorded is a gap, and the chart says so', () => {
    expect(compounding).toContain('A change with no release time recorded is left out (a gap in its line).');
  });
});
