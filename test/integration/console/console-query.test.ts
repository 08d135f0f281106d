import { request } from 'node:http';
import type { ApiClient } from '../../../cli/api/itv-api.js';
import { ConsoleApi } from '../../../cli/console/console-api.js';
import { type RunningConsole, startConsole } from '../../../cli/console/server.js';

/*
 * The console reads its address as the API reads a request: a malformed percent-encoding or a query parameter the
 * page does not read is a 400 page naming it, never a 500 nor a page that answers as if it had not been given; a
 * value the API refuses is shown as the API refuses it, with its status.
 */

/** An API that refuses an out-of-range limit or after as the real one does, and records what it was asked. */
function refusingApi() {
  const asked: string[] = [];
  const refusal = (name: string, text: string) => ({
    detail: `query parameter ${name} ${/^-?\d+$/.test(text) ? 'is out of range' : 'is not a whole number'}`,
    issues: [{ path: name, message: `must be a whole number from 0 to 200, not "${text}"` }],
  });
  const client: ApiClient = {
    async call<T>(_method: string, path: string) {
      asked.push(path);
      const limit = /[?&]limit=([^&]*)/.exec(path)?.[1];
      if (path.startsWith('/intents?') && !/^[1-9]\d*$/.test(limit ?? ''))
        return { status: 400, body: refusal('limit', limit ?? '') as T };
      if (path.startsWith('/intents?')) return { status: 200, body: { items: [] } as T };
      if (path.startsWith('/ledger/checkpoints')) return { status: 200, body: { checkpoints: [] } as T };
      return { status: 404, body: { detail: 'no such intent' } as T };
    },
    async text(path: string) {
      asked.push(path);
      const after = /[?&]after=([^&]*)/.exec(path)?.[1];
      if (after !== undefined && !/^\d+$/.test(after)) {
        return {
          status: 400,
          text: JSON.stringify(refusal('after', decodeURIComponent(after))),
          header: () => undefined,
        };
      }
      return { status: 200, text: '', header: () => undefined };
    },
  };
  return {
    asked,
    api: new ConsoleApi({ kind: 'deployed', client, name: 'test', endpoint: 'https://x' }, undefined),
  };
}

function get(port: number, path: string, cookie: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, cookie } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('itv console: its address is read as the API reads a request', () => {
  let running: RunningConsole;
  let api: ReturnType<typeof refusingApi>;
  /** One browser's session, kept for every page it loads. */
  let cookie: string;
  const page = (path: string) => get(running.port, path, cookie);
  beforeEach(async () => {
    api = refusingApi();
    running = await startConsole({ api: api.api });
    cookie = `${running.session.cookieName}=${running.session.openSession()}`;
  });
  afterEach(() => running.close());

  test('a malformed percent-encoding in an intent id is 400 naming it, not 500 "URI malformed"', async () => {
    for (const path of ['/intents/%ZZ', '/intents/%E0%A4%A/evidence', '/intents/%ZZ/evidence.tar']) {
      const answer = await page(path);
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.text).toContain('not valid percent-encoding');
      expect(answer.text).not.toContain('URI malformed');
    }
    expect(api.asked).toEqual([]);
  });

  test('a query parameter the page does not read is 400 naming it and what the page reads; the API is not asked', async () => {
    for (const [path, name] of [
      ['/?foo=bar', 'foo'],
      ['/ledger?limit=5', 'limit'],
      ['/lanes?status=queued', 'status'],
      ['/value?group=region', 'group'],
      ['/intents/int-1?include=entries', 'include'],
    ] as const) {
      const answer = await page(path);
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.text).toContain(`does not read the query parameter &quot;${name}&quot;`);
    }
    expect(api.asked).toEqual([]);
  });

  test('a limit or an after the API refuses is 400, in its words, not the first page', async () => {
    for (const [path, name, why] of [
      ['/?limit=0', 'limit', 'is out of range'],
      ['/?limit=abc', 'limit', 'is not a whole number'],
      ['/ledger?after=-1', 'after', 'is out of range'],
      ['/ledger?after=abc', 'after', 'is not a whole number'],
    ] as const) {
      const answer = await page(path);
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.text).toContain(`query parameter ${name} ${why}`);
    }
  });

  test('a path that begins with two slashes is a path of this console, not another host: 404, never 500 or the intents page', async () => {
    for (const path of ['//', '///', '//ledger', '//evil.example.com/']) {
      const answer = await page(path);
      expect([path, answer.status]).toEqual([path, 404]);
      expect(answer.text).not.toContain('Invalid URL');
    }
    expect((await page('/')).status).toBe(200);
  });

  test('the pages as their own links and forms address them still answer 200', async () => {
    for (const path of [
      '/',
      '/?status=&service=&team=&tag=&since=',
      '/?limit=20',
      '/ledger',
      '/ledger?after=7',
    ]) {
      expect([path, (await page(path)).status]).toEqual([path, 200]);
    }
  });
});
