/** No answer within the time allowed: the request was aborted. */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
}

/**
 * `fetch` raced against a timer that keeps the process alive. A fetch to a port that has just stopped
 * listening can be left unsettled by undici with no handle open; awaited at a module's top level, Node then
 * exits with code 13 instead of retrying (an `AbortSignal.timeout` timer is unref'd, so it would not help).
 * The response's body is read within the same time.
 */
export async function boundedFetch(
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<{ response: Response; text: string }> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new RequestTimeoutError(`no answer from ${url} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      (async () => {
        const response = await fetch(url, { ...init, signal: controller.signal });
        return { response, text: await response.text() };
      })(),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
