import { barChart, lineChart, niceTicks, seriesColours } from '../../../cli/console/charts.js';

const usd = (v: number) => `$${v.toFixed(2)}`;

const bars = (values: Array<[string, number]>) =>
  barChart({
    title: 'Value per hour by region',
    description: 'US dollars per hour of the released changes',
    bars: values.map(([label, value]) => ({ label, value })),
    format: usd,
    labelHeader: 'region',
    valueHeader: 'value/hour',
  }).text;

/** The numeric attributes of every element of a tag, in document order. */
const attributes = (svg: string, tag: string, name: string): number[] =>
  [...svg.matchAll(new RegExp(`<${tag}\\b[^>]*\\s${name}="([-\\d.]+)"`, 'g'))].map((m) => Number(m[1]));

describe('bar chart', () => {
  test('bars are proportional to their values from zero, each with its value written', () => {
    const svg = bars([
      ['EMEA', 100],
      ['NA', 50],
      ['APAC', 0],
    ]);

    const [emea, na, apac] = attributes(svg, 'rect', 'width');
    expect(na! / emea!).toBeCloseTo(0.5, 2);
    expect(apac).toBe(0);
    expect(new Set(attributes(svg, 'rect', 'x')).size).toBe(1);
    expect(svg).toContain('>$100.00</text>');
    expect(svg).toContain('>$50.00</text>');
  });

  test('is an image with an accessible name, and its figures are a table below it', () => {
    const svg = bars([['EMEA', 100]]);

    expect(svg).toMatch(
      /<svg role="img" aria-label="Value per hour by region\. US dollars per hour of the released changes"[^>]*><title>Value per hour by region<\/title>/,
    );
    expect(svg).toMatch(/<\/svg><figcaption>Value per hour by region<\/figcaption><details><summary>/);
    expect(svg).toContain('<tr><th scope="row">EMEA</th><td class="num">$100.00</td></tr>');
  });

  test('labels from the ledger are escaped wherever they appear', () => {
    const svg = bars([['<script>alert("x")</script>', 1]]);

    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
  });

  test('negative values extend left of the zero line; the same figures give the same bytes', () => {
    const svg = bars([
      ['gain', 10],
      ['loss', -10],
    ]);
    const [gain, loss] = attributes(svg, 'rect', 'x');
    const [zero] = attributes(svg, 'line', 'x1');

    expect(gain).toBe(zero);
    expect(loss).toBeLessThan(zero!);
    expect(
      bars([
        ['gain', 10],
        ['loss', -10],
      ]),
    ).toBe(svg);
  });
});

