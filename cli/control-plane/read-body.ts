import type { IncomingMessage } from 'node:http';

/**
 * The body as text; undefined as soon as it passes `limit` bytes, having kept no more than that: the caller
 * answers 413 at once, and the rest of the upload is read and dropped (ending the stream would reset the
 * connection before the client reads the answer).
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
    request.once('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
  });
}
