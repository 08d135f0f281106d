import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { type CloudWatchGaps, cloudWatchOperation } from './cloudwatch-gaps.js';

/**
 * Test helpers for the CloudWatch emulation on moto_server. The moto cases are registered only where a
 * moto_server endpoint is given (ITV_MOTO_ENDPOINT=http://127.0.0.1:PORT), so machines without moto run no
 * skipped tests; each file says so once when it leaves them out.
 */
export const motoEndpoint = process.env.ITV_MOTO_ENDPOINT;

export function announceMotoCases(file: string): void {
  if (motoEndpoint === undefined) {
    console.info(`${file}: ITV_MOTO_ENDPOINT is not set, the moto_server cases are not registered`);
  }
}

export function cloudWatchClient(endpoint: string): CloudWatchClient {
  return new CloudWatchClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'moto', secretAccessKey: 'moto' },
    maxAttempts: 1,
  });
}

/**
 * The part of the suite's AWS request proxy that concerns CloudWatch, reduced to what these tests need:
 * `gaps.handle` answers first, everything else goes to moto, DescribeAlarms comes back through `gaps.rewrite`.
 */
export async function cloudWatchProxy(
  moto: string,
  gaps: CloudWatchGaps,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const target = request.headers['x-amz-target'];
    const operation = cloudWatchOperation(Array.isArray(target) ? target[0] : target) ?? '';
    const answered = gaps.handle(operation, body);
    if (answered) {
      response.writeHead(answered.status, answered.headers).end(answered.body);
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
      ),
    );
    const forwarded = await fetch(`${moto}${request.url ?? '/'}`, {
      method: request.method ?? 'POST',
      headers,
      body: request.method === 'GET' ? undefined : body,
    });
    const text = gaps.rewrite(operation, await forwarded.text());
    response
      .writeHead(forwarded.status, {
        'content-type': forwarded.headers.get('content-type') ?? 'application/json',
      })
      .end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
