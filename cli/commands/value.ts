import { writeFileSync } from 'node:fs';
import {
  type DoraFigures,
  growthFormulas,
  type ValueGroup,
  type ValueSums,
  valueTotals,
} from '../../lambdas/core/value-report.js';
import { openApi } from '../api/itv-api.js';
import { printApiError } from '../control-plane/api-errors.js';
import { duration, table, usd } from '../format.js';

/** What `GET /value` answers. */
interface ValueAnswer {
  dimensions: string[];
  groups: ValueGroup[];
  dora: DoraFigures;
}

/** Whose clock the ledger's timestamps are: the local runtime's is virtual, a deployed stack's is real. */
export type ClockKind = 'virtual' | 'wall';

const headers = [
  'intents',
  'released',
  'value/hour',
  'per employee',
  'compounded/hour',
  'growth',
  'cost of delay',
  'median time to value',
];

/** A group's (or the totals') figures as table cells, per-employee `-` where no released intent names employees. */
function figures(
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

/** The DORA line: the four figures, the window they cover, and whose clock measured it. */
export function doraLine(dora: DoraFigures, clock: ClockKind): string {
  const rate = dora.changeFailureRate === null ? '-' : `${(dora.changeFailureRate * 100).toFixed(1)} %`;
  const window = dora.window
    ? `over ${dora.window.days.toFixed(1)} day${dora.window.days === 1 ? '' : 's'}, ${dora.window.from} to ${dora.window.to}`
    : 'no concluded intent yet';
  const time =
    clock === 'virtual'
      ? "virtual time: the local runtime's clock, on which rollouts and bakes take their real durations in moments"
      : "wall-clock time: the ledger's timestamps";
  return `DORA (${window}; ${time}): lead time ${duration(dora.leadTimeSeconds)}, deployments/day ${dora.deploymentsPerDay?.toFixed(1) ?? '-'}, change failure rate ${rate}, time to restore ${duration(dora.timeToRestoreSeconds)} (failed release's start to its rollback's end)`;
}

/**
 * `itv value report`: `GET /value?by=…` on the chosen stack — $/hour (flat, per employee and compounded under
 * each intent's growth model), time to value and cost of delay by any dimensions, with totals, and the DORA
 * figures with the window and clock they come from. An unknown dimension is refused (exit 1), naming the
 * known ones.
 */
export async function valueReportCommand(options: {
  by?: string;
  json?: boolean;
  html?: string;
}): Promise<number> {
  const api = await openApi();
  const answer = await api.client.call<ValueAnswer>(
    'GET',
    `/value?by=${encodeURIComponent(options.by ?? 'service')}`,
  );
  if (answer.status !== 200) return printApiError(answer);
  const { dimensions, groups, dora } = answer.body;
  const clock: ClockKind = api.kind === 'local' ? 'virtual' : 'wall';
  const totals = valueTotals(groups);
  const formulas = growthFormulas([...new Set(groups.flatMap((g) => g.growthModels))].sort());
  if (options.json) {
    console.log(JSON.stringify({ dimensions, groups, totals, formulas, dora, clock }, null, 2));
  } else {
    console.log(
      table(
        [...dimensions, ...headers],
        [
          ...groups.map((g) => [...dimensions.map((d) => g.key[d] ?? '-'), ...figures(g)]),
          [...dimensions.map((_, i) => (i === 0 ? 'total' : '')), ...figures(totals)],
        ],
      ),
    );
    console.log(
      `\nper employee: Σ value/hour ÷ Σ employees over released intents whose value model names them (${totals.releasedWithEmployees} of ${totals.released}); compounded/hour by each intent's growth model:`,
    );
    for (const formula of formulas) console.log(`  ${formula}`);
    console.log(`\n${doraLine(dora, clock)}`);
  }
  if (options.html) {
    writeFileSync(options.html, htmlReport(dimensions, groups, totals, formulas, dora, clock));
    if (!options.json) console.log(`wrote ${options.html}`);
  }
  return 0;
}

function htmlReport(
  dimensions: string[],
  groups: ValueGroup[],
  totals: ValueSums,
  formulas: string[],
  dora: DoraFigures,
  clock: ClockKind,
): string {
  const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const head = [...dimensions, ...headers];
  const row = (cells: string[]) =>
    cells
      .map((cell, i) => `<td${i >= dimensions.length ? ' class="n"' : ''}>${escapeHtml(cell)}</td>`)
      .join('');
  const rows = [
    ...groups.map((g) => row([...dimensions.map((d) => g.key[d] ?? '-'), ...figures(g)])),
    row([...dimensions.map((_, i) => (i === 0 ? 'total' : '')), ...figures(totals)]),
  ];
  return `<!doctype html><meta charset="utf-8"><title>itv value report</title>
<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}td.n{text-align:right}tr:last-child{font-weight:bold}</style>
<h1>itv value report</h1>
<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>
${rows.map((r) => `<tr>${r}</tr>`).join('\n')}</table>
<ul>${formulas.map((f) => `<li><code>${escapeHtml(f)}</code></li>`).join('')}</ul>
<p>${escapeHtml(doraLine(dora, clock))}</p>
`;
}
