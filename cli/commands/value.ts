import { writeFileSync } from 'node:fs';
import type { doraFigures, valueReport } from '../../lambdas/core/value-report.js';
import { openApi } from '../api/itv-api.js';
import { printApiError } from '../control-plane/api-errors.js';
import { duration, table, usd } from '../format.js';

/** What `GET /value` answers. */
interface ValueAnswer {
  dimensions: string[];
  groups: ReturnType<typeof valueReport>;
  dora: ReturnType<typeof doraFigures>;
}

/**
 * `itv value report`: `GET /value?by=…` on the home's control plane — $/hour, time to value and cost of delay
 * by any dimensions, and DORA figures. An unknown dimension is refused (exit 1), naming the known ones.
 */
export async function valueReportCommand(options: {
  by?: string;
  json?: boolean;
  html?: string;
}): Promise<number> {
  const { client } = await openApi();
  const answer = await client.call<ValueAnswer>(
    'GET',
    `/value?by=${encodeURIComponent(options.by ?? 'service')}`,
  );
  if (answer.status !== 200) return printApiError(answer);
  const { dimensions, groups, dora } = answer.body;
  if (options.json) {
    console.log(JSON.stringify({ dimensions, groups, dora }, null, 2));
  } else {
    console.log(
      table(
        [...dimensions, 'intents', 'released', 'value/hour', 'cost of delay', 'median time to value'],
        groups.map((g) => [
          ...dimensions.map((d) => g.key[d] ?? '-'),
          g.intents,
          g.released,
          usd(g.valuePerHourUsd),
          usd(g.costOfDelayUsd),
          duration(g.medianTimeToValueSeconds),
        ]),
      ),
    );
    const rate = dora.changeFailureRate === null ? '-' : `${(dora.changeFailureRate * 100).toFixed(1)} %`;
    console.log(
      `\nDORA: lead time ${duration(dora.leadTimeSeconds)}, deployments/day ${dora.deploymentsPerDay?.toFixed(1) ?? '-'}, change failure rate ${rate}, time to restore ${duration(dora.timeToRestoreSeconds)}`,
    );
  }
  if (options.html) {
    writeFileSync(options.html, htmlReport(dimensions, groups, dora));
    if (!options.json) console.log(`wrote ${options.html}`);
  }
  return 0;
}

function htmlReport(
  dimensions: string[],
  groups: ReturnType<typeof valueReport>,
  dora: ReturnType<typeof doraFigures>,
): string {
  const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const head = [...dimensions, 'intents', 'released', 'value/hour', 'cost of delay', 'median time to value'];
  const rows = groups.map((g) =>
    [
      ...dimensions.map((d) => g.key[d] ?? '-'),
      String(g.intents),
      String(g.released),
      usd(g.valuePerHourUsd),
      usd(g.costOfDelayUsd),
      duration(g.medianTimeToValueSeconds),
    ]
      .map((cell) => `<td>${escapeHtml(cell)}</td>`)
      .join(''),
  );
  return `<!doctype html><meta charset="utf-8"><title>itv value report</title>
<style>body{font:14px system-ui;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}</style>
<h1>itv value report</h1>
<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>
${rows.map((r) => `<tr>${r}</tr>`).join('\n')}</table>
<p>DORA: lead time ${duration(dora.leadTimeSeconds)}; deployments/day ${dora.deploymentsPerDay?.toFixed(1) ?? '-'};
change failure rate ${dora.changeFailureRate === null ? '-' : `${(dora.changeFailureRate * 100).toFixed(1)} %`};
time to restore ${duration(dora.timeToRestoreSeconds)}</p>
`;
}
