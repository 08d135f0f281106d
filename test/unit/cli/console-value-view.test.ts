import {
  doraLine,
  valueApiPath,
  valueFigures,
  valueQueryOf,
  valueReportDocument,
} from '../../../cli/console/views/value-document.js';
import { renderValuePage, valueView } from '../../../cli/console/views/value-view.js';
import { valueAnswer } from '../../../lambdas/core/value-answer.js';
import { valueTotals } from '../../../lambdas/core/value-report.js';
import { concluded } from '../core/value-fixtures.js';

const hostile = '<script>alert("x")</script>';

const intents = [
  concluded({
    intentId: 'a',
    tags: { region: 'EMEA' },
    team: 'growth',
    valuePerHourUsd: 200,
    employeeCount: 40,
    costOfDelayUsd: 12.5,
    timeToValueSeconds: 1800,
    releaseSeconds: 1200,
    concludedAt: '2026-11-02T09:00:00Z',
  }),
  concluded({
    intentId: 'b',
    tags: { region: 'EMEA' },
    team: 'growth',
    valuePerHourUsd: 50,
    timeToValueSeconds: 600,
    releaseSeconds: 600,
    concludedAt: '2026-11-03T09:00:00Z',
  }),
  concluded({
    intentId: 'c',
    tags: { region: 'NA' },
    team: hostile,
    outcome: 'rolled-back',
    restoreSeconds: 240,
    costOfDelayUsd: 3,
    concludedAt: '2026-11-04T09:00:00Z',
  }),
  concluded({
    intentId: 'd',
    service: '<img src=x onerror=alert(1)>',
    tags: { region: 'NA' },
    team: 'core',
    valuePerHourUsd: 7.25,
    concludedAt: '2026-11-05T09:00:00Z',
  }),
];

const report = valueReportDocument(valueAnswer(intents, { by: 'region,team' }), 'virtual');

