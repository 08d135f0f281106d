import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { followIntent } from '../control-plane/follow.js';
import { progressPrinter, skippedProgressLine } from '../progress.js';
import { followRemote, stepLine } from './follow-remote.js';
import type { ItvApi } from './itv-api.js';

/**
 * Follows an intent on whichever stack runs it until it settles, printing its progress with `print`: each
 * stage's outcome as the local runtime reports it, or each ledger step as a deployed stack records it.
 * `after` skips what was already shown (a count of progress events locally, a ledger seq when deployed).
 */
export async function followOn(
  api: ItvApi,
  intentId: string,
  options: {
    print?: (line: string) => void;
    untilReviewed?: boolean;
    after?: number;
    /** A `--timeout`'s: once it is up, the follow throws `FollowTimedOut`. */
    signal?: AbortSignal;
  },
): Promise<IntentStatus | undefined> {
  const print = options.print;
  if (api.kind === 'local') {
    return followIntent(api.client, intentId, {
      onEvent: print ? progressPrinter(print) : undefined,
      onSkipped: print ? (count) => print(skippedProgressLine(count, intentId)) : undefined,
      untilReviewed: options.untilReviewed ?? false,
      ...(options.after !== undefined ? { after: options.after } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  return followRemote(api.client, intentId, {
    ...(print ? { onStep: (step) => print(stepLine(step)) } : {}),
    untilReviewed: options.untilReviewed ?? false,
    ...(options.after !== undefined ? { afterSeq: options.after } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
