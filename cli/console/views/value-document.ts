import {
  type CompoundingTrend,
  compoundingTrend,
  isFaster,
} from '../../../lambdas/core/value-compounding-trend.js';
import {
  type DoraFigures,
  growthFormulas,
  type ValueGroup,
  type ValueSums,
  valueTotals,
} from '../../../lambdas/core/value-report.js';
import type { ValueViewAnswer } from '../../../lambdas/core/value-view.js';
import type { ValueWindow } from '../../../lambdas/core/value-window.js';
import { duration, table, usd } from '../../format.js';

/** Whose clock the ledger's timestamps are: the local runtime's is virtual, a deployed stack's is real. */
export type ClockKind = 'virtual' | 'wall';

/**
 * The value report as `itv value report --json` prints it and the value view draws it: `GET /value`'s answer
 * with the totals of its groups, the formulas of the growth models its compounded figures use, and the clock.
 */
export type ValueReportDocument = ValueViewAnswer & {
  totals: ValueSums;
  formulas: string[];
  clock: ClockKind;
};

export function valueReportDocument(answer: ValueViewAnswer, clock: ClockKind): ValueReportDocument {
  return {
    ...answer,
    totals: valueTotals(answer.groups),
    formulas: growthFormulas([...new Set(answer.groups.flatMap((g) => g.growthModels))].sort()),
    clock,
  };
}

/**
 * Said while the stack is still summarizing a long ledger for its value view (`catchingUp`), or undefined: the
 * report then covers the intents concluded up to that entry only.
 */
export function catchingUpNote(report: Pick<ValueViewAnswer, 'catchingUp'>): string | undefined {
  const reach = report.catchingUp;
  if (reach === undefined) return undefined;
  return `the stack is still summarizing its ledger for the value report: this covers the intents concluded up to entry ${reach.summarizedThroughSeq} of ${reach.ledgerSize}; ask again for the rest`;
}

/**
 * Said when intents in the window failed before they concluded (`valueEndings`): they are counted among the
 * intents, as outcome `failed`, adding no value; undefined when none did (or the stack did not count them).
 *
 * @example failedIntentsNote({ failed: 2 }) // '2 intents failed (a stage failed before they concluded): …'
 */
export function failedIntentsNote(totals: Pick<ValueSums, 'failed'>): string | undefined {
  const failed = totals.failed ?? 0;
  if (failed === 0) return undefined;
  const [intents, they] = failed === 1 ? ['intent', 'it'] : ['intents', 'they'];
  return `${failed} ${intents} failed (a stage failed before ${they} concluded): counted among the intents, as outcome failed, with $0 realised and no cost of delay`;
}

/**
 * Which released changes the per-employee figure adds up: those that add value (each goal counted once: a later
 * change toward a goal already reached adds none) and whose value model names its employees.
 *
 * @example perEmployeeBasis({ released: 12, releasedWithEmployees: 4, repeatedGoalReleases: 5 })
 *   // 'the 4 of the 7 released changes adding value that name their employees (5 more went toward a goal already reached and add none)'
 */
export function perEmployeeBasis(
  totals: Pick<ValueSums, 'released' | 'releasedWithEmployees'> & { repeatedGoalReleases?: number },
): string {
  const repeated = totals.repeatedGoalReleases ?? 0;
  const adding = totals.released - repeated;
  const more = repeated === 0 ? '' : ` (${repeated} more went toward a goal already reached and add none)`;
  return `the ${totals.releasedWithEmployees} of the ${adding} released changes adding value that name their employees${more}`;
}

/**
 * Said when several released changes in the window went toward one goal: its value is counted once, on the first
 * of them, and the others add none (`lambdas/core/value-goals.ts`); undefined when no goal repeats.
 *
 * @example repeatedGoalsNote({ repeatedGoals: [{ outcome: 'Cut time-to-fill by 20%', metric: 'days', released: 5, countedIntentId: 'h1' }] })
 *   // '5 released changes went toward the goal "Cut time-to-fill by 20%" (days): its value is counted once, on h1; …'
 */
