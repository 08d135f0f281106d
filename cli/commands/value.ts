import { writeFileSync } from 'node:fs';
import { concludedIntents, doraFigures, valueReport } from '../../lambdas/core/value-report.js';
import { duration, table, usd } from '../format.js';
import { withSession } from '../session.js';

/** `itv value report`: $/hour, time to value and cost of delay by any dimensions, and DORA figures. */
export async function valueReportCommand(options: {
  by?: string;
  json?: boolean;
  html?: string;
}): Promise<number> {
  const dimensions = (options.by ?? 'service')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  return withSession({}, async ({ stack }) => {
    const intents = concludedIntents(await stack.deps.ledger.read(stack.deps.ledgerName));
    const groups = valueReport(intents, dimensions);
    const dora = doraFigures(intents);
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
  });
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
