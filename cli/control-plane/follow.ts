import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import type { ProgressEvent } from '../runtime/local-pipeline.js';
import type { ControlPlaneClient } from './client.js';

const pollMs = 150;

/**
 * Follows an intent on the control plane until its execution ends or parks, passing each stage's progress
 * to `onEvent`, and returns its status from the ledger. With `untilReviewed`, an intent that waits for a
 * reviewer is followed on until it has an outcome (or failed).
 */
export async function followIntent(
  client: ControlPlaneClient,
  intentId: string,
  options: { onEvent?: (event: ProgressEvent) => void; untilReviewed?: boolean; after?: number } = {},
): Promise<IntentStatus | undefined> {
  let after = options.after ?? 0;
  const path = encodeURIComponent(intentId);
  for (;;) {
    const progress = await client.call<{ events: ProgressEvent[]; running: boolean }>(
      'GET',
      `/local/intents/${path}/progress?after=${after}`,
    );
    for (const event of progress.body.events) options.onEvent?.(event);
    after += progress.body.events.length;
    if (!progress.body.running) {
      const answer = await client.call<IntentStatus>('GET', `/intents/${path}`);
      const status = answer.status === 200 ? answer.body : undefined;
      // Between a review being recorded and its execution resuming, the intent is neither parked nor running:
      // a follower that waits for the review goes on until the intent has an outcome.
      const settled = status === undefined || status.outcome !== null || status.status === 'failed';
      if (!options.untilReviewed || settled) return status;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