describe('line chart', () => {
  const chart = (extra: Partial<Parameters<typeof lineChart>[0]> = {}) =>
    lineChart({
      title: 'Error rate during the rollout',
      series: [
        {
          name: 'error rate',
          points: [
            { x: 0, y: 0 },
            { x: 10, y: 50 },
            { x: 20, y: 100 },
          ],
        },
      ],
      xLabel: 'minute',
      yLabel: 'errors',
      formatX: (x) => `${x} min`,
      formatY: (y) => `${y}`,
      ...extra,
    }).text;

  test('a y domain keeps its whole span: a share of users still at 0 % is labelled 0 % to 100 %, each once', () => {
    // Arrange
    const flat = {
      series: [{ name: 'rollout', points: [0, 10, 20].map((x) => ({ x, y: 0 })), step: true }],
      formatY: (y: number) => `${Math.round(y)}%`,
    };

    // Act
    const svg = chart({ ...flat, yDomain: { from: 0, to: 100 } });
    const labels = [...svg.matchAll(/text-anchor="end">(\d+%)<\/text>/g)].map((m) => m[1]);

    // Assess
    expect(labels).toEqual(['0%', '20%', '40%', '60%', '80%', '100%']);
  });

  test.each([13, 14, 15, 16, 22, 40])(
    'the last of %i changes is labelled on the x axis, in place of a label it would overlap',
    (count) => {
      // Arrange: a change's number in its sequence, as the compounding chart plots it.
      const numbered = {
        series: [
          { name: 'release time', points: Array.from({ length: count }, (_, i) => ({ x: i + 1, y: i })) },
        ],
        formatX: (x: number) => `#${x}`,
      };

      // Act
      const svg = chart(numbered);
      const labels = [...svg.matchAll(/>#(\d+)<\/text>/g)].map((m) => Number(m[1]));

      // Assess
      expect(labels.at(-1)).toBe(count);
      expect(labels[0]).toBe(1);
    },
  );

  test('maps x and y linearly onto the plot, y growing upwards', () => {
    const svg = chart();
    const cx = attributes(svg, 'circle', 'cx');
    const cy = attributes(svg, 'circle', 'cy');

    expect(cx[1]! - cx[0]!).toBeCloseTo(cx[2]! - cx[1]!, 1);
    expect(cy[0]! - cy[1]!).toBeCloseTo(cy[1]! - cy[2]!, 1);
    expect(cy[2]).toBeLessThan(cy[0]!);
  });

  test('draws the threshold and the markers with their labels, and lists them with the figures', () => {
    const svg = chart({
      threshold: { value: 80, label: 'alarm threshold' },
      markers: [{ x: 20, label: 'rolled back' }],
    });

    expect(svg).toContain('alarm threshold (80)</text>');
    expect(svg).toContain('>rolled back</text>');
    expect(svg).toContain('<th scope="col" class="num">marked</th>');
    expect(svg).toContain(
      '<tr><th scope="row">20 min</th><td class="num">100</td><td class="num">rolled back</td></tr>',
    );
    expect(svg).toContain('<p class="muted">alarm threshold: 80</p>');
  });

  test('a missing figure breaks the line instead of joining across it', () => {
    const svg = lineChart({
      title: 't',
      series: [
        {
          name: 's',
          points: [
            { x: 1, y: 1 },
            { x: 2, y: 2 },
            { x: 3, y: null },
            { x: 4, y: 4 },
            { x: 5, y: 5 },
          ],
        },
      ],
      xLabel: 'x',
      yLabel: 'y',
      formatX: String,
      formatY: String,
    }).text;

    const path = /<path d="([^"]+)"/.exec(svg)![1]!;
    expect(path.match(/M/g)).toHaveLength(2);
    expect(svg).toContain('<tr><th scope="row">3</th><td class="num">-</td></tr>');
  });

  test('several series: each named in the legend and the table, told apart by dash as well as colour', () => {
    const svg = lineChart({
      title: 't',
      series: ['a', 'b'].map((name) => ({ name, points: [{ x: 1, y: 1 }] })),
      xLabel: 'x',
      yLabel: 'y',
      formatX: String,
      formatY: String,
    }).text;

    expect(svg).toMatch(/stroke="#0b5cad"[^>]*><\/line><text[^>]*>a<\/text>/);
    expect(svg).toMatch(
      /stroke="#b42318" stroke-width="2" stroke-dasharray="6 3"><\/line><text[^>]*>b<\/text>/,
    );
    expect(svg).toContain('<th scope="col" class="num">a</th><th scope="col" class="num">b</th>');
  });

  test('a step series holds each value until the next point: across, then up or down', () => {
    const svg = chart({
      series: [
        {
          name: 'rollout',
          step: true,
          points: [
            { x: 0, y: 0 },
            { x: 10, y: 50 },
            { x: 20, y: 100 },
          ],
        },
      ],
    });

    const path = /<path d="([^"]+)"/.exec(svg)![1]!;
    const corners = [...path.matchAll(/([ML])([-\d.]+) ([-\d.]+)/g)].map((m) => [
      m[1],
      Number(m[2]),
      Number(m[3]),
    ]);
    const cx = attributes(svg, 'circle', 'cx');
    const cy = attributes(svg, 'circle', 'cy');
    // Each point's level runs at the previous point's height to its x, then moves to its own.
    expect(corners).toEqual([
      ['M', cx[0], cy[0]],
      ['L', cx[1], cy[0]],
      ['L', cx[1], cy[1]],
      ['L', cx[2], cy[1]],
      ['L', cx[2], cy[2]],
    ]);
  });

  test('an x domain wider than the data (a shared time axis) places the points inside it', () => {
    const own = attributes(chart(), 'circle', 'cx');
    const wide = attributes(chart({ xDomain: { from: -20, to: 40 } }), 'circle', 'cx');

    // The data spans a third of the domain, in its middle.
    expect(wide[2]! - wide[0]!).toBeCloseTo((own[2]! - own[0]!) / 3, 0);
    expect(wide[0]).toBeGreaterThan(own[0]!);
    expect(wide[2]).toBeLessThan(own[2]!);
  });

  test('a shared time axis is labelled at its ends, and no two x labels are closer than a label is wide', () => {
    const svg = chart({
      xDomain: { from: -200, to: 21 },
      series: [{ name: 'late', points: [18, 19, 20, 21].map((x) => ({ x, y: x })) }],
    });

    const labels = [
      ...svg.matchAll(/<text x="([-\d.]+)" y="[-\d.]+" text-anchor="(?:middle|end)">(-?\d+) min<\/text>/g),
    ];
    const xs = labels.map((m) => Number(m[1]));
    expect(labels.map((m) => m[2])[0]).toBe('-200');
    expect(xs.slice(1).every((x, i) => x - xs[i]! >= 76)).toBe(true);
  });

  test("the label at a shared axis's right end ends at its tick, and is kept in place of a neighbour it would overlap", () => {
    const svg = chart({
      xDomain: { from: 0, to: 100 },
      series: [{ name: 's', points: [0, 50, 88, 100].map((x) => ({ x, y: x })) }],
    });

    const labels = [
      ...svg.matchAll(/<text x="([-\d.]+)" y="[-\d.]+" text-anchor="(middle|end)">(\d+) min<\/text>/g),
    ];
    expect(labels.map((m) => [m[3], m[2]])).toEqual([
      ['0', 'middle'],
      ['50', 'middle'],
      ['100', 'end'],
    ]);
  });

  test('a marker in the right half is labelled to its left, inside the chart', () => {
    const svg = chart({ markers: [{ x: 20, label: 'rolled back' }] });

    expect(svg).toMatch(/<text x="([\d.]+)" y="[\d.]+" text-anchor="end">rolled back<\/text>/);
  });

  test('a series of many points can be drawn as a line alone, its figures still in the table', () => {
    const svg = chart({
      series: [
        {
          name: 'errors',
          dots: false,
          points: [
            { x: 0, y: 1 },
            { x: 1, y: 2 },
          ],
        },
      ],
    });

    expect(svg).not.toContain('<circle');
    expect(svg).toContain('<tr><th scope="row">1 min</th><td class="num">2</td></tr>');
  });

  test('is an image with an accessible name, and escapes series names', () => {
    const svg = chart({ series: [{ name: '"><img src=x onerror=alert(1)>', points: [{ x: 0, y: 1 }] }] });

    expect(svg).toMatch(/<svg role="img" aria-label="Error rate during the rollout"[^>]*><title>/);
    expect(svg).not.toContain('<img');
  });
});

