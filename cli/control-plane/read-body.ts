import type { IncomingMessage } from 'node:http';
import { utf8Text } from '../../lambdas/core/intake/json-text.js';

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
        resolve(utf8Text(Buffer.concat(chunks), 'body', 'the request body'));
      } catch (error) {
        reject(error);
      }
    });
    request.once('error', reject);
  });
}

/** Whether the request announces a body: a Content-Length above zero, or a chunked (Transfer-Encoding) one. */
export function announcesBody(request: IncomingMessage): boolean {
  return (
    Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined
  );
}
