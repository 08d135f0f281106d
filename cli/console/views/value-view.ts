import type { CompoundingCurve } from '../../../lambdas/core/value-compounding-curve.js';
import { compoundingTrend } from '../../../lambdas/core/value-compounding-trend.js';
import type { DoraPeriod } from '../../../lambdas/core/value-dora-periods.js';
import type { ValueGroup } from '../../../lambdas/core/value-report.js';
import { duration, usd } from '../../format.js';
import { type Bar, barChart, type LineSeries, lineChart } from '../charts.js';
import { html, type Markup } from '../html.js';
import { page } from '../page.js';
import {
  catchingUpNote,
  clockNote,
  compoundingClaim,
  compoundingLines,
  doraLine,
  failedIntentsNote,
  keyCell,
  perEmployeeBasis,
  releasedValueNote,
  repeatedGoalsNote,
  type ValueReportDocument,
  type ValueViewQuery,
  valueFigureHeaders,
  valueFigures,
} from './value-document.js';

/**
 * The value view: the headline figures, a group-by and window form, the table of groups with its totals (the
 * same totals `itv value report --json` prints), bar charts of value per hour and cost of delay by group, the
 * compounding curve and DORA over time. Pure: the same report gives the same markup.
 */
export interface ValueViewOptions {
  /** The query the report answers, to fill the form in; the report's own dimensions when absent. */
  query?: ValueViewQuery;
  /** A self-contained file: no form (nothing to send it to), the command that makes it instead. */
  standalone?: boolean;
  /** Where the form sends its GET (default `/value`). */
  action?: string;
}

/** Groups drawn as bars, the rest summed into one bar. */
const barLimit = 20;
/** Curves drawn on the compounding chart (the table lists the same ones). */
const curveLimit = 6;
/** Failures marked on the compounding chart. */
const markerLimit = 10;

export function valueView(report: ValueReportDocument, options: ValueViewOptions = {}): Markup {
  return html`<h1>Value</h1>
${windowStatement(report)}
${headline(report)}
${options.standalone ? standaloneQuery(report) : queryForm(report, options)}
${groupTable(report)}
${groupCharts(report)}
${compoundingSection(report)}
${doraSection(report)}`;
}

/** The whole console page for the value view, or a self-contained file with `standalone`. */
export function renderValuePage(
  report: ValueReportDocument,
  options: { query?: ValueViewQuery; target?: string; standalone?: boolean } = {},
): string {
  return page({
    title: 'Value',
    view: 'value',
    body: valueView(report, {
      ...(options.query ? { query: options.query } : {}),
      ...(options.standalone ? { standalone: true } : {}),
    }),
    ...(options.target !== undefined ? { target: options.target } : {}),
    ...(options.standalone ? { standalone: true } : {}),
  });
}

function windowStatement(report: ValueReportDocument): Markup {
  const { since, until } = report.window;
  const asked =
    since === null && until === null
      ? 'every concluded intent'
      : `intents concluded ${since === null ? '' : `from ${since} `}${until === null ? '' : `until ${until} (exclusive)`}`.trim();
  const span = report.dora.window
    ? `; the first concluded at ${report.dora.window.firstConcludedAt}, the last at ${report.dora.window.lastConcludedAt}`
    : '; none concluded in it';
  const partial = catchingUpNote(report);
  return html`<p class="panel" id="window"><strong>Window:</strong> ${asked}${span}. Times are ${clockNote(report.clock)}.${partial === undefined ? '' : ` Partial: ${partial}.`}</p>`;
}

/**
 * The figures first, each with a few words: the value the released changes deliver, their time to value split into
 * release time and waiting, and the confidence their kind has earned; how each is computed follows, folded away.
 */
