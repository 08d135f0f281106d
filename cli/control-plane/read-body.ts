import type { IncomingMessage } from 'node:http';
import { InvalidInputError } from '../../lambdas/core/errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text; undefined as soon as it passes `limit` bytes, having kept no more than that: the caller
 * answers 413 at once, and the rest of the upload is read and dropped (ending the stream would reset the
 * connection before the client reads the answer). Bytes that are not UTF-8 are refused (`InvalidInputError`
 * naming `body` and the first such byte), never read with U+FFFD in their place.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      request.off('data', onData);
      request.resume();
      resolve(undefined);
    };
    request.on('data', onData);
    request.once('end', () => {
      if (size > limit) return resolve(undefined);
      try {
        resolve(utf8Text(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
    request.once('error', reject);
  });
}

/** `bytes` as UTF-8 text, or `InvalidInputError` naming the offset of the first byte that is not. */
function utf8Text(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    // The lenient decoding re-encodes to the same bytes up to the first that is not UTF-8.
    const lenient = Buffer.from(bytes.toString('utf8'));
    let at = 0;
    while (at < bytes.length && bytes[at] === lenient[at]) at += 1;
    throw new InvalidInputError('the request body is not UTF-8 text', [
      { path: 'body', message: `must be UTF-8 text: byte ${at} is not` },
    ]);
  }
}

/** Whether the request announces a body: a Content-Length above zero, or a chunked (Transfer-Encoding) one. */
export function announcesBody(request: IncomingMessage): boolean {
  return (
    Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined
  );
}
