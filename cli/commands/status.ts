import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { ledgerOf, openApi } from '../api/itv-api.js';
import { waitDetails } from '../api/wait-details.js';
import { paint, statusColour } from '../colour.js';
import { printApiError } from '../control-plane/api-errors.js';
import { duration, table, terminalText, usd } from '../format.js';
import { nextStepLines } from './next-step.js';

export function printStatus(status: IntentStatus, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(status, null, 2));
    return;
  }
  console.log(`intent   ${status.intentId}  ${terminalText(status.title ?? '')}`);
  console.log(`service  ${status.service ?? '-'}   risk tier ${status.tier ?? '-'}`);
  console.log(`status   ${paint(status.status, statusColour(status))}`);
  if (status.timeToValueSeconds !== null)
    console.log(`time to value  ${duration(status.timeToValueSeconds)}`);
  if (status.valuePerHourUsd !== null) {
    const perEmployee =
      status.valuePerHourPerEmployeeUsd === null
        ? ''
        : `, ${usd(status.valuePerHourPerEmployeeUsd)} per employee`;
    // The value model's figure; only a released change realises it (the value report counts the others as $0).
    const realised =
      status.outcome === 'released' ? '' : ` — declared, not realised (${status.outcome ?? status.status})`;
    console.log(`value per hour ${usd(status.valuePerHourUsd)}${perEmployee}${realised}`);
  }
  for (const reason of status.reasons) console.log(`why      ${terminalText(reason)}`);
  console.log(
    table(
      ['seq', 'time', 'step'],
      status.steps.map((s) => [s.seq, s.timestamp, s.type]),
    ),
  );
}

/**
 * `itv status`: `GET /intents/{id}` on the chosen stack; for an intent that waits, what it waits for and the
 * command that moves it on, as `itv submit` says where it stops (a queued one: the intent holding its lane, and
 * what that one waits for).
 */
export async function statusCommand(id: string, options: { json?: boolean }): Promise<number> {
  const api = await openApi();
  const answer = await api.client.call<IntentStatus>('GET', `/intents/${encodeURIComponent(id)}`);
  if (answer.status === 404) {
    console.error(`itv: no intent ${id} on ${ledgerOf(api)}`);
    return 1;
  }
  if (answer.status >= 400) return printApiError(answer);
  printStatus(answer.body, options.json ?? false);
  if (options.json) return 0;
  const next = nextStepLines(answer.body, api.kind, await waitDetails(api.client, answer.body));
  if (next) console.log(next);
  return 0;
}