function headline(report: ValueReportDocument): Markup {
  const t = report.totals;
  const repeated = repeatedGoalsNote(report);
  const failed = failedIntentsNote(t);
  const figure = (value: string, label: string, note?: string) =>
    html`<div class="figure"><div class="value">${value}</div><div class="label">${label}</div>${note ? html`<div class="label">${note}</div>` : ''}</div>`;
  return html`<p class="lead">What the changes released in this window deliver, how long they took to reach users, and what their kinds have earned.</p>
<section aria-label="Headline figures"><div class="grid">
${figure(usd(t.valuePerHourUsd), 'value per hour released', `${t.released} of ${t.intents} concluded changes released${repeated === undefined ? '' : '; a repeated goal counted once'}`)}
${figure(duration(report.dora.leadTimeSeconds), 'median time to value', splitNote(report))}
${confidenceFigure(report, figure)}
${figure(usd(t.costOfDelayUsd), 'cost of delay', 'value not flowing from submission to release')}
${figure(t.valuePerHourPerEmployeeUsd === null ? '-' : usd(t.valuePerHourPerEmployeeUsd), 'value per hour per employee', `over ${perEmployeeBasis(t)}`)}
${figure(usd(t.compoundedValuePerHourUsd), 'compounded value per hour', 'under each change’s growth model')}
</div></section>
<details class="explain"><summary>How these figures are computed</summary><dl>
<dt>value per hour released</dt><dd>${releasedValueNote}.${repeated === undefined ? '' : ` ${repeated}.`}${failed === undefined ? '' : ` ${failed}.`}</dd>
<dt>median time to value</dt><dd>The median over the released changes, from declaration, or a scheduled change’s due instant, to released value. Release time is the part from the start of its release (the one that delivered it) to the value; the rest is waiting: queued for its lane, for its reviewer, for CI’s checks. Each is a median of its own, so the two need not add up to the time to value.</dd>
<dt>confidence</dt><dd>The confidence Learn recorded for the kind of change with the most releases (by ${report.compounding.dimensions.join(', ')}) after its latest release: clean releases earn it, and it chooses a faster rollout strategy for the kind’s next safe change. The compounding curve below has every kind.</dd>
<dt>cost of delay</dt><dd>value/hour × hours from declaration (or due instant) until released, or until concluded for a change never released; a later attempt from its previous attempt’s conclusion, so a change’s delay counts once.</dd>
<dt>value per hour per employee</dt><dd>Σ (value/hour ÷ employees) over the ${t.releasedWithEmployees} of ${t.released} released changes whose value model names their employees; no headcount is assumed for the others.</dd>
<dt>compounded value per hour</dt><dd>Each change’s value per hour under its growth model (formulas below the table).</dd>
</dl></details>`;
}

/** `release 10m 00s · waiting 17m 00s`, each a median; or why it cannot be said. */
function splitNote(report: ValueReportDocument): string {
  const split = report.timeToValue;
  if (split === undefined) return 'release time not reported by this stack';
  if (split.medianReleaseSeconds === null || split.medianWaitingSeconds === null) {
    return split.released === 0 ? 'nothing released' : 'release time not recorded';
  }
  const some =
    split.releaseTimed < split.released ? ` (${split.releaseTimed} of ${split.released} timed)` : '';
  return `release ${duration(split.medianReleaseSeconds)} · waiting ${duration(split.medianWaitingSeconds)}${some}`;
}

/** The confidence of the kind with the most releases after its latest release, beside its first. */
function confidenceFigure(
  report: ValueReportDocument,
  figure: (value: string, label: string, note?: string) => Markup,
): Markup {
  const trend = compoundingTrend(report.compounding).find((t) => t.latestConfidence !== null);
  if (trend === undefined) return figure('-', 'confidence', 'none recorded in this window');
  const name = Object.values(trend.key).map(keyCell).join(' / ');
  const first =
    trend.releases > 1 && trend.firstConfidence !== null
      ? ` (${trend.firstConfidence.toFixed(2)} after its first)`
      : '';
  return figure(trend.latestConfidence!.toFixed(2), 'confidence', `${name} after its latest release${first}`);
}

function queryForm(report: ValueReportDocument, options: ValueViewOptions): Markup {
  const by = new Set(options.query?.by?.split(',') ?? report.dimensions);
  const curveBy = new Set(options.query?.curveBy?.split(',') ?? report.compounding.dimensions);
  const boxes = (name: string, chosen: Set<string>) =>
    report.knownDimensions.map(
      (d) =>
        html`<label class="check"><input type="checkbox" name="${name}" value="${d}"${chosen.has(d) ? html` checked` : ''}> ${d}</label>`,
    );
  // Folded away until the address asks something: the results come a few Tabs in, not after every checkbox.
  const asked = Object.values(options.query ?? {}).some((value) => value !== undefined && value !== '');
  return html`<details class="value-query"${asked ? html` open` : ''}><summary>Group by, curve by and window</summary>
<form class="filters value-query" method="get" action="${options.action ?? '/value'}">
<fieldset><legend>Group by</legend>${boxes('by', by)}</fieldset>
<fieldset><legend>Compounding curve by</legend>${boxes('curveBy', curveBy)}</fieldset>
<fieldset><legend>Window (ISO-8601, UTC)</legend>
<label>since <input name="since" value="${options.query?.since ?? report.window.since ?? ''}" placeholder="2026-11-01" size="22"></label>
<label>until <input name="until" value="${options.query?.until ?? report.window.until ?? ''}" placeholder="2026-12-01T00:00:00Z" size="22"></label>
</fieldset>
<button type="submit">Show</button>
</form></details>`;
}

