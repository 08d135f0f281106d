import type { ApiAnswer } from './client.js';

/** How long a command keeps retrying a request the control plane refuses as over its limit. */
export const retryBudgetMs = 5 * 60_000;

/**
 * Sends a request until the control plane takes it: a 429 (or a 503 naming a Retry-After) is waited out for the Retry-After it names (plus
 * up to a second of jitter, so clients refused together do not all come back in the same instant), for at
 * most `budgetMs` in all; then the last answer is returned. `onWait` hears of the first wait only.
 */
export async function honouringRetryAfter<T>(
  send: () => Promise<ApiAnswer<T>>,
  options: { onWait?: (seconds: number, answer: ApiAnswer<T>) => void; budgetMs?: number } = {},
): Promise<ApiAnswer<T>> {
  const deadline = Date.now() + (options.budgetMs ?? retryBudgetMs);
  let waited = false;
  for (;;) {
    const answer = await send();
    // A 503 with Retry-After is a request that can be sent again as it was (a review recorded whose
    // execution did not resume yet); one without names no time to come back.
    const again = answer.status === 429 || (answer.status === 503 && answer.retryAfterSeconds !== undefined);
    if (!again) return answer;
    const waitMs = (answer.retryAfterSeconds ?? 1) * 1000 + Math.random() * 1000;
    if (Date.now() + waitMs > deadline) return answer;
    if (!waited) options.onWait?.(Math.round(waitMs / 1000), answer);
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}

/** The one line a command prints when it starts waiting: the control plane's reason, and what happens next. */
export function waitingLine(seconds: number, answer: ApiAnswer<unknown>): string {
  const reason = (answer.body as { message?: string }).message ?? 'the control plane is at its limit';
  return `itv: ${reason.replace(/; retry after \d+ s$/, '')}; waiting ${seconds} s, retrying for up to ${retryBudgetMs / 60_000} min`;
}