export function repeatedGoalsNote(
  report: Partial<Pick<ValueViewAnswer, 'repeatedGoals'>>,
): string | undefined {
  const goals = report.repeatedGoals ?? [];
  if (goals.length === 0) return undefined;
  const each = goals.map(
    (g) =>
      `${g.released} released changes went toward the goal "${g.outcome}" (${g.metric}): its value is counted once, on ${g.countedIntentId}`,
  );
  return `${each.join('; ')}; a goal's value is realised once, so the other changes toward it add no value per hour`;
}

/**
 * The compounding the text report shows: per kind of change (the curve's dimensions), its released changes, its
 * first and latest time to value, the part of each its release took and the rest, waiting, and how many times
 * faster the latest release ran — credited only where the strategy changed (`isFaster`); a time to value that fell
 * with less waiting is said to be that.
 *
 * @example compoundingLines(report) // ['compounding (time to value, first → latest released change, by service, kind):', '  hiring-flags / feature-flag: 3 released, time to value 12m 00s → 4m 00s (release 12m 00s → 4m 00s, waiting 0s → 0s), release 3.0× faster; …']
 */
export function compoundingLines(report: Pick<ValueViewAnswer, 'compounding'>): string[] {
  const { compounding } = report;
  const trends = compoundingTrend(compounding);
  const heading = `compounding (time to value, first → latest released change, by ${compounding.dimensions.join(', ')}):`;
  if (trends.length === 0) return [heading, '  no released change in the window'];
  const lines = trends.map((t) => {
    const name = Object.values(t.key).map(keyCell).join(' / ');
    const figures =
      t.firstSeconds === null
        ? 'no time to value'
        : t.speedUp === null && t.firstSeconds === t.latestSeconds && t.releases <= 1
          ? `time to value ${duration(t.firstSeconds)}, one release: nothing to compare yet`
          : `time to value ${duration(t.firstSeconds)} → ${duration(t.latestSeconds)}${releaseAndWaiting(t)}, ${verdict(t)}`;
    return `  ${name}: ${t.releases} released, ${figures}${learnedFigures(t)}`;
  });
  const more =
    compounding.curveCount > trends.length
      ? [
          `  (the ${trends.length} kinds with the most releases of ${compounding.curveCount}; --json has them all)`,
        ]
      : [];
  return [heading, ...lines, ...more];
}

/** ` (release 13m 00s → 13m 00s, waiting 13m 00s → 0s)`, where the release times are recorded. */
function releaseAndWaiting(t: CompoundingTrend): string {
  const { firstSeconds, latestSeconds, firstReleaseSeconds: first, latestReleaseSeconds: latest } = t;
  if (first === null || latest === null || firstSeconds === null || latestSeconds === null) return '';
  return ` (release ${duration(first)} → ${duration(latest)}, waiting ${duration(firstSeconds - first)} → ${duration(latestSeconds - latest)})`;
}

/** What the figures say of compounding: credited only to a faster release under a changed strategy. */
function verdict(t: CompoundingTrend): string {
  const timed = t.releaseSpeedUp !== null;
  if (isFaster(t)) {
    return timed
      ? `release ${t.releaseSpeedUp!.toFixed(1)}× faster`
      : `${(t.speedUp ?? 0).toFixed(1)}× faster (release time not recorded: waiting not told apart)`;
  }
  const fellBy = (t.speedUp ?? 0) > 1;
  if (timed && (t.releaseSpeedUp ?? 0) <= 1 && fellBy) {
    return 'no release speed-up: the time to value fell by less waiting (queue, review, checks), not by earned confidence';
  }
  if ((timed ? (t.releaseSpeedUp ?? 0) : (t.speedUp ?? 0)) > 1) {
    return 'no speed-up earned: it ran faster with the same strategy, which earned confidence did not change';
  }
  return 'no speed-up yet';
}