function standaloneQuery(report: ValueReportDocument): Markup {
  const args = [
    `--by ${report.dimensions.join(',')}`,
    ...(report.window.since ? [`--since ${report.window.since}`] : []),
    ...(report.window.until ? [`--until ${report.window.until}`] : []),
    `--curve-by ${report.compounding.dimensions.join(',')}`,
  ];
  return html`<p>Grouped by <strong>${report.dimensions.join(', ')}</strong>; compounding curve by ${report.compounding.dimensions.join(', ')}. Made by <code>itv value report ${args.join(' ')} --html FILE</code>.</p>`;
}

function groupTable(report: ValueReportDocument): Markup {
  const dims = report.dimensions;
  const head = [...dims, ...valueFigureHeaders];
  const cells = (key: string[], figures: string[]) =>
    html`${key.map((k) => html`<td>${k}</td>`)}${figures.map((f) => html`<td class="num">${f}</td>`)}`;
  return html`<h2 id="groups">By ${dims.join(', ')}</h2>
<table class="value-groups"><caption class="visually-hidden">Value by ${dims.join(', ')}, with totals</caption>
<thead><tr>${head.map((h, i) => html`<th scope="col"${i >= dims.length ? html` class="num"` : ''}>${h}</th>`)}</tr></thead>
<tbody>${report.groups.map((g) => html`<tr>${cells(keyCells(g, dims), valueFigures(g))}</tr>`)}</tbody>
<tfoot><tr>${cells(
    dims.map((_, i) => (i === 0 ? 'total' : '')),
    valueFigures(report.totals),
  )}</tr></tfoot>
</table>
<p class="muted">per employee: Σ (value/hour ÷ employees) over ${perEmployeeBasis(report.totals)}. Compounded/hour by each intent's growth model:</p>
<ul class="formulas">${report.formulas.map((f) => html`<li><code>${f}</code></li>`)}</ul>`;
}

function keyCells(g: ValueGroup, dims: readonly string[]): string[] {
  return dims.map((d) => keyCell(g.key[d]));
}

function groupLabel(g: ValueGroup, dims: readonly string[]): string {
  return keyCells(g, dims).join(' / ');
}

/** The largest groups by the figure, and the rest summed into one bar that says how many it holds. */
function topBars(
  groups: readonly ValueGroup[],
  dims: readonly string[],
  figure: (g: ValueGroup) => number,
): Bar[] {
  const sorted = [...groups].sort((a, b) => figure(b) - figure(a));
  const bars = sorted.slice(0, barLimit).map((g) => ({ label: groupLabel(g, dims), value: figure(g) }));
  const rest = sorted.slice(barLimit);
  if (rest.length > 0) {
    bars.push({ label: `the other ${rest.length} groups`, value: rest.reduce((s, g) => s + figure(g), 0) });
  }
  return bars;
}

