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
 * `itv release decide`: `POST /intents/{id}/release-decision` as the owner the command names; the control
 * plane resumes the held release, which this command follows to its end, as `itv review` does.
 */
export async function releaseDecideCommand(
  id: string,
  options: {
    rollForward?: boolean;
    rollBack?: boolean;
    hold?: boolean;
    as?: string;
    reason?: string;
    json?: boolean;
  },
): Promise<number> {
  const chosen = [
    options.rollForward ? 'roll-forward' : undefined,
    options.rollBack ? 'roll-back' : undefined,
    options.hold ? 'hold' : undefined,
  ].filter((decision) => decision !== undefined);
  if (chosen.length !== 1) {
    console.error('give exactly one of --roll-forward, --roll-back or --hold');
    return 1;
  }
  if (!options.reason?.trim()) {
    console.error('give --reason: the decision is recorded on the ledger with it');
    return 1;
  }
  // The decider is who runs the command, one of the service's owners.
  const as = namedPrincipal(options.as, process.env, 'itv release decide');
  const client = await controlPlane(itvHome());
  // Stage progress already reported before the decision is not printed again.
  const before = await client.call<{ events: unknown[] }>(
    'GET',
    `/local/intents/${encodeURIComponent(id)}/progress?after=0`,
  );
  const answer = await honouringRetryAfter(
    () =>
      client.call('POST', `/intents/${encodeURIComponent(id)}/release-decision`, {
        body: { decision: chosen[0], reason: options.reason },
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
