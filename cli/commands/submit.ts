import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { actingAs, actingLine } from '../api/acting-as.js';
import { followOn } from '../api/follow-on.js';
import { chosenTarget, connect } from '../api/itv-api.js';
import { printApiError } from '../control-plane/api-errors.js';
import { honouringRetryAfter, waitingLine } from '../control-plane/retry-after.js';
import { exitCodeFor } from '../exit-codes.js';
import { readIntentFile } from './read-intent-file.js';
import { printStatus } from './status.js';

/**
 * `itv submit`: `POST /intents` to the chosen stack (the home's control plane, or a deployed one's API
 * Gateway) as the caller, then follows the intent stage by stage until it settles. A resubmission of an
 * intent already on the ledger reports its status.
 */
export async function submitCommand(
  file: string,
  options: { wait?: boolean; json?: boolean; as?: string },
): Promise<number> {
  const raw = readIntentFile(file);
  // Named before anything starts; the stack checks the name (or the signature) against the catalog.
  const target = await chosenTarget();
  const as = actingAs(target, options.as, 'itv submit');
  const api = await connect(target);
  const answer = await honouringRetryAfter(
    () =>
      api.client.call<{ intentId: string; duplicate?: boolean; previousIntentId?: string }>(
        'POST',
        '/intents',
        { body: raw, ...(as ? { as } : {}) },
      ),
    // The line goes to stderr under --json, whose stdout is the status alone.
    {
      onWait: (seconds, refused) =>
        (options.json ? console.error : console.log)(waitingLine(seconds, refused)),
    },
  );
  if (answer.status >= 400) return printApiError(answer);
  const { intentId } = answer.body;
  if (!options.json) console.log(actingLine(api, as));
  if (answer.body.duplicate && !options.json)
    console.log(`intent ${intentId} was already submitted; its status:`);
  if (answer.body.previousIntentId && !options.json)
    console.log(`attempt ${intentId} follows ${answer.body.previousIntentId}, which ended without releasing`);
  const status = await followOn(api, intentId, {
    print: options.json ? undefined : (line) => console.log(line),
    untilReviewed: options.wait ?? false,
  });
  return report(status, intentId, options.json ?? false, api.kind);
}

function report(
  status: IntentStatus | undefined,
  intentId: string,
  json: boolean,
  kind: 'local' | 'deployed',
): number {
  if (!status) {
    console.error(
      kind === 'local'
        ? `the pipeline failed before recording intent ${intentId}; see ITV_HOME/control-plane.log`
        : `intent ${intentId} was accepted but nothing was recorded for it within a minute; see the stack's execution ${intentId}`,
    );
    return 1;
  }
  printStatus(status, json);
  if (!json && status.status === 'awaiting-review') {
    console.log(
      `\n${status.intentId} waits for a reviewer of record:\n  itv review ${status.intentId} --approve${kind === 'local' ? ' --as <reviewer>' : ''}`,
    );
  }
  if (!json && status.status === 'awaiting-checks') {
    console.log(
      `\n${status.intentId} waits for CI to report the checks it names:\n  itv check report ${status.intentId} CHECK --status passed|failed${kind === 'local' ? ' --as <principal>' : ''}`,
    );
  }
  return exitCodeFor(status);
}
