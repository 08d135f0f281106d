import { actingLine } from '../api/acting-as.js';
import { followOn } from '../api/follow-on.js';
import { connect, type ItvApi, ledgerOf, type Target } from '../api/itv-api.js';
import {
  ApiAnswerError,
  type FlagsByField,
  printApiError,
  sameNamedFlags,
} from '../control-plane/api-errors.js';
import type { ActingAs } from '../control-plane/client.js';
import { honouringRetryAfter, waitingLine } from '../control-plane/retry-after.js';
import { exitCodeFor } from '../exit-codes.js';
import { type FollowLimit, untilTimedOut } from '../follow-timeout.js';
import { printIntentNotFound } from '../json-errors.js';
import { printStatus } from './status.js';

/**
 * A person's decision on a parked intent (`itv review`, `itv release decide`): `POST /intents/{id}/<route>`
 * as the caller, then the resumed execution followed until it settles, printing only what was reported after
 * the decision. `decisionFlags` are the flags the body's `decision` comes from, named in a refusal of it. With
 * `limit` (`--timeout`) reached before the execution settles, where the intent stands and `exitCodes.timedOut`.
 */
export async function postDecisionAndFollow(
  id: string,
  route: 'review' | 'release-decision',
  body: Record<string, unknown>,
  target: Target,
  as: ActingAs | undefined,
  json: boolean,
  decisionFlags: string,
  limit?: FollowLimit,
): Promise<number> {
  const api = await connect(target);
  const path = `/intents/${encodeURIComponent(id)}`;
  const after = await shownSoFar(api, id);
  const answer = await honouringRetryAfter(
    () => api.client.call('POST', `${path}/${route}`, { body, ...(as ? { as } : {}) }),
    { onWait: (seconds, refused) => (json ? console.error : console.log)(waitingLine(seconds, refused)) },
  );
  const flags: FlagsByField = { ...sameNamedFlags(Object.keys(body)), decision: decisionFlags };
  if (answer.status >= 400) return printApiError(answer, flags);
  if (!json) console.log(actingLine(api, as));
  return untilTimedOut(api, id, limit, json, async () => {
    const status = await followOn(api, id, {
      print: json ? undefined : (line) => console.log(line),
      after,
      ...(limit ? { signal: limit.signal } : {}),
    });
    if (!status) {
      printIntentNotFound(id, ledgerOf(api));
      return 1;
    }
    printStatus(status, json);
    return exitCodeFor(status);
  });
}

/**
 * What the intent's progress already showed before the decision: events locally, the last ledger seq deployed.
 * Locally the progress is the control plane's own route, so a refusal of it (`ApiAnswerError`) ends the command.
 */
export async function shownSoFar(api: ItvApi, id: string): Promise<number | undefined> {
  if (api.kind === 'local') {
    const path = `/local/intents/${encodeURIComponent(id)}/progress?after=0`;
    const before = await api.client.call<{ events: unknown[]; skipped?: number }>('GET', path);
    if (before.status !== 200) throw new ApiAnswerError('GET', path, before);
    // Counted from the intent's first event, those the control plane no longer keeps included.
    return (before.body.skipped ?? 0) + before.body.events.length;
  }
  const before = await api.client.call<{ steps?: Array<{ seq: number }> }>(
    'GET',
    `/intents/${encodeURIComponent(id)}`,
  );
  return before.status === 200
    ? Math.max(-1, ...(before.body.steps ?? []).map((step) => step.seq))
    : undefined;
}
