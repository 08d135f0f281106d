import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { intentsBudgetMs, setupMs } from '../../support/time-budget.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/** A Wednesday afternoon outside every freeze. */
const NOW = new Date('2026-11-04T15:00:00Z');

/** `GET /intents` on the local API: filters, pages that link to the next, and each bad parameter named. */
describe('GET /intents', () => {
  let home: string;
  let api: LocalApiServer;
  let reader = '';
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-list-'));
    const tokens = { alice: issueToken(home, 'alice'), victor: issueToken(home, 'victor') };
    reader = tokens.alice;
    api = await startLocalApi(home, bearerCaller(home), NOW);
    const submit = async (who: keyof typeof tokens, intent: Record<string, unknown>) => {
      const response = await fetch(`${api.base}/intents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
        body: JSON.stringify(intent),
      });
      expect(response.status).toBe(202);
    };
    await submit('alice', { ...example('01-low-risk-flag.json'), id: 'list-low-1' });
    await api.executions.idle();
    await submit('victor', { ...example('04-high-risk-review.json'), id: 'list-high-1' });
    await api.executions.idle();
  }, intentsBudgetMs(2));
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const get = async (path: string) => {
    const response = await fetch(`${api.base}${path}`, { headers: { authorization: `Bearer ${reader}` } });
    return {
      status: response.status,
      link: response.headers.get('link'),
      body: (await response.json()) as {
        items: Array<{ intentId: string; status: string; service: string; team: string }>;
        nextCursor?: string;
        issues?: Array<{ path: string }>;
      },
    };
  };
  const ids = (answer: Awaited<ReturnType<typeof get>>) => answer.body.items.map((item) => item.intentId);

  test('newest first, with status, service and team; filters hold together', async () => {
    const all = await get('/intents');
    expect(all.status).toBe(200);
    expect(all.body.items).toEqual([
      expect.objectContaining({
        intentId: 'list-high-1',
        status: 'awaiting-review',
        service: 'patient-records',
      }),
      expect.objectContaining({ intentId: 'list-low-1', status: 'released', service: 'launch-flags' }),
    ]);
    expect(ids(await get('/intents?status=in-flight'))).toEqual(['list-high-1']);
    expect(ids(await get('/intents?status=released,awaiting-review'))).toEqual(['list-high-1', 'list-low-1']);
    expect(ids(await get('/intents?service=launch-flags'))).toEqual(['list-low-1']);
    const team = all.body.items[1]!.team;
    expect(ids(await get(`/intents?team=${encodeURIComponent(team)}&service=launch-flags`))).toEqual([
      'list-low-1',
    ]);
    expect(ids(await get('/intents?since=2999-01-01'))).toEqual([]);
  });

  test('tags filter by key=value, every pair given must hold', async () => {
    expect(ids(await get('/intents?tag=region=NA'))).toEqual(['list-low-1']);
    expect(ids(await get('/intents?tag=region%3DNA,team%3Dgrowth'))).toEqual(['list-low-1']);
    expect(ids(await get('/intents?tag=region=NA,team=nobody'))).toEqual([]);
    // A tag no intent carries matches none, whatever object property its name is.
    expect(ids(await get('/intents?tag=__proto__=x'))).toEqual([]);
    expect(ids(await get('/intents?tag=constructor=x'))).toEqual([]);
    expect((await get('/intents?tag=region=NA')).body.items[0]).toMatchObject({
      tags: expect.objectContaining({ region: 'NA', productLine: 'checkout' }),
    });
  });

  test('pages of one follow the Link header to the end, each intent once', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/intents?limit=1';
    while (path) {
      const page = await get(path);
      expect(page.status).toBe(200);
      seen.push(...ids(page));
      path = page.link ? /<([^>]+)>; rel="next"/.exec(page.link)?.[1] : undefined;
      if (path) expect(path).toContain(`cursor=${page.body.nextCursor}`);
    }
    expect(seen).toEqual(['list-high-1', 'list-low-1']);
  });

  test('a status no intent can have is 400 naming it and listing the known ones; queued and scheduled stand for their admission steps', async () => {
    const bogus = await get('/intents?status=bogus');
    expect(bogus.status).toBe(400);
    const message = (bogus.body.issues as unknown as Array<{ path: string; message: string }>)[0]!.message;
    for (const known of ['in-flight', 'released', 'awaiting-review', 'admission.queued', 'queued', 'bogus'])
      expect(message).toContain(known);
    expect(ids(await get('/intents?status=queued'))).toEqual([]);
    expect(ids(await get('/intents?status=admission.scheduled,awaiting-review'))).toEqual(['list-high-1']);
  });

  test('a service not in the catalog is 400 naming service and listing the known ones, not an empty list', async () => {
    const unknown = await get('/intents?service=no-such-service');
    expect(unknown.status).toBe(400);
    const issues = unknown.body.issues as unknown as Array<{ path: string; message: string }>;
    expect(issues).toEqual([expect.objectContaining({ path: 'query.service' })]);
    for (const known of [
      '"no-such-service" is not in the service catalog',
      'launch-flags',
      'patient-records',
    ])
      expect(issues[0]!.message).toContain(known);
    expect(ids(await get('/intents?service=hiring-portal'))).toEqual([]);
  });

  test('a team not in the catalog is 400 naming team and listing the known ones, not an empty list', async () => {
    const unknown = await get('/intents?team=no-such-team&service=no-such-service');
    expect(unknown.status).toBe(400);
    const issues = unknown.body.issues as unknown as Array<{ path: string; message: string }>;
    expect(issues.map((issue) => issue.path)).toEqual(['query.service', 'query.team']);
    expect(issues[1]!.message).toContain('"no-such-team" is not a team of the catalog; known teams: ');
    const team = (await get('/intents')).body.items[0]!.team;
    expect(issues[1]!.message).toContain(team);
    expect(ids(await get(`/intents?team=${encodeURIComponent(team)}`)).length).toBeGreaterThan(0);
  });

  test('a cursor is refused with filters other than those of the page that handed it out', async () => {
    const first = await get('/intents?status=released,awaiting-review&limit=1');
    const cursor = first.body.nextCursor!;
    expect(ids(first)).toEqual(['list-high-1']);
    expect(ids(await get(`/intents?status=awaiting-review,released&limit=5&cursor=${cursor}`))).toEqual([
      'list-low-1',
    ]);
    const reused = await get(`/intents?limit=1&cursor=${cursor}`);
    expect(reused.status).toBe(400);
    expect(reused.body.issues).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
  });

  test('each bad parameter is 400 naming it', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['since=yesterday', 'since'],
      ['cursor=forged', 'cursor'],
      ['service=', 'service'],
      ['service=nope', 'service'],
      ['tag=region', 'tag'],
      ['tag=region=NA=EU', 'tag'],
      ['status=bogus', 'status'],
      ['status=released,bogus', 'status'],
      // Names every object inherits: a lookup table's, not a status.
      ['status=constructor', 'status'],
      ['status=toString', 'status'],
      ['status=valueOf', 'status'],
      ['status=__proto__', 'status'],
      ['status=hasOwnProperty', 'status'],
    ] as const) {
      const answer = await get(`/intents?${query}`);
      expect([query, answer.status]).toEqual([query, 400]);
      expect(answer.body.issues).toEqual([expect.objectContaining({ path: `query.${field}` })]);
    }
  });
});
