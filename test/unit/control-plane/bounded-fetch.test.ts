import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boundedFetch, RequestTimeoutError } from '../../../cli/control-plane/bounded-fetch.js';

describe('boundedFetch', () => {
  let server: Server;
  let url: string;
  const held: Array<() => void> = [];

  beforeEach(async () => {
    // Answers /ok at once; holds every other request unanswered until the test ends.
    server = createServer((request, response) => {
      if (request.url === '/ok') response.end('fine');
      else held.push(() => response.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const answer of held.splice(0)) answer();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('returns the response and its body read within the time allowed', async () => {
    const { response, text } = await boundedFetch(`${url}/ok`, {}, 5000);
    expect([response.status, text]).toEqual([200, 'fine']);
  });

  test('a request that is accepted and never answered is aborted with RequestTimeoutError', async () => {
    await expect(boundedFetch(`${url}/never`, {}, 200)).rejects.toBeInstanceOf(RequestTimeoutError);
  });

  test('a refused connection is fetch’s own error, left for the caller to tell apart', async () => {
    const closed = `${url}/ok`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await expect(boundedFetch(closed, {}, 5000)).rejects.toMatchObject({
      name: 'TypeError',
      cause: { code: 'ECONNREFUSED' },
    });
  });
});
