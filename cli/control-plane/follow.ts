import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import type { ProgressEvent } from '../runtime/local-pipeline.js';
import type { ControlPlaneClient } from './client.js';

const pollMs = 150;

/**
 * Follows an intent on the control plane until its execution ends or parks, passing each stage's progress
 * to `onEvent`, and returns its status from the ledger. With `untilReviewed`, an intent that waits for a
 * reviewer is followed on until somebody reviews it and its execution ends.
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
      if (!(options.untilReviewed && status?.status === 'awaiting-review')) return status;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
