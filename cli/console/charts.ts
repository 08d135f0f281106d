import { html, type Markup } from './html.js';

/**
 * Charts as SVG built from numbers on the server: no script, no library fetched at run time, the same bytes for
 * the same figures. Each chart is an image with an accessible name (`role="img"`, `aria-label` and `<title>`)
 * and comes with its figures as a table in a `<details>` below it, so a screen reader or a keyboard reaches
 * every number the picture shows. Labels pass through `html`, which escapes them.
 */

/**
 * Series colours, each at least 3:1 against the white plot (WCAG 1.4.11, graphical objects); series are told
 * apart by their dash pattern and the legend too, not by colour alone.
 */
export const seriesColours = [
  '#0b5cad',
  '#b42318',
  '#1a7f37',
  '#8a5300',
  '#5a4fb0',
  '#006d75',
  '#a3166b',
  '#4d5661',
] as const;
const dashes = ['', '6 3', '2 3', '8 3 2 3'] as const;
const thresholdColour = '#b42318';
const markerColour = '#4d5661';
const axisColour = '#4d5661';
const gridColour = '#d0d7de';

export interface Bar {
  label: string;
  value: number;
}

export interface BarChartOptions {
  /** The chart's accessible name and caption: what it shows, in words. */
  title: string;
  /** A sentence more for screen readers (the unit, what is left out). */
  description?: string;
  bars: readonly Bar[];
  format: (value: number) => string;
  /** The data table's column headers. */
  labelHeader: string;
  valueHeader: string;
}

const width = 640;

/** Horizontal bars, one per label, each with its value written beside it; the scale starts at zero. */
export function barChart(options: BarChartOptions): Markup {
  const labelWidth = 170;
  const valueWidth = 110;
  const row = 24;
  const top = 8;
  const height = top * 2 + Math.max(1, options.bars.length) * row;
  const values = options.bars.map((b) => b.value);
  const lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  if (hi === lo) hi = lo + 1;
  const plot = width - labelWidth - valueWidth;
  const x = (v: number) => labelWidth + ((v - lo) / (hi - lo)) * plot;
  const bars = options.bars.map((bar, i) => {
    const y = top + i * row;
    const left = x(Math.min(0, bar.value));
    const right = x(Math.max(0, bar.value));
    return html`<g><title>${bar.label}: ${options.format(bar.value)}</title><text x="${n(labelWidth - 6)}" y="${n(y + 16)}" text-anchor="end">${truncated(bar.label, 26)}</text><rect x="${n(left)}" y="${n(y + 4)}" width="${n(right - left)}" height="16" fill="${seriesColours[0]}"></rect><text x="${n(right + 6)}" y="${n(y + 16)}">${options.format(bar.value)}</text></g>`;
  });
  const zero = x(0);
  const svg = html`<svg role="img" aria-label="${accessibleName(options)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${options.title}</title>${bars}<line x1="${n(zero)}" y1="${top}" x2="${n(zero)}" y2="${n(height - top)}" stroke="${axisColour}"></line></svg>`;
  return figure(
    options.title,
    svg,
    dataTable(
      [options.labelHeader, options.valueHeader],
      options.bars.map((b) => [b.label, options.format(b.value)]),
    ),
  );
}

export interface LinePoint {
  x: number;
  /** null leaves a gap: no figure for that x. */
  y: number | null;
  /** How the data table writes this point's x, when not `formatX(x)` (a range such as `4–6`). */
  xText?: string;
}

export interface LineSeries {
  name: string;
  points: readonly LinePoint[];
  /** A level that holds until the next point (a rollout's exposure): drawn across, then up or down. */
  step?: boolean;
  /** `false` draws the line alone, for series of many points (their figures stay in the table). */
  dots?: boolean;
}

