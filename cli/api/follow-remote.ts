import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { pause, stopIfTimedOut } from '../follow-timeout.js';
import type { ApiClient } from './itv-api.js';
import { canStopFollowing } from './wait-details.js';

/** How often a deployed intent's status is read while it is followed (ITV_POLL_MS for tests). */
const defaultPollMs = 2000;

/**
 * Follows an intent on a deployed stack, where its execution runs in Step Functions and only the ledger is
 * visible: `GET /intents/{id}` until it settles (`canStopFollowing`), each ledger step new since the last read passed
 * to `onStep`. Steps from `afterSeq` on only (a decision's command shows what followed it).
 */
export async function followRemote(
  client: ApiClient,
  intentId: string,
  options: {
    onStep?: (step: IntentStatus['steps'][number]) => void;
    untilReviewed?: boolean;
    afterSeq?: number;
    pollMs?: number;
    /** A `--timeout`'s: once it is up, the follow throws `FollowTimedOut` instead of reading on. */
    signal?: AbortSignal;
  } = {},
): Promise<IntentStatus | undefined> {
  const pollMs = options.pollMs ?? (Number(process.env.ITV_POLL_MS) || defaultPollMs);
  let seen = options.afterSeq ?? -1;
  // An accepted intent's first entry is written within moments; one never written after a minute will not be.
  const unseenUntil = Date.now() + 60_000;
  for (;;) {
    stopIfTimedOut(options.signal);
    const answer = await client.call<IntentStatus>('GET', `/intents/${encodeURIComponent(intentId)}`);
    if (answer.status === 200) {
      for (const step of answer.body.steps) {
        if (step.seq > seen) options.onStep?.(step);
        seen = Math.max(seen, step.seq);
      }
      if (await canStopFollowing(client, answer.body, { untilReviewed: options.untilReviewed ?? false }))
        return answer.body;
    } else if (
      answer.status === 404 ? Date.now() > unseenUntil : answer.status !== 429 && answer.status < 500
    ) {
      return undefined;
    }
    // 404: the intent is accepted but its first entry not yet written; 429 and 5xx: come back later.
    await pause(Math.max(pollMs, (answer.retryAfterSeconds ?? 0) * 1000), options.signal);
  }
}

/** A ledger step as a progress line. */
export function stepLine(step: IntentStatus['steps'][number]): string {
  return `  ${String(step.seq).padStart(6)}  ${step.timestamp}  ${step.type}`;
}
