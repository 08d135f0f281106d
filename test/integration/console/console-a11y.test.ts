import { request } from 'node:http';
import { type RunningConsole, startConsole } from '../../../cli/console/server.js';
import { fakeConsoleApi, intentOf } from '../../support/console-fake-api.js';

/*
 * The console as a keyboard and screen-reader user meets it, page by page as served: where the first Tab goes,
 * what each page is called, what an error or an empty page says, and what a link is named.
 */

function get(
  port: number,
  path: string,
  options: { cookie?: string; method?: string; body?: string } = {},
): Promise<{ status: number; location?: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: {
          host: `127.0.0.1:${port}`,
          ...(options.cookie ? { cookie: options.cookie } : {}),
          ...(options.body !== undefined
            ? {
                'content-type': 'application/x-www-form-urlencoded',
                origin: `http://127.0.0.1:${port}`,
              }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text,
            ...(res.headers.location ? { location: res.headers.location } : {}),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const titleOf = (text: string) => /<title>(.*?)<\/title>/s.exec(text)?.[1];
const h1Of = (text: string) => /<h1[^>]*>(.*?)<\/h1>/s.exec(text)?.[1];

describe('itv console for a keyboard and screen-reader user', () => {
  let running: RunningConsole;
  let fake: ReturnType<typeof fakeConsoleApi>;
  /** One browser's session, kept for every page it loads. */
  let cookie: string;
  const page = (path: string) => get(running.port, path, { cookie });
  beforeEach(async () => {
    fake = fakeConsoleApi();
    fake.intents.set('int-1', intentOf('int-1', { title: 'Faster checkout' }));
    fake.intents.set('int-2', intentOf('int-2', { title: 'Queued flag', waitingFor: ['int-1'] }));
    running = await startConsole({ api: fake.api });
    cookie = `${running.session.cookieName}=${running.session.openSession()}`;
  });
  afterEach(() => running.close());

  test('the first link of every page skips to its content, the main element', async () => {
    for (const path of ['/', '/lanes', '/ledger', '/value', '/intents/int-1']) {
      const { text } = await page(path);
      const body = text.slice(text.indexOf('<body'));
      expect([path, /<(a|button|input|select|textarea)\b[^>]*>/.exec(body)?.[0]]).toEqual([
        path,
        '<a class="skip" href="#content">',
      ]);
      expect(text).toMatch(/<main id="content" tabindex="-1">/);
    }
  });

  test('on /value the query form is folded away until the address carries a query: results come first', async () => {
    const plain = await page('/value');
    const queried = await page('/value?by=region');
    expect(plain.text).toMatch(/<details class="value-query"><summary>/);
    expect(queried.text).toMatch(/<details class="value-query" open><summary>/);
  });

  test('live regions are not live themselves: one polite status element announces what changed', async () => {
    for (const path of ['/', '/lanes', '/intents/int-1']) {
      const { text } = await page(path);
      expect(text).not.toMatch(/<div id="(intents|lanes|intent-live)"[^>]*aria-live/);
      expect(text.match(/id="announcer"/g)).toHaveLength(1);
      expect(text).toMatch(
        /<div id="announcer" class="visually-hidden" role="status" aria-live="polite"><\/div>/,
      );
    }
    const list = await page('/');
    expect(list.text).toMatch(/<tr data-intent="int-1" data-name="Faster checkout">/);
  });

  test('an unknown intent is a page titled by its id, with a heading and no "refused" badge', async () => {
    const answer = await page('/intents/int-doesnotexist');
    expect(answer.status).toBe(404);
    expect(titleOf(answer.text)).toBe('No such intent: int-doesnotexist · itv');
    expect(h1Of(answer.text)).toBe('No such intent');
    expect(answer.text).toContain('int-doesnotexist');
    expect(answer.text).not.toContain('refused');
  });

  test('the evidence of an intent still in flight says it is sealed when the intent concludes', async () => {
    const answer = await page('/intents/int-1/evidence');
    expect(answer.status).toBe(404);
    expect(h1Of(answer.text)).toBe('No evidence bundle yet');
    expect(answer.text).toContain('sealed when the intent concludes');
    expect(answer.text).not.toContain('refused');
    const unknown = await page('/intents/int-doesnotexist/evidence');
    expect(h1Of(unknown.text)).toBe('No such intent');
  });

  test('a filter the API refuses shows its error alone, never an empty list nor "Last page"', async () => {
    for (const path of ['/?status=bogus', '/?limit=0', '/?since=yesterday']) {
      const answer = await page(path);
      expect([path, answer.status]).toEqual([path, 400]);
      expect(answer.text).toContain('role="alert"');
      expect(answer.text).not.toContain('No intent matches');
      expect(answer.text).not.toContain('Last page');
      expect(answer.text).not.toContain('<table');
    }
  });

  test('a status the API refuses is answered with the statuses a user filters by, not every event type', async () => {
    const answer = await page('/?status=bogus');
    expect(answer.text).toContain('queued');
    expect(answer.text).not.toContain('structure.validated');
  });

  test('the status filter offers every status the list shows, queued, scheduled and preempted among them', async () => {
    const { text } = await page('/');
    const options = [...text.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    expect(options).toEqual(
      expect.arrayContaining(['queued', 'scheduled', 'preempted', 'failed', 'in-flight']),
    );
    fake.intents.set('int-3', intentOf('int-3', { status: 'admission.queued' }));
    const queued = await page('/?status=queued');
    expect(queued.status).toBe(200);
    expect(queued.text).toContain('data-intent="int-3"');
    expect(queued.text).toMatch(/<option value="queued" selected>/);
    // The badge says the status as the filter names it.
    expect(queued.text).toMatch(/<span class="badge wait" data-status="queued">queued<\/span>/);
  });

  test('a ledger page past its end says there is nothing after it and links back; a later page links the one before', async () => {
    const past = await page('/ledger?after=500');
    expect(past.status).toBe(200);
    expect(past.text).not.toContain('Entries from seq 0');
    expect(past.text).toContain('No entries after seq 500');
    expect(past.text).toMatch(/<a href="\/ledger">[^<]*first page/i);
    expect(past.text).not.toContain('<tbody></tbody>');

    const second = await page('/ledger?after=49');
    expect(second.text).toMatch(/<a href="\/ledger" rel="prev">Previous page<\/a>/);
    const third = await page('/ledger?after=99');
    expect(third.text).toMatch(/<a href="\/ledger\?after=49" rel="prev">Previous page<\/a>/);
    expect((await page('/ledger')).text).not.toContain('Previous page');
  });

  test('the sign-in page shows no navigation and acts as nobody', async () => {
    const answer = await get(running.port, '/');
    expect(answer.status).toBe(401);
    expect(answer.text).not.toContain('acting as');
    expect(answer.text).not.toContain('your AWS identity');
    expect(answer.text).not.toContain('<nav');
    expect(h1Of(answer.text)).toBeDefined();
  });

  test('links to an intent are named by its title; on lanes the intent waited for is a link', async () => {
    const list = await page('/');
    expect(list.text).toContain('<a href="/intents/int-1">Faster checkout</a>');
    const lanes = await page('/lanes');
    expect(lanes.text).toContain('<a href="/intents/int-1">Faster checkout</a>');
    expect(lanes.text).toMatch(/Waiting for[\s\S]*<td><a href="\/intents\/int-1">int-1<\/a><\/td>/);
    const ledger = await page('/ledger');
    expect(ledger.text).toMatch(/<a href="\/intents\/int-0" aria-label="Intent int-0">int-0<\/a>/);
  });

  test('after an approval, the page is titled by the result and its notice takes focus', async () => {
    const posted = await get(running.port, '/intents/int-1/review', {
      cookie,
      method: 'POST',
      body: `decision=approve&form=${running.session.formToken}`,
    });
    expect(posted.status).toBe(303);
    const shown = await get(running.port, posted.location!, { cookie });
    expect(titleOf(shown.text)).toBe('Approved · Faster checkout · itv');
    expect(shown.text).toMatch(/<div class="panel" role="status" id="flash" tabindex="-1" data-kind="ok">/);
  });
});
