import type { ValueViewAnswer } from '../../lambdas/core/value-view.js';
import { openApi } from '../api/itv-api.js';
import { targetClock } from '../api/target-clock.js';
import {
  type ClockKind,
  catchingUpNote,
  compoundingLines,
  doraLine,
  failedIntentsNote,
  perEmployeeBasis,
  releasedValueNote,
  repeatedGoalsNote,
  valueApiPath,
  valueReportDocument,
  valueTableText,
} from '../console/views/value-document.js';
import { renderValuePage } from '../console/views/value-view.js';
import { printApiError, sameNamedFlags } from '../control-plane/api-errors.js';
import { refuseExistingFile, refuseMissingFolder, writeNamedFile } from '../output-file.js';

/**
 * `itv value report`: `GET /value?by=…&since=…&until=…&curveBy=…` on the chosen stack — $/hour (flat, per
 * employee and compounded under each intent's growth model), time to value and cost of delay by any dimensions
 * over a time window, with totals, and the DORA figures with the window and clock they come from. `--json`
 * prints the whole report (DORA per period and the compounding curves included); `--html FILE` writes the
 * console's value view as one self-contained file, never over one that is there (refused naming --html). An unknown dimension or a malformed instant is refused
 * (exit 1), naming the field.
 */
export async function valueReportCommand(options: {
  by?: string;
  since?: string;
  until?: string;
  curveBy?: string;
  json?: boolean;
  html?: string;
}): Promise<number> {
  if (options.html) {
    refuseMissingFolder(options.html, '--html');
    refuseExistingFile(options.html, '--html');
  }
  const api = await openApi();
  const answer = await api.client.call<ValueViewAnswer>(
    'GET',
    valueApiPath({
      by: options.by ?? 'service',
      ...(options.since !== undefined ? { since: options.since } : {}),
      ...(options.until !== undefined ? { until: options.until } : {}),
      ...(options.curveBy !== undefined ? { curveBy: options.curveBy } : {}),
    }),
  );
  if (answer.status !== 200)
    return printApiError(answer, sameNamedFlags(['by', 'since', 'until', 'curveBy']));
  const clock: ClockKind = await targetClock(api);
  const report = valueReportDocument(answer.body, clock);
  const { dimensions, groups, totals, formulas, dora, window } = report;
  // Written first: a file that cannot be written stops the command before it prints a report.
  // 'wx': written only where nothing is (a file made since the check above included).
  if (options.html) {
    writeNamedFile(options.html, renderValuePage(report, { standalone: true }), '--html', { flag: 'wx' });
  }
  if (options.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(valueTableText(dimensions, groups, totals));
    console.log(`\nvalue/hour: ${releasedValueNote}.`);
    console.log(
      `per employee: Σ (value/hour ÷ employees) over ${perEmployeeBasis(totals)}; compounded/hour by each intent's growth model:`,
    );
    for (const formula of formulas) console.log(`  ${formula}`);
    const repeated = repeatedGoalsNote(report);
    if (repeated !== undefined) console.log(`\nrepeated goals: ${repeated}.`);
    const failed = failedIntentsNote(totals);
    if (failed !== undefined) console.log(`\nfailed: ${failed}.`);
    if (window.since !== null || window.until !== null) {
      console.log(
        `\nwindow: intents concluded from ${window.since ?? 'the first'} until ${window.until ?? 'the last'}`,
      );
    }
    console.log(`\n${doraLine(dora, clock, window)}`);
    console.log(`\n${compoundingLines(report).join('\n')}`);
    const partial = catchingUpNote(report);
    if (partial !== undefined) console.log(`\nnote: ${partial}`);
  }
  if (options.html && !options.json) console.log(`wrote ${options.html}`);
  return 0;
}
