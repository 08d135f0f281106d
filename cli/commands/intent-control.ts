import { InvalidInputError } from '../../lambdas/core/errors.js';
import { actingAs, actingLine } from '../api/acting-as.js';
import { chosenTarget, connect } from '../api/itv-api.js';
import { printApiError, sameNamedFlags } from '../control-plane/api-errors.js';
import { honouringRetryAfter, waitingLine } from '../control-plane/retry-after.js';
import { followLimit, untilTimedOut } from '../follow-timeout.js';
import { terminalText } from '../format.js';
import { followAndReport } from './submit.js';
import { watchIntent } from './watch.js';

/**
 * `itv stop ID --reason TEXT`: `POST /intents/{id}/stop` as the caller (its requester, an owner of its
 * service or a release steward), then the intent watched until it concludes, as `itv watch` shows it; the exit code is its outcome's
 * (2 once it concluded `stopped`: it did not release). `itv stop` with no id is the control plane's old stop.
 */
export async function stopIntentCommand(
  id: string | undefined,
  options: { reason?: string; as?: string; json?: boolean; timeout?: string },
): Promise<number> {
  if (id === undefined) {
    throw new InvalidInputError(
      "itv stop takes an intent id; the local control plane's stop is now `itv control-plane stop`",
      [],
    );
  }
  if (!options.reason?.trim()) {
    throw new InvalidInputError('say why the intent is stopped', [
      { path: '--reason', message: 'is required: the stop is recorded on the ledger with it' },
    ]);
  }
  return postThenWatch(id, 'stop', { reason: options.reason }, options, 'itv stop');
}

/**
 * `itv retry ID`: `POST /intents/{id}/retry` as the caller; the new attempt (`<id>:attempt-<n>`) is followed
 * until it settles, as `itv submit` follows a submission and by the same code (`followAndReport`): each stage, then
 * why it did not release and the next step; the exit code is its outcome's.
 */
export async function retryIntentCommand(
  id: string,
  options: { as?: string; json?: boolean; timeout?: string },
): Promise<number> {
  return postThenWatch(id, 'retry', {}, options, 'itv retry');
}

async function postThenWatch(
  id: string,
  route: 'stop' | 'retry',
  body: Record<string, unknown>,
  options: { as?: string; json?: boolean; timeout?: string },
  command: string,
): Promise<number> {
  const json = options.json ?? false;
  // Counted from the command's start; refused before anything is sent.
  const limit = followLimit(options.timeout);
  const target = await chosenTarget();
  const as = actingAs(target, options.as, command);
  const api = await connect(target);
  const answer = await honouringRetryAfter(
    () =>
      api.client.call<{
        intentId?: string;
        previousIntentId?: string;
        repeated?: boolean;
        reasonRecorded?: boolean;
        note?: string;
        stop?: { by: string; reason: string; requestedAt: string };
      }>('POST', `/intents/${encodeURIComponent(id)}/${route}`, { body, ...(as ? { as } : {}) }),
    { onWait: (seconds, refused) => (json ? console.error : console.log)(waitingLine(seconds, refused)) },
  );
  // The body's fields are the flags of the same name (`--reason`).
  if (answer.status >= 400) return printApiError(answer, sameNamedFlags(Object.keys(body)));
  const watched = answer.body.intentId ?? id;
  // A stop after another: the first one's reason is the one recorded, and this caller is told so.
  const { repeated, reasonRecorded, note, stop } = answer.body;
  if (!json) {
    console.log(actingLine(api, as));
    if (route === 'retry') console.log(`retrying ${answer.body.previousIntentId ?? id} as ${watched}`);
    else if (note) console.log(`${terminalText(note)}; watching it conclude`);
    else if (repeated) console.log(`stop already requested for ${id}; watching it conclude`);
    else console.log(`stop requested for ${id}; watching it conclude`);
  }
  // A retry is followed as a submission is, by the same code: each stage, then why it did not release and the
  // next step (a wait for a person ends the command: exit 0, as `itv submit`).
  if (route === 'retry') {
    return followAndReport(api, watched, { json, untilReviewed: false, ...(limit ? { limit } : {}) });
  }
  // A stop is followed until the intent concludes, or `--timeout` is reached.
  return untilTimedOut(api, watched, limit, json, () =>
    watchIntent(api, watched, {
      json,
      tty: false,
      ...(repeated ? { also: { stopRequest: { repeated, reasonRecorded, note, stop } } } : {}),
      ...(limit ? { signal: limit.signal } : {}),
    }),
  );
}
