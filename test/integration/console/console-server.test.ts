import { request } from 'node:http';
import type { ApiClient } from '../../../cli/api/itv-api.js';
import { ConsoleApi } from '../../../cli/console/console-api.js';
import { type RunningConsole, startConsole } from '../../../cli/console/server.js';

/** What the console sent to the API, and what the API answers: a deployed target whose client is recorded. */
function recordingApi() {
  const sent: Array<{ method: string; path: string; body?: unknown }> = [];
  let retried = false;
  const client: ApiClient = {
    async call<T>(method: string, path: string, options: { body?: unknown } = {}) {
      sent.push({ method, path, ...(options.body !== undefined ? { body: options.body } : {}) });
      if (path.startsWith('/intents?')) {
        return {
          status: 200,
          body: {
            items: [
              {
                intentId: 'int-1',
                title: '<img src=x onerror=alert(1)>',
                service: 'launch-flags',
                status: 'awaiting-review',
                outcome: null,
                tier: 2,
                team: 'growth',
                tags: {},
                declaredAt: '2026-12-01T10:00:00.000Z',
                updatedAt: '2026-12-01T10:00:01.000Z',
                lastStep: 'review.requested',
              },
            ],
          } as T,
        };
      }
      if (path === '/intents/int-1?include=entries,metrics') {
        const intent = {
          intentId: 'int-1',
          title: 't',
          service: 's',
          status: 'awaiting-review',
          outcome: null,
        };
        const figures = {
          tier: 2,
          timeToValueSeconds: null,
          valuePerHourUsd: null,
          valuePerHourPerEmployeeUsd: null,
        };
        return { status: 200, body: { ...intent, ...figures, reasons: [], steps: [], entries: [] } as T };
      }
      if (
        path === '/intents/int-2?include=entries,metrics' ||
        path === '/intents/int-2%3Aattempt-2?include=entries'
      ) {
        const first = path.startsWith('/intents/int-2?');
        if (!first && !retried) return { status: 404, body: { detail: 'no such intent' } as T };
        const intentId = first ? 'int-2' : 'int-2:attempt-2';
        const declared = {
          ledger: 'main',
          seq: first ? 1 : 9,
          prevHash: '0'.repeat(64),
          intentId,
          type: 'intent.declared',
          idempotencyKey: `${intentId}/declared`,
          timestamp: '2026-12-01T10:00:00.000Z',
          payload: first
            ? {}
            : {
                attempt: {
                  number: 2,
                  previousIntentId: 'int-2',
                  retriedBy: {
                    principal: 'olga',
                    authenticatedAs: { method: 'aws-iam', arn: 'arn:aws:iam::1:user/olga' },
                  },
                },
              },
        };
        const intent = { intentId, title: 't', service: 's', status: 'rolled-back', outcome: 'rolled-back' };
        const figures = {
          tier: 2,
          timeToValueSeconds: null,
          valuePerHourUsd: null,
          valuePerHourPerEmployeeUsd: null,
        };
        return {
          status: 200,
          body: { ...intent, ...figures, reasons: [], steps: [], entries: [declared] } as T,
        };
      }
      if (path === '/intents/int-2/retry') {
        retried = true;
        const body = { intentId: 'int-2:attempt-2', previousIntentId: 'int-2', retriedBy: 'olga' };
        return { status: 202, body: body as T };
      }
      if (path.endsWith('/review'))
        return { status: 403, body: { detail: 'mallory is not a reviewer of record' } as T };
      return { status: 404, body: { detail: 'no such thing' } as T };
    },
    async text() {
      return { status: 404, text: '{}', header: () => undefined };
    },
  };
  return {
    sent,
    api: new ConsoleApi({ kind: 'deployed', client, name: 'test', endpoint: 'https://x' }, undefined),
  };
}