/** `; confidence after each release 0.05 → 0.60, strategy A → B` for a curve of several points, as far as recorded. */
function learnedFigures(t: CompoundingTrend): string {
  if (t.releases < 2) return '';
  const parts = [
    t.firstConfidence !== null && t.latestConfidence !== null
      ? `confidence after each release ${t.firstConfidence.toFixed(2)} → ${t.latestConfidence.toFixed(2)}`
      : undefined,
    t.firstStrategy !== null && t.latestStrategy !== null
      ? `strategy ${t.firstStrategy}${t.firstStrategy === t.latestStrategy ? ' throughout' : ` → ${t.latestStrategy}`}`
      : undefined,
  ].filter((part) => part !== undefined);
  return parts.length > 0 ? `; ${parts.join(', ')}` : '';
}

/**
 * The console's sentence on what the curves show: a speed-up only where the latest release of a kind ran faster
 * than its first under a strategy its earned confidence changed (`isFaster`); waiting is not counted.
 */
export function compoundingClaim(report: Pick<ValueViewAnswer, 'compounding'>): string {
  const trends = compoundingTrend(report.compounding);
  const faster = trends.filter(isFaster).length;
  const compared = trends.filter((t) => t.speedUp !== null).length;
  const aim =
    'Confidence earned by clean releases is meant to let the next safe change of a kind release faster';
  if (faster === 0) {
    return `${aim}. No kind releases faster than it first did yet${compared === 0 ? ': no kind has two released changes to compare' : ''}.`;
  }
  return `${aim}: ${faster} of ${trends.length} kinds released its latest change faster than its first, under a faster rollout strategy (its release alone: time spent waiting in a queue, for a review or for checks is not counted).`;
}

/** What a table cell shows for a group with no value of a dimension (no such tag, no service recorded). */
export const noValueCell = '(none)';

/**
 * A group's value of a dimension as a cell: `(none)` for none, the value itself otherwise — quoted as JSON when it
 * could be taken for none or for a quoted value (`(none)`, empty, starting with `"`), so every cell reads one way.
 *
 * @example keyCell(null) // '(none)'; keyCell('-') // '-'; keyCell('(none)') // '"(none)"'
 */
export function keyCell(value: string | null | undefined): string {
  if (value === null || value === undefined) return noValueCell;
  return value === noValueCell || value === '' || value.startsWith('"') ? JSON.stringify(value) : value;
}

/** The query of a value report: `by` and `curveBy` comma-separated dimensions, the window's bounds. */
export interface ValueViewQuery {
  by?: string;
  since?: string;
  until?: string;
  curveBy?: string;
}

/**
 * The query from a page's address: the group-by form sends one `by` (and `curveBy`) per ticked dimension,
 * which become one comma-separated list; empty fields are left out.
 *
 * @example valueQueryOf(new URLSearchParams('by=region&by=team&since=')) // { by: 'region,team' }
 */
export function valueQueryOf(params: URLSearchParams): ValueViewQuery {
  const query: ValueViewQuery = {};
  for (const name of ['by', 'curveBy'] as const) {
    const list = params
      .getAll(name)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
    if (list.length > 0) query[name] = list.join(',');
  }
  for (const name of ['since', 'until'] as const) {
    const value = params.get(name)?.trim();
    if (value) query[name] = value;
  }
  return query;
}

/** The API path that answers the query: `/value?by=…&since=…`. */
export function valueApiPath(query: ValueViewQuery): string {
  const params = new URLSearchParams();
  for (const name of ['by', 'since', 'until', 'curveBy'] as const) {
    const value = query[name];
    if (value !== undefined) params.set(name, value);
  }
  const text = params.toString();
  return text ? `/value?${text}` : '/value';
}

/** The figure columns of a value table, after the dimensions. */
/**
 * What the value per hour of a report adds up: the changes released in its window, not the value flowing at any
 * one instant — each value model has its horizon (`years`), and a change released long ago may be past it.
 */
export const releasedValueNote =
  'Σ value/hour of the changes released in this window, each over its value model’s horizon, which may since have ended';

