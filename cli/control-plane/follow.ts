import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { canStopFollowing } from '../api/wait-details.js';
import type { ProgressEvent } from '../runtime/local-pipeline.js';
import { ApiAnswerError } from './api-errors.js';
import type { ControlPlaneClient } from './client.js';

const defaultPollMs = 150;

/**
 * Follows an intent on the control plane until it settles (`canStopFollowing`: an outcome, a failure, a wait
 * for a person or for CI, a schedule for later, or a queue behind such waits), passing each stage's progress to `onEvent`, and returns its status from the ledger. With
 * `untilReviewed`, an intent that waits for a reviewer is followed on until it has an outcome (or failed).
 */
export async function followIntent(
  client: Pick<ControlPlaneClient, 'call'>,
  intentId: string,
  options: {
    onEvent?: (event: ProgressEvent) => void;
    untilReviewed?: boolean;
    after?: number;
    pollMs?: number;
  } = {},
): Promise<IntentStatus | undefined> {
  let after = options.after ?? 0;
  let last: ProgressEvent | undefined;
  const path = encodeURIComponent(intentId);
  for (;;) {
    const progressPath = `/local/intents/${path}/progress?after=${after}`;
    const progress = await client.call<{ events: ProgressEvent[]; running: boolean }>('GET', progressPath);
    if (progress.status !== 200) throw new ApiAnswerError('GET', progressPath, progress);
    for (const event of progress.body.events) options.onEvent?.(event);
    after += progress.body.events.length;
    last = progress.body.events.at(-1) ?? last;
    // A park for CI's check results waits in process, so its execution runs on: where it has parked, the
    // ledger says whether the intent waits for CI (`awaiting-checks`), as it says so for a parked review.
    const waitingForCi = last?.state === 'AwaitChecks' && last.phase === 'entered';
    // So does a scheduled intent's park until its due instant, which on the wall clock may be days away.
    const waitingForDue = last?.state === 'AwaitDue' && last.phase === 'entered';
    // And one queued for its lane, which may wait behind an intent that waits for a person.
    const waitingForLane = last?.state === 'AwaitLane' && last.phase === 'entered';
    if (!progress.body.running || waitingForCi || waitingForDue || waitingForLane) {
      const answer = await client.call<IntentStatus>('GET', `/intents/${path}`);
      const status = answer.status === 200 ? answer.body : undefined;
      if (
        status === undefined ||
        (await canStopFollowing(client, status, { untilReviewed: options.untilReviewed ?? false }))
      )
        return status;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? defaultPollMs));
  }
}