export interface LineChartOptions {
  title: string;
  description?: string;
  series: readonly LineSeries[];
  xLabel: string;
  yLabel: string;
  formatX: (x: number) => string;
  formatY: (y: number) => string;
  /** A horizontal line across the plot with its label, such as an alarm threshold. */
  threshold?: { value: number; label: string };
  /** Vertical lines at an x with a label, such as "rolled back". */
  markers?: ReadonlyArray<{ x: number; label: string }>;
  /** The x axis's span when several charts share one (else the data's own). */
  xDomain?: { from: number; to: number };
  /** The least span of the y axis, such as 0–100 for a percentage (else the data's own, from zero). */
  yDomain?: { from: number; to: number };
}

/** Several series over one x axis (time, or a change's number in its sequence), y from zero or below. */
export function lineChart(options: LineChartOptions): Markup {
  const height = 280;
  const legendRows = Math.ceil(options.series.length / 3);
  const margin = { left: 72, right: 20, top: 14 + legendRows * 16, bottom: 44 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const xs = distinct([
    ...options.series.flatMap((s) => s.points.map((p) => p.x)),
    ...(options.markers ?? []).map((m) => m.x),
  ]);
  const ys = options.series.flatMap((s) => s.points.flatMap((p) => (p.y === null ? [] : [p.y])));
  if (options.threshold) ys.push(options.threshold.value);
  if (options.yDomain) ys.push(options.yDomain.from, options.yDomain.to);
  let xLo = Math.min(xs[0] ?? 0, options.xDomain?.from ?? Number.POSITIVE_INFINITY);
  let xHi = Math.max(xs[xs.length - 1] ?? 1, options.xDomain?.to ?? Number.NEGATIVE_INFINITY);
  if (xHi === xLo) {
    xLo -= 1;
    xHi += 1;
  }
  const yTicks = niceTicks(Math.min(0, ...ys), Math.max(0, ...ys), 5);
  const yLo = yTicks[0]!;
  const yHi = yTicks[yTicks.length - 1]!;
  const x = (v: number) => margin.left + ((v - xLo) / (xHi - xLo)) * plotWidth;
  const y = (v: number) => margin.top + plotHeight - ((v - yLo) / (yHi - yLo)) * plotHeight;
  const bottom = margin.top + plotHeight;

  const grid = yTicks.map(
    (t) =>
      html`<line x1="${margin.left}" y1="${n(y(t))}" x2="${width - margin.right}" y2="${n(y(t))}" stroke="${gridColour}"></line><text x="${margin.left - 6}" y="${n(y(t) + 4)}" text-anchor="end">${options.formatY(t)}</text>`,
  );
  // A shared axis is labelled at its ends too, any other at its last point (where the data ends, often the figure
  // read first); a label too close to the one before it is left out.
  const candidates = options.xDomain
    ? distinct([xLo, ...spread(xs, 6), xHi])
    : distinct([...spread(xs, 6), ...xs.slice(-1)]);
  const xTicks = uncrowded(candidates, x).map(
    (t) =>
      html`<line x1="${n(x(t))}" y1="${bottom}" x2="${n(x(t))}" y2="${bottom + 4}" stroke="${axisColour}"></line><text x="${n(x(t))}" y="${bottom + 16}" text-anchor="${endsAtTick(x(t)) ? 'end' : 'middle'}">${options.formatX(t)}</text>`,
  );
  const lines = options.series.map((s, i) => {
    const style = seriesStyle(i);
    const path = pathOf(s.points, x, y, s.step === true);
    const dots = s.points.flatMap((p) =>
      p.y === null || s.dots === false
        ? []
        : [html`<circle cx="${n(x(p.x))}" cy="${n(y(p.y))}" r="2.5" fill="${style.colour}"></circle>`],
    );
    return html`<g><title>${s.name}</title>${path ? html`<path d="${path}" fill="none" stroke="${style.colour}" stroke-width="2"${style.dash ? html` stroke-dasharray="${style.dash}"` : ''}></path>` : ''}${dots}</g>`;
  });
  const legend = options.series.map((s, i) => {
    const style = seriesStyle(i);
    const lx = margin.left + (i % 3) * 190;
    const ly = 12 + Math.floor(i / 3) * 16;
    return html`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${style.colour}" stroke-width="2"${style.dash ? html` stroke-dasharray="${style.dash}"` : ''}></line><text x="${lx + 28}" y="${ly}">${truncated(s.name, 26)}</text>`;
  });
  const threshold = options.threshold
    ? html`<g><line x1="${margin.left}" y1="${n(y(options.threshold.value))}" x2="${width - margin.right}" y2="${n(y(options.threshold.value))}" stroke="${thresholdColour}" stroke-width="1.5" stroke-dasharray="5 4"></line><text x="${margin.left + 4}" y="${n(y(options.threshold.value) - 4)}" fill="${thresholdColour}">${options.threshold.label} (${options.formatY(options.threshold.value)})</text></g>`
    : '';
  const markers = (options.markers ?? []).map(
    (m, i) =>
      // A marker in the right half of the plot is labelled to its left, so the label stays inside the chart.
      html`<g><title>${m.label}</title><line x1="${n(x(m.x))}" y1="${margin.top}" x2="${n(x(m.x))}" y2="${bottom}" stroke="${markerColour}" stroke-dasharray="2 2"></line><text x="${n(x(m.x) > width / 2 ? x(m.x) - 3 : x(m.x) + 3)}" y="${margin.top + 10 + (i % 3) * 12}"${x(m.x) > width / 2 ? html` text-anchor="end"` : ''}>${markerText(options.markers!, i)}</text></g>`,
  );
  const svg = html`<svg role="img" aria-label="${accessibleName(options)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${options.title}</title>${grid}<line x1="${margin.left}" y1="${bottom}" x2="${width - margin.right}" y2="${bottom}" stroke="${axisColour}"></line>${xTicks}<text x="${margin.left + plotWidth / 2}" y="${height - 6}" text-anchor="middle">${options.xLabel}</text><text transform="translate(14 ${n(margin.top + plotHeight / 2)}) rotate(-90)" text-anchor="middle">${options.yLabel}</text>${threshold}${markers}${lines}${legend}</svg>`;
  return figure(options.title, svg, lineTable(options, xs));
}

/** One row per x, one column per series, and the markers at that x; the threshold under the table. */
function lineTable(options: LineChartOptions, xs: readonly number[]): Markup {
  const cells = options.series.map((s) => new Map(s.points.map((p) => [p.x, p])));
  const markersAt = new Map<number, string[]>();
  (options.markers ?? []).forEach((m, i) => {
    const label = many(options.markers!) ? `${markerText(options.markers!, i)} ${m.label}` : m.label;
    markersAt.set(m.x, [...(markersAt.get(m.x) ?? []), label]);
  });
  const hasMarkers = markersAt.size > 0;
  const rows = xs.map((xv) => {
    const own = cells.map((c) => c.get(xv)).find((p) => p?.xText !== undefined)?.xText;
    return [
      own ?? options.formatX(xv),
      ...cells.map((c) => {
        const point = c.get(xv);
        return point === undefined || point.y === null ? '-' : options.formatY(point.y);
      }),
      ...(hasMarkers ? [(markersAt.get(xv) ?? []).join('; ')] : []),
    ];
  });
  const headers = [options.xLabel, ...options.series.map((s) => s.name), ...(hasMarkers ? ['marked'] : [])];
  const note = options.threshold
    ? html`<p class="muted">${options.threshold.label}: ${options.formatY(options.threshold.value)}</p>`
    : '';
  return html`${dataTable(headers, rows)}${note}`;
}

/** Beyond this many markers their labels would overlap: the chart numbers them and the table says what each is. */
const markerLabelLimit = 3;

function many(markers: readonly unknown[]): boolean {
  return markers.length > markerLabelLimit;
}

function markerText(markers: ReadonlyArray<{ label: string }>, i: number): string {
  return many(markers) ? `[${i + 1}]` : truncated(markers[i]!.label, 30);
}

function figure(title: string, svg: Markup, table: Markup): Markup {
  return html`<figure class="chart">${svg}<figcaption>${title}</figcaption><details><summary>The figures of “${title}” as a table</summary>${table}</details></figure>`;
}

function dataTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): Markup {
  return html`<table><thead><tr>${headers.map((h, i) => html`<th scope="col"${i > 0 ? html` class="num"` : ''}>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (r) =>
      html`<tr>${r.map((c, i) => (i === 0 ? html`<th scope="row">${c}</th>` : html`<td class="num">${c}</td>`))}</tr>`,
  )}</tbody></table>`;
}

function accessibleName(options: { title: string; description?: string }): string {
  return options.description ? `${options.title}. ${options.description}` : options.title;
}

function seriesStyle(i: number): { colour: string; dash: string } {
  return { colour: seriesColours[i % seriesColours.length]!, dash: dashes[i % dashes.length]! };
}

/**
 * The path through the points in x order, broken where y is null; '' when nothing is drawn. A step path runs
 * at the previous point's level to each point's x before moving to its own level.
 */
function pathOf(
  points: readonly LinePoint[],
  x: (v: number) => number,
  y: (v: number) => number,
  step: boolean,
): string {
  let path = '';
  let level: number | undefined;
  for (const p of [...points].sort((a, b) => a.x - b.x)) {
    if (p.y === null) {
      level = undefined;
      continue;
    }
    if (level === undefined) path += `M${n(x(p.x))} ${n(y(p.y))}`;
    else if (step) path += `L${n(x(p.x))} ${n(y(level))}L${n(x(p.x))} ${n(y(p.y))}`;
    else path += `L${n(x(p.x))} ${n(y(p.y))}`;
    level = p.y;
  }
  return path;
}

/**
 * Ticks at 1, 2 or 5 × 10ⁿ covering [lo, hi], the first at or below lo and the last at or above hi.
 *
 * @example niceTicks(0, 87, 5) // [0, 20, 40, 60, 80, 100]
 */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (hi <= lo) hi = lo + 1;
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Sorted distinct values. */
function distinct(values: readonly number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}

/**
 * At most `count` of the sorted values at an even step of positions from the first, so no two labels crowd
 * each other; the last is added when it is more than half a step from the one before.
 */
function spread(values: readonly number[], count: number): number[] {
  if (values.length <= count) return [...values];
  const step = Math.ceil((values.length - 1) / (count - 1));
  const picked: number[] = [];
  for (let i = 0; i < values.length; i += step) picked.push(values[i]!);
  const lastIndex = values.length - 1;
  if (lastIndex % step !== 0 && lastIndex % step > step / 2) picked.push(values[lastIndex]!);
  return picked;
}

/** The room an x label takes, in plot units: labels closer than this would overlap. */
const tickLabelWidth = 76;

/** Whether an x label at `at` ends at its tick (near the right edge, so it stays inside the chart) or is centred on it. */
function endsAtTick(at: number): boolean {
  return at > width - tickLabelWidth / 2;
}

/** The span an x label at `at` takes: centred on its tick, or ending at it near the right edge. */
function labelSpan(at: number): { left: number; right: number } {
  return endsAtTick(at)
    ? { left: at - tickLabelWidth, right: at }
    : { left: at - tickLabelWidth / 2, right: at + tickLabelWidth / 2 };
}

/**
 * The sorted ticks without any whose label would overlap the label kept before it. The last tick's label is kept,
 * in place of the ones before it that it would overlap.
 */
function uncrowded(ticks: readonly number[], x: (v: number) => number): number[] {
  const apart = (a: number, b: number) => labelSpan(x(b)).left >= labelSpan(x(a)).right;
  const kept: number[] = [];
  for (const t of ticks) {
    const last = kept[kept.length - 1];
    if (last === undefined || apart(last, t)) kept.push(t);
  }
  const end = ticks[ticks.length - 1];
  if (end === undefined || kept[kept.length - 1] === end) return kept;
  while (kept.length > 1 && !apart(kept[kept.length - 1]!, end)) kept.pop();
  if (apart(kept[kept.length - 1]!, end)) kept.push(end);
  return kept;
}

function truncated(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A coordinate rounded to a tenth: short and the same on every run. */
function n(value: number): number {
  return Math.round(value * 10) / 10;
}
