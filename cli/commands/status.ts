import type { IntentStatus, RecordedReview } from '../../lambdas/core/pipeline/status.js';
import { identityText } from '../../lambdas/core/principals/caller.js';
import type { LedgerEntry } from '../../lambdas/ports/ledger-store.js';
import { ledgerOf, openApi } from '../api/itv-api.js';
import { nextAttempt, type RetriedAs } from '../api/next-attempt.js';
import { waitDetails } from '../api/wait-details.js';
import { paint, statusColour } from '../colour.js';
import { printApiError } from '../control-plane/api-errors.js';
import { changeLine, type DeclaredChange, declaredChange } from '../declared-change.js';
import { duration, table, terminalText, usd } from '../format.js';
import { printIntentNotFound } from '../json-errors.js';
import { nextStepLines } from './next-step.js';

/**
 * An intent's status as `itv status` prints it; given its declared change, also what it changes (in one line,
 * never the payload) and, before it concludes, the value per hour its value model declares.
 */
export function printStatus(status: IntentStatus, json: boolean, change?: DeclaredChange): void {
  if (json) {
    console.log(JSON.stringify(status, null, 2));
    return;
  }
  console.log(`intent   ${status.intentId}  ${terminalText(status.title ?? '')}`);
  console.log(`service  ${status.service ?? '-'}   risk tier ${status.tier ?? '-'}`);
  // A stack older than these fields answers without them: the lines are left out, not printed empty.
  if (status.requester) console.log(`requester ${terminalText(status.requester)}`);
  // The declared change's whole line where the caller has its entries; else the API's target of it.
  const target = change?.target ?? (status.change ? changeLine({ change: status.change }) : undefined);
  if (target) console.log(`change   ${terminalText(target)}`);
  console.log(`status   ${paint(status.status, statusColour(status))}`);
  if (status.status === 'registering-contract') {
    console.log("         nothing to deploy: a schema update's contract is registered as it concludes");
  }
  if (status.review) console.log(`review   ${reviewText(status.review)}`);
  if (status.timeToValueSeconds !== null)
    console.log(`time to value  ${duration(status.timeToValueSeconds)}`);
  if (status.valuePerHourUsd !== null) {
    const perEmployee =
      status.valuePerHourPerEmployeeUsd === null
        ? ''
        : `, ${usd(status.valuePerHourPerEmployeeUsd)} per employee`;
    // The value model's figure; only a released change realises it (the value report counts the others as $0).
    const realised =
      (status.valueRealised ?? status.outcome === 'released')
        ? ''
        : ` — declared, not realised (${status.outcome ?? status.status})`;
    console.log(`value per hour ${usd(status.valuePerHourUsd)}${perEmployee}${realised}`);
  } else if (change && status.outcome === null) {
    const perEmployee =
      change.valuePerHourPerEmployeeUsd === undefined
        ? ''
        : `, ${usd(change.valuePerHourPerEmployeeUsd)} per employee`;
    console.log(`value per hour ${usd(change.valuePerHourUsd)}${perEmployee} — declared`);
  }
  for (const reason of status.reasons) console.log(`why      ${terminalText(reason)}`);
  console.log(
    table(
      ['seq', 'time', 'step'],
      status.steps.map((s) => [s.seq, s.timestamp, s.type]),
    ),
  );
}

/** Where a concluded attempt went on: `retried  as int-…:attempt-2 by olga: itv status int-…:attempt-2`. */
export function retriedLine(retried: RetriedAs): string {
  const by = retried.retriedBy === undefined ? '' : ` by ${terminalText(retried.retriedBy)}`;
  return `retried  as ${retried.intentId}${by}: itv status ${retried.intentId}`;
}

/** A recorded review in one line: `approved by xavier at 2026-11-04T15:10:00.000Z: access controls reviewed`. */
export function reviewText(review: RecordedReview): string {
  const why = review.reason === null ? ' (no reason given)' : `: ${terminalText(review.reason)}`;
  // Only the capacity an ordinary change has no reviewer in is named: owners and domain reviewers print as before.
  const as = review.as === 'release-steward' ? ' (release steward, for a break-glass)' : '';
  // How they signed in, as recorded: an auditor tells a verified identity from a local name at a glance.
  const identity =
    review.authenticatedAs === null ? '' : ` (${terminalText(identityText(review.authenticatedAs))})`;
  return `${review.decision} by ${terminalText(review.reviewer)}${identity}${as} at ${review.decidedAt}${why}`;
}

/**
 * `itv status`: `GET /intents/{id}` on the chosen stack; for an intent that waits, what it waits for and the
 * command that moves it on, as `itv submit` says where it stops (a queued one: the intent holding its lane, and
 * what that one waits for).
 */
export async function statusCommand(id: string, options: { json?: boolean }): Promise<number> {
  const api = await openApi();
  // The text names what the intent changes, from its declaration among its entries.
  const include = options.json ? '' : '?include=entries';
  const answer = await api.client.call<IntentStatus & { entries?: LedgerEntry[] }>(
    'GET',
    `/intents/${encodeURIComponent(id)}${include}`,
  );
  if (answer.status === 404) {
    printIntentNotFound(id, ledgerOf(api));
    return 1;
  }
  if (answer.status >= 400) return printApiError(answer);
  if (options.json) {
    printStatus(answer.body, true);
    return 0;
  }
  const { entries, ...status } = answer.body;
  printStatus(status, false, declaredChange(entries ?? []));
  // An attempt that was run again says so: the retry acts on the latest attempt, and this one is not it.
  const retried = await nextAttempt(status, (path) => api.client.call('GET', path));
  if (retried) console.log(retriedLine(retried));
  const next = nextStepLines(status, api.kind, await waitDetails(api.client, status));
  if (next) console.log(next);
  return 0;
}