function send(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('itv console: who may use it, and what it sends as them', () => {
  let running: RunningConsole;
  let recorded: ReturnType<typeof recordingApi>;
  let cookie: string;
  beforeEach(async () => {
    recorded = recordingApi();
    running = await startConsole({ api: recorded.api });
    cookie = `itv-console-${running.port}=${running.session.openSession()}`;
  });
  afterEach(() => running.close());

  /** The path and query of the link `itv console` prints, as a browser opening it requests them. */
  const link = () => {
    const url = new URL(running.url);
    return `${url.pathname}${url.search}`;
  };
  /** The secret the link carries. */
  const linkSecret = () => new URL(running.url).searchParams.get('token') ?? '';

  /** A form posted as the console's own page posts it: the session cookie, the same origin. */
  const postForm = (path: string, body: string) =>
    send(running.port, path, {
      method: 'POST',
      headers: {
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        origin: `http://127.0.0.1:${running.port}`,
      },
      body,
    });

  test('without the session secret a page is 401, and the API is never asked', async () => {
    const answer = await send(running.port, '/');
    expect(answer.status).toBe(401);
    expect(recorded.sent).toEqual([]);
  });

  test('the link with the secret sets a strict, http-only cookie and drops the secret from the URL', async () => {
    const answer = await send(running.port, link());
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/');
    expect(String(answer.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
  });

  test("the link signs in once: its cookie is a fresh session of its own, never the link's secret, and it serves", async () => {
    // Act
    const answer = await send(running.port, link());
    const [pair] = String(answer.headers['set-cookie']).split(';');
    const served = await send(running.port, '/', { headers: { cookie: pair! } });

    // Assess
    expect(pair).toMatch(new RegExp(`^itv-console-${running.port}=[A-Za-z0-9_-]{43}$`));
    expect(pair).not.toContain(linkSecret());
    expect(served.status).toBe(200);
  });

  test('the link opened a second time is refused (410), saying it was used and how to get a new one; nobody is signed in', async () => {
    // Prepare: the link, opened once by the browser it was meant for.
    await send(running.port, link());

    // Act: the same link again, as from a shell's or a browser's history.
    const again = await send(running.port, link());
    const elsewhere = await send(running.port, `/intents/int-1?token=${linkSecret()}`);

    // Assess
    expect([again.status, elsewhere.status]).toEqual([410, 410]);
    expect([again.headers['set-cookie'], elsewhere.headers['set-cookie']]).toEqual([undefined, undefined]);
    expect(again.text).toContain('This link was already used');
    expect(again.text).toContain('run <code>itv console</code> again: it prints a new link');
    // As the banner says: another console gives another link, with this one still running.
    expect(again.text).not.toContain('stop the console (Ctrl-C) and run');
    expect(recorded.sent).toEqual([]);
  });

  test("a cookie carrying the link's secret is no session", async () => {
    const answer = await send(running.port, '/', {
      headers: { cookie: `itv-console-${running.port}=${linkSecret()}` },
    });
    expect(answer.status).toBe(401);
  });

  test('the browser the link signed in, opening it again, is led to the page without the secret', async () => {
    const [pair] = String((await send(running.port, link())).headers['set-cookie']).split(';');
    const again = await send(running.port, `/?status=released&token=${linkSecret()}`, {
      headers: { cookie: pair! },
    });
    expect([again.status, again.headers.location, again.headers['set-cookie']]).toEqual([
      303,
      '/?status=released',
      undefined,
    ]);
  });

  test.each([
    ['//evil.example/x', '/evil.example/x'],
    ['/\\evil.example', '/evil.example'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    ['/intents/int-1?status=released', '/intents/int-1?status=released'],
  ])(
    'the link opened at %s leads to a path of this console (%s), never to another site',
    async (path, to) => {
      const separator = path.includes('?') ? '&' : '?';
      const answer = await send(running.port, `${path}${separator}token=${linkSecret()}`);
      expect([answer.status, answer.headers.location]).toEqual([303, to]);
    },
  );

  test("the cookie is named after the console's port: a second console's login leaves this one's session alone", async () => {
    // Prepare: a second console on 127.0.0.1, logged into by the same browser.
    const other = await startConsole({ api: recordingApi().api });
    try {
      const mine = await send(running.port, link());
      const theirs = await send(other.port, new URL(other.url).search.replace(/^/, '/'));
      // A browser sends every cookie of 127.0.0.1 to every port: both consoles see both cookies.
      const both = `${String(mine.headers['set-cookie']).split(';')[0]}; ${String(theirs.headers['set-cookie']).split(';')[0]}`;

      // Act
      const here = await send(running.port, '/', { headers: { cookie: both } });
      const there = await send(other.port, '/', { headers: { cookie: both } });

      // Assess
      expect(String(mine.headers['set-cookie'])).toMatch(
        new RegExp(
          `^itv-console-${running.port}=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200$`,
        ),
      );
      expect(String(theirs.headers['set-cookie'])).toMatch(new RegExp(`^itv-console-${other.port}=`));
      expect([here.status, there.status]).toEqual([200, 200]);
    } finally {
      await other.close();
    }
  });

  test("the cookie of another port is no session here, even carrying this console's session", async () => {
    const answer = await send(running.port, '/', {
      headers: { cookie: cookie.replace(`itv-console-${running.port}=`, `itv-console-${running.port + 1}=`) },
    });
    expect(answer.status).toBe(401);
  });

  test('a request naming another host (DNS rebinding) is 421 even with the cookie', async () => {
    const answer = await send(running.port, '/', { headers: { host: 'attacker.example', cookie } });
    expect(answer.status).toBe(421);
  });

  test('ledger text is escaped, and every page carries a policy that allows no other origin', async () => {
    const answer = await send(running.port, '/', { headers: { cookie } });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(answer.text).not.toContain('<img src=x');
    expect(answer.headers['content-security-policy']).toMatch(/default-src 'none'.*script-src 'self'/);
    expect(answer.text).not.toMatch(/(src|href)="https?:/);
  });

  test('a form from another origin, or without the form token, is 403 and nothing is sent', async () => {
    const form = 'decision=approve';
    const headers = { cookie, 'content-type': 'application/x-www-form-urlencoded' };
    const foreign = await send(running.port, '/intents/int-1/review', {
      method: 'POST',
      headers: { ...headers, origin: 'https://attacker.example' },
      body: `${form}&form=${running.session.formToken}`,
    });
    const tokenless = await send(running.port, '/intents/int-1/review', {
      method: 'POST',
      headers: { ...headers, origin: `http://127.0.0.1:${running.port}` },
      body: form,
    });
    expect([foreign.status, tokenless.status]).toEqual([403, 403]);
    expect(recorded.sent.filter((r) => r.method === 'POST')).toEqual([]);
  });

  test("a review is the API's to judge: the body names no reviewer, and a refusal is shown in the API's words", async () => {
    const posted = await postForm(
      '/intents/int-1/review',
      `decision=approve&reason=looks+right&form=${running.session.formToken}&reviewer=someone-else`,
    );
    expect(posted.status).toBe(303);
    expect(recorded.sent.find((r) => r.method === 'POST')).toEqual({
      method: 'POST',
      path: '/intents/int-1/review',
      body: { decision: 'approve', reason: 'looks right' },
    });
    const shown = await send(running.port, String(posted.headers.location), { headers: { cookie } });
    expect(shown.text).toContain('The review was refused (403): mallory is not a reviewer of record');
    expect(shown.text).not.toContain('Approved');
  });

  test('a reject without a reason is refused here, in words, and never sent to the API', async () => {
    // Act: the form posted without the browser's check, the reason blank.
    const posted = await postForm(
      '/intents/int-1/review',
      `decision=reject&reason=+++&form=${running.session.formToken}`,
    );
    const shown = await send(running.port, String(posted.headers.location), { headers: { cookie } });

    // Assess
    expect(posted.status).toBe(303);
    expect(recorded.sent.filter((r) => r.method === 'POST')).toEqual([]);
    expect(shown.text).toContain(
      'The review was not sent: a rejection needs a reason, recorded with it for the requester to act on.',
    );
  });

  test('after a retry the page links the new attempt, and offers no second retry of the old one', async () => {
    const before = await send(running.port, '/intents/int-2', { headers: { cookie } });
    expect(before.text).toContain('action="/intents/int-2/retry"');
    expect(before.text).not.toContain('int-2:attempt-2');

    const posted = await postForm('/intents/int-2/retry', `form=${running.session.formToken}`);
    expect(posted.status).toBe(303);
    const shown = await send(running.port, String(posted.headers.location), { headers: { cookie } });
    expect(shown.text).toMatch(
      /role="status".*Retried: recorded as your AWS identity\. It runs again as <a href="\/intents\/int-2%3Aattempt-2">int-2:attempt-2<\/a>/s,
    );
    expect(shown.text).toMatch(
      /Retried as <a href="\/intents\/int-2%3Aattempt-2">int-2:attempt-2<\/a> by olga/,
    );
    expect(shown.text).not.toContain('action="/intents/int-2/retry"');
  });
});

describe('itv console: sessions end', () => {
  let running: RunningConsole;
  let recorded: ReturnType<typeof recordingApi>;
  let now: number;
  let cookie: string;
  beforeEach(async () => {
    now = Date.UTC(2026, 11, 1, 9);
    recorded = recordingApi();
    running = await startConsole({ api: recorded.api, now: () => now });
    const url = new URL(running.url);
    const signedIn = await send(running.port, `${url.pathname}${url.search}`);
    cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
  });
  afterEach(() => running.close());

  test('30 minutes without use end a session: the page says why and how to sign in again, and asks the API nothing', async () => {
    // Prepare: the page's own refreshes go on; nobody opens a page.
    now += 29 * 60_000;
    const refreshed = await send(running.port, '/', { headers: { cookie, 'x-itv-live': '1' } });
    recorded.sent.length = 0;

    // Act
    now += 2 * 60_000;
    const answer = await send(running.port, '/', { headers: { cookie } });
    const form = await send(running.port, '/intents/int-1/review', {
      method: 'POST',
      headers: {
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        origin: `http://127.0.0.1:${running.port}`,
      },
      body: 'decision=approve&reason=ok',
    });

    // Assess
    expect(refreshed.status).toBe(200);
    expect([answer.status, form.status]).toEqual([401, 401]);
    expect(answer.text).toContain('Your console session has ended');
    expect(answer.text).toContain('30 minutes passed without a page opened or a form sent from it');
    expect(answer.text).toContain('run <code>itv console</code> again and open the link it prints');
    expect(recorded.sent).toEqual([]);
  });

  test('a session in use serves for 12 hours from sign-in, then ends', async () => {
    const statuses = new Set<number>();
    // A page opened every 30 minutes (less a millisecond), for 12 hours less 24 ms.
    for (let half = 0; half < 24; half++) {
      now += 30 * 60_000 - 1;
      statuses.add((await send(running.port, '/', { headers: { cookie } })).status);
    }
    now += 25;
    const ended = await send(running.port, '/', { headers: { cookie } });
    expect([...statuses]).toEqual([200]);
    expect(ended.status).toBe(401);
    expect(ended.text).toContain('it was signed in 12 hours ago');
  });

  test('the session cookie lasts no longer than the session can', async () => {
    const fresh = await startConsole({ api: recorded.api, now: () => now });
    try {
      const url = new URL(fresh.url);
      const answer = await send(fresh.port, `${url.pathname}${url.search}`);
      expect(String(answer.headers['set-cookie'])).toMatch(/; Max-Age=43200$/);
    } finally {
      await fresh.close();
    }
  });
});
