import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { printApiError } from '../control-plane/api-errors.js';
import { controlPlane } from '../control-plane/client.js';
import { followIntent } from '../control-plane/follow.js';
import { honouringRetryAfter, waitingLine } from '../control-plane/retry-after.js';
import { progressPrinter } from '../progress.js';
import { namedPrincipal } from '../runtime/local-caller.js';
import { printStatus } from './status.js';
import { exitCodeFor } from './submit.js';

/**
 * `itv review`: `POST /intents/{id}/review` as the reviewer of record the command names; the control plane
 * resumes the parked execution, which this command follows to its end.
 */
export async function reviewCommand(
  id: string,
  options: {
    approve?: boolean;
    reject?: boolean;
    as?: string;
    reviewer?: string;
    reason?: string;
    json?: boolean;
  },
): Promise<number> {
  if (options.approve === options.reject) {
    console.error('give exactly one of --approve or --reject');
    return 1;
  }
  // The reviewer of record is who runs the command; `--reviewer` is the older spelling of `--as`.
  const as = namedPrincipal(options.as ?? options.reviewer, process.env, 'itv review');
  const client = await controlPlane(itvHome());
  // Stage progress already reported before the review is not printed again.
  const before = await client.call<{ events: unknown[] }>(
    'GET',
    `/local/intents/${encodeURIComponent(id)}/progress?after=0`,
  );
  const answer = await honouringRetryAfter(
    () =>
      client.call('POST', `/intents/${encodeURIComponent(id)}/review`, {
        body: {
          decision: options.approve ? 'approve' : 'reject',
          ...(options.reason ? { reason: options.reason } : {}),
        },
        as,
      }),
    {
      onWait: (seconds, refused) =>
        (options.json ? console.error : console.log)(waitingLine(seconds, refused)),
    },
  );
  if (answer.status >= 400) return printApiError(answer);
  if (!options.json) console.log(`acting as ${as.named}, named by ${as.via} (local runtime: not verified)`);
  const status = await followIntent(client, id, {
    onEvent: options.json ? undefined : progressPrinter((line) => console.log(line)),
    after: before.body.events.length,
  });
  if (!status) {
    console.error(`no intent ${id} on the ledger`);
    return 1;
  }
  printStatus(status, options.json ?? false);
  return exitCodeFor(status.status);
}