describe('scales and colours', () => {
  test('ticks are round numbers covering the range', () => {
    expect(niceTicks(0, 87, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-30, 30, 4)).toEqual([-40, -20, 0, 20, 40]);
    expect(niceTicks(0, 0, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  test('every series colour has at least 3:1 contrast against the white plot', () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => {
        const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    for (const colour of seriesColours) {
      expect((1 + 0.05) / (luminance(colour) + 0.05)).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('line chart markers', () => {
  test('beyond three markers the chart numbers them and the table says what each number is', () => {
    const markers = [1, 2, 3, 4].map((x) => ({ x, label: `rolled back ${x}` }));
    const svg = lineChart({
      title: 't',
      series: [{ name: 's', points: [1, 2, 3, 4].map((x) => ({ x, y: x })) }],
      xLabel: 'x',
      yLabel: 'y',
      formatX: String,
      formatY: String,
      markers,
    }).text;

    expect(svg).toContain('<g><title>rolled back 4</title><line');
    expect(svg).toContain('>[4]</text>');
    expect(svg).not.toContain('>rolled back 4</text>');
    expect(svg).toContain('<td class="num">[4] rolled back 4</td>');
  });
});

describe('line chart axis', () => {
  test('x labels are at an even step of the points and at the last, never two neighbours crowded together', () => {
    const svg = lineChart({
      title: 't',
      series: [{ name: 's', points: [0, 1, 2, 3, 4, 5, 6, 7].map((x) => ({ x, y: 1 })) }],
      xLabel: 'x',
      yLabel: 'y',
      formatX: (x) => `x${x}`,
      formatY: String,
    }).text;

    const labels = [...svg.matchAll(/text-anchor="(?:middle|end)">(x\d)<\/text>/g)].map((m) => m[1]);
    // x6 would crowd x7, where the data ends: x7 is labelled in its place.
    expect(labels).toEqual(['x0', 'x2', 'x4', 'x7']);
  });
});
