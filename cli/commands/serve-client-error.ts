import type { Duplex } from 'node:stream';
import { problem } from '../../lambdas/api/problem.js';

/**
 * Answers a request Node's HTTP parser refused before any handler saw it, as problem+json like every other error
 * of the API: headers over Node's limit (16 KB, a huge query string among them) are 431, any other request that
 * is not HTTP/1.1 is 400. Node's own answer is a bare status with no body and no content type. A socket already
 * closed by its client (ECONNRESET) is only released: nobody is left to answer.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const answer =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem(
          431,
          'RequestHeaderFieldsTooLarge',
          'the request line and headers are over the 16 KB this server reads: send a shorter query or fewer headers',
          { issues: [{ path: 'headers', message: 'must be at most 16 KB, the request line included' }] },
        )
      : problem(400, 'BadRequest', 'the request is not HTTP/1.1 this server can read', {
          issues: [{ path: 'request', message: 'must be a well-formed HTTP/1.1 request' }],
        });
  const head = [
    `HTTP/1.1 ${answer.statusCode} ${answer.statusCode === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`,
    ...Object.entries(answer.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${Buffer.byteLength(answer.body)}`,
    'connection: close',
  ].join('\r\n');
  socket.end(`${head}\r\n\r\n${answer.body}`);
}
