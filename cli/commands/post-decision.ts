import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { printApiError } from '../control-plane/api-errors.js';
import { controlPlane } from '../control-plane/client.js';
import { followIntent } from '../control-plane/follow.js';
import { honouringRetryAfter, waitingLine } from '../control-plane/retry-after.js';
import { exitCodeFor } from '../exit-codes.js';
import { progressPrinter } from '../progress.js';
import type { namedPrincipal } from '../runtime/local-caller.js';
import { printStatus } from './status.js';

/**
 * A person's decision on a parked intent (`itv review`, `itv release decide`): `POST /intents/{id}/<route>`
 * as the principal the command names, then the resumed execution followed to its end, printing only the
 * stages reported after the decision.
 */
export async function postDecisionAndFollow(
  id: string,
  route: 'review' | 'release-decision',
  body: Record<string, unknown>,
  as: ReturnType<typeof namedPrincipal>,
  json: boolean,
): Promise<number> {
  const client = await controlPlane(itvHome());
  const path = `/intents/${encodeURIComponent(id)}`;
  const before = await client.call<{ events: unknown[] }>(
    'GET',
    `/local/intents/${encodeURIComponent(id)}/progress?after=0`,
  );
  const answer = await honouringRetryAfter(() => client.call('POST', `${path}/${route}`, { body, as }), {
    onWait: (seconds, refused) => (json ? console.error : console.log)(waitingLine(seconds, refused)),
  });
  if (answer.status >= 400) return printApiError(answer);
  if (!json) console.log(`acting as ${as.named}, named by ${as.via} (local runtime: not verified)`);
  const status = await followIntent(client, id, {
    onEvent: json ? undefined : progressPrinter((line) => console.log(line)),
    after: before.body.events.length,
  });
  if (!status) {
    console.error(`no intent ${id} on the ledger`);
    return 1;
  }
  printStatus(status, json);
  return exitCodeFor(status);
}
