import { request } from 'node:http';
import { RequestTimeoutError } from './bounded-fetch.js';

/** An answer read whole: status, body text, and its headers by lower-case name. */
export interface LoopbackAnswer {
  status: number;
  text: string;
  header(name: string): string | undefined;
}

/**
 * One HTTP request to the home's control plane on 127.0.0.1, answered within `timeoutMs` (body included) or
 * failed with `RequestTimeoutError`. `node:http` rather than `fetch`: on Node 20 the first `fetch` of a process
 * loads undici, about 80 ms, which is most of what a short command like `itv status` spends on its request. A
 * refused or dropped connection fails with the socket's error, its `code` saying which.
 */
export function loopbackRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<LoopbackAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: init.method ?? 'GET', headers: init.headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', fail);
      incoming.on('end', () => {
        clearTimeout(timer);
        const headers = incoming.headers;
        resolve({
          status: incoming.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          header: (name) => {
            const value = headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(', ') : value;
          },
        });
      });
    });
    // The timer keeps the process alive while the request is out (see bounded-fetch.ts).
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new RequestTimeoutError(`no answer from ${url} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    outgoing.on('error', fail);
    outgoing.end(init.body);
  });
}