function groupCharts(report: ValueReportDocument): Markup {
  if (report.groups.length === 0) return html`<p>No intent concluded in the window.</p>`;
  const dims = report.dimensions;
  const label = dims.join(' / ');
  const more = report.groups.length > barLimit ? ` The ${barLimit} largest groups, the rest together.` : '';
  return html`<h2>Value per hour and cost of delay by ${dims.join(', ')}</h2>
<div class="charts">${barChart({
    title: `Value per hour released by ${dims.join(', ')}`,
    description: `US dollars per hour of the changes released in this window.${more}`,
    bars: topBars(report.groups, dims, (g) => g.valuePerHourUsd),
    format: usd,
    labelHeader: label,
    valueHeader: 'value/hour',
  })}
${barChart({
  title: `Cost of delay by ${dims.join(', ')}`,
  description: `US dollars of value not flowing from each change's submission to its release (value per hour × time to value).${more}`,
  bars: topBars(report.groups, dims, (g) => g.costOfDelayUsd),
  format: usd,
  labelHeader: label,
  valueHeader: 'cost of delay',
})}</div>`;
}

function curveName(curve: CompoundingCurve): string {
  return Object.values(curve.key).map(keyCell).join(' / ');
}

function compoundingSection(report: ValueReportDocument): Markup {
  const { compounding } = report;
  const curves = compounding.curves.slice(0, curveLimit);
  const intro = html`<p>The release time of successive released changes of one kind (by ${compounding.dimensions.join(', ')}), in the order they concluded: from the start of its release to its released value, the part of its time to value its rollout strategy sets. The waiting before it (for its lane, its reviewer, CI's checks) is left out of the curve and listed below it. ${compoundingClaim(report)} A failed change is marked where it fell.</p>`;
  if (curves.length === 0) {
    return html`<h2 id="compounding">Compounding curve</h2>${intro}<p>No released change in the window.</p>`;
  }
  const series: LineSeries[] = curves.map((curve) => ({
    name: curveName(curve),
    points: curve.points.map((p) => ({
      x: p.last,
      y: p.releaseSeconds === undefined ? null : p.releaseSeconds / 60,
      ...(p.first === p.last ? {} : { xText: `${p.first}–${p.last}` }),
    })),
  }));
  const failures = curves
    .flatMap((curve) => curve.failures.map((f) => ({ curve, f })))
    .sort((a, b) => (a.f.concludedAt < b.f.concludedAt ? -1 : a.f.concludedAt > b.f.concludedAt ? 1 : 0))
    .slice(-markerLimit);
  const shown =
    compounding.curveCount > curves.length
      ? ` The ${curves.length} kinds with the most releases of ${compounding.curveCount}.`
      : '';
  const bucketed = curves.some((c) => c.points.some((p) => p.first !== p.last))
    ? ` Above ${compounding.maxPoints} releases, successive changes are taken together and each point is their median.`
    : '';
  const failureCount = curves.reduce((s, c) => s + c.failureCount, 0);
  const untimed = curves.some((c) => c.points.some((p) => p.releaseSeconds === undefined))
    ? ' A change with no release time recorded is left out (a gap in its line).'
    : '';
  return html`<h2 id="compounding">Compounding curve</h2>${intro}
${lineChart({
  title: `Release time of successive changes by ${compounding.dimensions.join(', ')}`,
  description: `Minutes from the start of each change's release to its released value, waiting left out, against the change's number in its kind's sequence.${shown}${bucketed}${untimed}`,
  series,
  xLabel: 'change number in its kind',
  yLabel: 'release time (minutes)',
  formatX: (x) => `#${x}`,
  formatY: minutes,
  markers: failures.map(({ curve, f }) => ({
    x: f.after,
    // Changes count from #1: one that failed before its kind released anything failed before #1.
    label: `${f.outcome} ${f.after === 0 ? 'before #1' : `after #${f.after}`} (${curveName(curve)})`,
  })),
})}
${failureCount > failures.length ? html`<p class="muted">${failureCount} failed changes in these kinds; the latest ${failures.length} are marked.</p>` : ''}
<p>Release time and waiting, first → latest released change of each kind:</p>
<ul class="trends">${compoundingLines(report)
    .slice(1)
    .map((line) => html`<li>${line.trim()}</li>`)}</ul>`;
}

/** The window DORA over time covers, in words: one instant, hours and minutes under a day, else days. */
function spanOf(window: { from: string; to: string; days: number }): string {
  const seconds = (Date.parse(window.to) - Date.parse(window.from)) / 1000;
  if (seconds === 0) return `from one conclusion at ${window.from}`;
  const span = seconds < 86_400 ? duration(seconds) : `${window.days.toFixed(1)} days`;
  return `over ${span} from ${window.from} to ${window.to}`;
}

function doraSection(report: ValueReportDocument): Markup {
  const over = report.doraOverTime;
  const heading = html`<h2 id="dora">DORA over time</h2><p>${doraLine(report.dora, report.clock, report.window)}</p>`;
  if (over.window === null) return heading;
  const per = over.period === 'day' ? 'day' : 'week (from Monday, UTC)';
  const period = (p: DoraPeriod) => Date.parse(p.from);
  const date = (x: number) => new Date(x).toISOString().slice(0, 10);
  const xText = (p: DoraPeriod) => (over.period === 'day' ? date(period(p)) : `week of ${date(period(p))}`);
  const chart = (
    title: string,
    yLabel: string,
    y: (p: DoraPeriod) => number | null,
    formatY: (v: number) => string,
  ) =>
    lineChart({
      title: `${title}, by ${over.period}`,
      description: `From ${over.window!.from} to ${over.window!.to}, ${clockNote(report.clock)}.`,
      series: [
        { name: title, points: over.periods.map((p) => ({ x: period(p), y: y(p), xText: xText(p) })) },
      ],
      xLabel: over.period === 'day' ? 'day (UTC)' : 'week (UTC)',
      yLabel,
      formatX: date,
      formatY,
    });
  return html`${heading}
<p>Per ${per}, ${spanOf(over.window)}: a period without a conclusion has no deployments and no other figure, and the first and last periods may be partly outside the window.</p>
<div class="charts">${chart('lead time (median)', 'minutes', (p) => (p.leadTimeSeconds === null ? null : p.leadTimeSeconds / 60), minutes)}
${chart(
  'deployments per day',
  'releases per day',
  (p) => p.deploymentsPerDay,
  (v) => trimmed(v, 2),
)}
${chart(
  'change failure rate',
  'percent',
  (p) => (p.changeFailureRate === null ? null : p.changeFailureRate * 100),
  (v) => `${trimmed(v, 1)} %`,
)}
${chart('time to restore (median)', 'minutes', (p) => (p.timeToRestoreSeconds === null ? null : p.timeToRestoreSeconds / 60), minutes)}</div>`;
}

function minutes(value: number): string {
  return `${trimmed(value, 1)} min`;
}

/** A figure with at most `digits` decimals and no trailing zeros. */
function trimmed(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}