/** The text of each cell of the table's footer row. */
const footerCells = (markup: string) => {
  const foot = /<tfoot><tr>(.*?)<\/tr><\/tfoot>/s.exec(markup)![1]!;
  return [...foot.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
};

describe('value view', () => {
  test("the totals row is the report's totals, as `itv value report --json` prints them", () => {
    const markup = valueView(report).text;

    expect(report.totals).toEqual(valueTotals(report.groups));
    expect(footerCells(markup)).toEqual(['total', '', ...valueFigures(report.totals)]);
    expect(footerCells(markup)).toEqual([
      'total',
      '',
      '4',
      '3',
      '$257.25',
      '$5.00',
      '$30.00',
      '',
      '$17.50',
      '',
    ]);
    expect(markup).toContain(
      '<div class="value">$257.25</div><div class="label">value per hour released</div>',
    );
    expect(markup).toContain('<div class="label">3 of 4 concluded changes released</div>');
  });

  test('one row per group, keyed by every dimension', () => {
    const markup = valueView(report).text;
    const body = /<tbody>(.*?)<\/tbody>/s.exec(markup)![1]!;

    expect(body.match(/<tr>/g)).toHaveLength(report.groups.length);
    expect(body).toContain(
      '<tr><td>EMEA</td><td>growth</td><td class="num">2</td><td class="num">2</td><td class="num">$250.00</td>',
    );
  });

  test('the group-by form lists every known dimension, ticks the chosen ones, and is a GET form', () => {
    const markup = valueView(report, { query: { by: 'region,team', since: '2026-11-01' } }).text;

    expect(markup).toMatch(/<form class="filters value-query" method="get" action="\/value">/);
    for (const d of report.knownDimensions) {
      expect(markup).toContain(`name="by" value="${d}"`);
    }
    expect(report.knownDimensions).toEqual([
      'service',
      'kind',
      'team',
      'tier',
      'outcome',
      'concludedYear',
      'concludedQuarter',
      'concludedMonth',
      'region',
    ]);
    expect(markup).toContain('<input type="checkbox" name="by" value="region" checked>');
    expect(markup).toContain('<input type="checkbox" name="by" value="service">');
    expect(markup).toContain('<input type="checkbox" name="curveBy" value="kind" checked>');
    expect(markup).toContain('name="since" value="2026-11-01"');
  });

  test('no text from the ledger reaches the page as markup', () => {
    const markup = renderValuePage(
      valueReportDocument(valueAnswer(intents, { by: 'service,team' }), 'virtual'),
      {
        target: 'local · <b>alice</b>',
      },
    );

    expect(markup).not.toContain('<script>alert');
    expect(markup).not.toContain('<img');
    expect(markup).not.toContain('<b>alice');
    expect(markup).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(markup).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  test('states the window, the virtual clock, and the formula beside compounded figures', () => {
    const windowed = valueReportDocument(
      valueAnswer(intents, { by: 'region', since: '2026-11-03', until: '2026-11-05' }),
      'virtual',
    );
    const markup = valueView(windowed).text;

    expect(markup).toContain(
      'intents concluded from 2026-11-03T00:00:00.000Z until 2026-11-05T00:00:00.000Z (exclusive); the first concluded at 2026-11-03T09:00:00.000Z, the last at 2026-11-04T09:00:00.000Z',
    );
    expect(markup).toContain('virtual time: the local runtime&#39;s clock');
    expect(markup).toContain('<code>none: value_per_hour = total_value_usd / (years × 365 × 24)</code>');
    expect(windowed.totals.intents).toBe(2);
  });

  test('a change that failed before its kind released anything is marked before #1, as changes count from #1', () => {
    // Arrange: a kind whose first change rolled back, and whose second released.
    const first = [
      concluded({ intentId: 'f1', outcome: 'rolled-back', concludedAt: '2026-11-02T09:00:00Z' }),
      concluded({ intentId: 'f2', releaseSeconds: 600, concludedAt: '2026-11-03T09:00:00Z' }),
    ];

    // Act
    const markup = valueView(valueReportDocument(valueAnswer(first, {}), 'virtual')).text;

    // Assess
    expect(markup).toContain('rolled-back before #1 (');
    expect(markup).not.toContain('after #0');
  });

  test('draws value and cost of delay per group, the compounding curve with its failures, and DORA per day', () => {
    const markup = valueView(report).text;

    expect(markup).toContain('aria-label="Cost of delay by region, team.');
    // The whole time to value, not only the waiting before a release started.
    expect(markup).toContain('value not flowing from submission to release');
    expect(markup).toContain('(value per hour × time to value)');
    expect(markup).toContain('aria-label="Release time of successive changes by service, kind.');
    expect(markup).toContain('>rolled-back after #2 (launch-…</text>');
    expect(markup).toContain('<div class="charts"><figure class="chart">');
    expect(markup).toContain(
      '<tr><th scope="row">#2</th><td class="num">10 min</td><td class="num">-</td><td class="num">rolled-back after #2 (launch-flags / feature-flag)</td></tr>',
    );
    for (const figure of [
      'lead time (median)',
      'deployments per day',
      'change failure rate',
      'time to restore (median)',
    ]) {
      expect(markup).toContain(`aria-label="${figure}, by day.`);
    }
    expect(markup).toContain('<tr><th scope="row">2026-11-04</th><td class="num">100 %</td></tr>');
    expect((markup.match(/<svg role="img"/g) ?? []).length).toBe(7);
    expect((markup.match(/<details>/g) ?? []).length).toBe(7);
  });

  test('a report the stack is still summarizing its ledger for says how far it covers; a complete one does not', () => {
    // Prepare
    const partial = valueReportDocument(
      {
        ...valueAnswer(intents, { by: 'region' }),
        catchingUp: { summarizedThroughSeq: 4_999, ledgerSize: 120_000 },
      },
      'wall',
    );

    // Act
    const markup = valueView(partial).text;

    // Assess
    expect(markup).toContain(
      'Partial: the stack is still summarizing its ledger for the value report: this covers the intents concluded up to entry 4999 of 120000; ask again for the rest.',
    );
    expect(valueView(report).text).not.toContain('Partial:');
  });

  test('DORA over one conclusion names the instant, not a window of "0.0 days"', () => {
    // Prepare
    const one = valueReportDocument(valueAnswer(intents.slice(0, 1), { by: 'region' }), 'virtual');

    // Act
    const markup = valueView(one).text;

    // Assess
    expect(markup).not.toContain('0.0 days');
    expect(markup).toContain(
      'DORA (one conclusion, at 2026-11-02T09:00:00.000Z; deployments/day over 1.0 day',
    );
    expect(markup).toContain('Per day, from one conclusion at 2026-11-02T09:00:00.000Z:');
  });

  test('DORA over a window asked for names its conclusions and counts deployments per day over the window', () => {
    // Prepare
    const fourOnTheFourth = [0, 1, 2, 3].map((i) =>
      concluded({ intentId: `r${i}`, concludedAt: `2026-11-04T1${i}:00:00Z` }),
    );
    const week = valueReportDocument(
      valueAnswer(fourOnTheFourth, { by: 'service', since: '2026-11-01', until: '2026-11-08' }),
      'virtual',
    );

    // Act
    const line = doraLine(week.dora, 'virtual');

    // Assess
    expect(line).toContain(
      'conclusions 2026-11-04T10:00:00.000Z to 2026-11-04T13:00:00.000Z, 3h 00m apart; deployments/day over 7.0 days from 2026-11-01T00:00:00.000Z to 2026-11-08T00:00:00.000Z;',
    );
    expect(line).toContain('deployments/day 0.6,');
    expect(week.dora.window).toMatchObject({
      firstConcludedAt: '2026-11-04T10:00:00.000Z',
      lastConcludedAt: '2026-11-04T13:00:00.000Z',
    });
  });

  test('an empty window says none concluded in it, not that nothing has concluded yet', () => {
    // Prepare: intents concluded in November, a window in 2027.
    const empty = valueReportDocument(
      valueAnswer(intents, { by: 'service', since: '2027-01-01' }),
      'virtual',
    );

    // Act
    const line = doraLine(empty.dora, 'virtual', empty.window);
    const markup = valueView(empty).text;

    // Assess
    expect(line).toContain('DORA (none concluded in this window;');
    expect(line).not.toContain('yet');
    expect(markup).toContain('none concluded in this window');
    expect(markup).not.toContain('no concluded intent yet');
    expect(doraLine(valueAnswer([], {}).dora, 'virtual', { since: null, until: null })).toContain(
      'DORA (no concluded intent yet;',
    );
  });

  test('the value per hour of released changes claims no more than the changes released in the window', () => {
    // A change's value model has a horizon (`years`): one released long ago may no longer be adding value now.
    const markup = valueView(report).text;

    expect(markup).not.toContain('now flowing');
    expect(markup).toContain('value per hour released');
    expect(markup).toContain(
      'Σ value/hour of the changes released in this window, each over its value model’s horizon, which may since have ended',
    );
    expect(markup).toContain('aria-label="Value per hour released by region, team.');
  });

  test('time to value and cost of delay say what they count from: a scheduled change’s due instant too', () => {
    const markup = valueView(report).text;

    expect(markup).not.toContain('declaration to released value');
    expect(markup).toContain('from declaration, or a scheduled change’s due instant, to released value');
    expect(markup).toContain(
      'value/hour × hours from declaration (or due instant) until released, or until concluded for a change never released; a later attempt from its previous attempt’s conclusion, so a change’s delay counts once',
    );
  });

  test('DORA over a window shorter than a day gives its span in hours and minutes', () => {
    // Prepare
    const close = [
      concluded({ intentId: 'x', concludedAt: '2026-11-02T09:00:00Z' }),
      concluded({ intentId: 'y', concludedAt: '2026-11-02T11:30:00Z' }),
    ];
    const short = valueReportDocument(valueAnswer(close, { by: 'service' }), 'virtual');

    // Act
    const markup = valueView(short).text;

    // Assess
    expect(markup).toContain(
      'Per day, over 2h 30m from 2026-11-02T09:00:00.000Z to 2026-11-02T11:30:00.000Z:',
    );
  });

  test('many groups: the largest twenty are bars and the rest one bar that says how many', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      concluded({
        intentId: `i${i}`,
        team: `t${String(i).padStart(2, '0')}`,
        valuePerHourUsd: i + 1,
      }),
    );
    const markup = valueView(valueReportDocument(valueAnswer(many, { by: 'team' }), 'wall')).text;

    expect(markup).toContain('<th scope="row">the other 10 groups</th><td class="num">$55.00</td>');
    expect(markup).toContain('wall-clock time: the ledger&#39;s timestamps');
  });

  test('a compounded figure that overflowed reads "overflow", in the table, the totals and the terminal\'s cells', () => {
    // As `GET /value` answers it over JSON, where a non-finite number is null.
    const answer = valueAnswer([...intents, concluded({ intentId: 'e', compoundedValuePerHourUsd: null })], {
      by: 'region,team',
    });
    const overflowed = valueReportDocument(JSON.parse(JSON.stringify(answer)), 'virtual');
    expect(overflowed.totals.compoundedValuePerHourUsd).toBeNull();
    expect(valueFigures(overflowed.totals)[4]).toBe('overflow');
    const markup = renderValuePage(overflowed, { standalone: true });
    expect(footerCells(markup)).toContain('overflow');
    expect(markup).not.toMatch(/Infinity|NaN/);
  });

  test('the same report gives the same page', () => {
    expect(renderValuePage(report, { target: 'local' })).toBe(renderValuePage(report, { target: 'local' }));
  });
});

describe('value page', () => {
  test('served: the console layout with the value view current', () => {
    const markup = renderValuePage(report, { query: { by: 'region,team' }, target: 'local · alice' });

    expect(markup).toContain('<a href="/value" aria-current="page">Value</a>');
    expect(markup).toContain('local · alice');
  });

  test('standalone: one file with its stylesheet inlined, no script, nothing fetched from elsewhere, no form', () => {
    const markup = renderValuePage(report, { standalone: true });

    expect(markup).toMatch(/^<!doctype html>/);
    expect(markup).toContain('<style>');
    expect(markup).not.toMatch(/<script/i);
    expect(markup).not.toMatch(/\s(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(markup).not.toMatch(/url\(/i);
    expect(markup).not.toContain('<form');
    expect(markup).toContain('itv value report --by region,team --curve-by service,kind --html FILE');
  });
});

describe('value query', () => {
  test("the form's repeated fields become one comma-separated list; empty fields are left out", () => {
    const query = valueQueryOf(
      new URLSearchParams('by=region&by=team&curveBy=service&since=&until=2026-12-01'),
    );

    expect(query).toEqual({ by: 'region,team', curveBy: 'service', until: '2026-12-01' });
    expect(valueApiPath(query)).toBe('/value?by=region%2Cteam&until=2026-12-01&curveBy=service');
    expect(valueApiPath({})).toBe('/value');
  });
});