export const valueFigureHeaders = [
  'intents',
  'released',
  'value/hour',
  'per employee',
  'compounded/hour',
  'growth',
  'cost of delay',
  'median time to value',
];

/** A group's (or the totals') figures as cells, per-employee `-` where no released intent names employees. */
export function valueFigures(
  g: ValueSums & { medianTimeToValueSeconds?: number | null; growthModels?: string[] },
): string[] {
  return [
    String(g.intents),
    String(g.released),
    usd(g.valuePerHourUsd),
    g.valuePerHourPerEmployeeUsd === null ? '-' : usd(g.valuePerHourPerEmployeeUsd),
    usd(g.compoundedValuePerHourUsd),
    g.growthModels ? g.growthModels.join('+') || '-' : '',
    usd(g.costOfDelayUsd),
    g.medianTimeToValueSeconds === undefined ? '' : duration(g.medianTimeToValueSeconds),
  ];
}

/**
 * The text report's table: the dimensions, then the figures, one row per group and a total row. Every figure
 * column is right-aligned (`growth` is words), a per-employee column of `-` only included.
 */
export function valueTableText(
  dimensions: readonly string[],
  groups: readonly ValueGroup[],
  totals: ValueSums,
): string {
  const figureColumns = valueFigureHeaders.flatMap((header, i) =>
    header === 'growth' ? [] : [dimensions.length + i],
  );
  return table(
    [...dimensions, ...valueFigureHeaders],
    [
      ...groups.map((g) => [...dimensions.map((d) => keyCell(g.key[d])), ...valueFigures(g)]),
      [...dimensions.map((_, i) => (i === 0 ? 'total' : '')), ...valueFigures(totals)],
    ],
    { figureColumns },
  );
}

/** What the clock means for the figures. */
export function clockNote(clock: ClockKind): string {
  return clock === 'virtual'
    ? "virtual time: the local runtime's clock, on which rollouts and bakes take their real durations in moments"
    : "wall-clock time: the ledger's timestamps";
}

/**
 * The DORA line: the four figures, the window they cover, and whose clock measured it. `asked` is the report's
 * window: with a bound, a window without a conclusion says none concluded in it, not that none has yet.
 */
export function doraLine(
  dora: DoraFigures,
  clock: ClockKind,
  asked: ValueWindow = { since: null, until: null },
): string {
  const rate = dora.changeFailureRate === null ? '-' : `${(dora.changeFailureRate * 100).toFixed(1)} %`;
  // The span of the conclusions as it is, and the window the per-day rate is counted over: the one asked for, an
  // open side closed by a conclusion, of at least one day (DoraFigures.window).
  const w = dora.window;
  const spanSeconds = w ? (Date.parse(w.lastConcludedAt) - Date.parse(w.firstConcludedAt)) / 1000 : 0;
  const windowSeconds = w ? (Date.parse(w.to) - Date.parse(w.from)) / 1000 : 0;
  const conclusions = !w
    ? ''
    : spanSeconds === 0
      ? `one conclusion, at ${w.firstConcludedAt}`
      : `conclusions ${w.firstConcludedAt} to ${w.lastConcludedAt}, ${duration(spanSeconds)} apart`;
  const bounds =
    w && (w.from !== w.firstConcludedAt || w.to !== w.lastConcludedAt) ? ` from ${w.from} to ${w.to}` : '';
  const window = w
    ? `${conclusions}; deployments/day over ${w.days.toFixed(1)} day${w.days === 1 ? '' : 's'}${bounds}${windowSeconds < 86_400 ? ', the least a rate is counted over' : ''}`
    : asked.since === null && asked.until === null
      ? 'no concluded intent yet'
      : 'none concluded in this window';
  return `DORA (${window}; ${clockNote(clock)}): lead time ${duration(dora.leadTimeSeconds)}, deployments/day ${dora.deploymentsPerDay?.toFixed(1) ?? '-'}, change failure rate ${rate}, time to restore ${duration(dora.timeToRestoreSeconds)} (failed release's start to its rollback's end)`;
}
