import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { printApiError } from '../control-plane/api-errors.js';
import { controlPlane } from '../control-plane/client.js';
import { followIntent } from '../control-plane/follow.js';
import { honouringRetryAfter, waitingLine } from '../control-plane/retry-after.js';
import { exitCodeFor } from '../exit-codes.js';
import { progressPrinter } from '../progress.js';
import { namedPrincipal } from '../runtime/local-caller.js';
import { readIntentFile } from './read-intent-file.js';
import { printStatus } from './status.js';

/**
 * `itv submit`: `POST /intents` to the home's control plane as the principal the command names, then follows
 * the execution stage by stage. A resubmission of an intent already on the ledger reports its status.
 */
export async function submitCommand(
  file: string,
  options: { wait?: boolean; json?: boolean; as?: string },
): Promise<number> {
  const raw = readIntentFile(file);
  // Named before anything starts; the control plane checks the name against the catalog.
  const as = namedPrincipal(options.as, process.env, 'itv submit');
  const client = await controlPlane(itvHome());
  const answer = await honouringRetryAfter(
    () =>
      client.call<{ intentId: string; duplicate?: boolean; previousIntentId?: string }>('POST', '/intents', {
        body: raw,
        as,
      }),
    // The line goes to stderr under --json, whose stdout is the status alone.
    {
      onWait: (seconds, refused) =>
        (options.json ? console.error : console.log)(waitingLine(seconds, refused)),
    },
  );
  if (answer.status >= 400) return printApiError(answer);
  const { intentId } = answer.body;
  if (!options.json) console.log(`acting as ${as.named}, named by ${as.via} (local runtime: not verified)`);
  if (answer.body.duplicate && !options.json)
    console.log(`intent ${intentId} was already submitted; its status:`);
  if (answer.body.previousIntentId && !options.json)
    console.log(`attempt ${intentId} follows ${answer.body.previousIntentId}, which ended without releasing`);
  const status = await followIntent(client, intentId, {
    onEvent: options.json ? undefined : progressPrinter((line) => console.log(line)),
    untilReviewed: options.wait ?? false,
  });
  return report(status, intentId, options.json ?? false);
}

function report(status: IntentStatus | undefined, intentId: string, json: boolean): number {
  if (!status) {
    console.error(`the pipeline failed before recording intent ${intentId}; see ITV_HOME/control-plane.log`);
    return 1;
  }
  printStatus(status, json);
  if (!json && status.status === 'awaiting-review') {
    console.log(
      `\n${status.intentId} waits for a reviewer of record:\n  itv review ${status.intentId} --approve --as <reviewer>`,
    );
  }
  return exitCodeFor(status);
}
