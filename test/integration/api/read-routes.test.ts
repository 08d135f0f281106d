import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiGet } from '../../../cli/api/api-get.js';
import { downloadBundle } from '../../../cli/api/bundle-download.js';
import { downloadLedger } from '../../../cli/api/ledger-download.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { auditExport } from '../../../lambdas/core/evidence/export-audit.js';
import { pemToSpki } from '../../../lambdas/core/evidence/pem.js';
import { verifyBundle } from '../../../lambdas/core/evidence/verify-bundle.js';
import { exportLines } from '../../../lambdas/core/ledger/export-lines.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { intentsBudgetMs, setupMs } from '../../support/time-budget.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/** A Wednesday afternoon outside every freeze. */
const start = new Date('2026-11-04T15:00:00Z');

/**
 * The read routes of the API — the ledger export and its checkpoints, an intent's evidence bundle, the value
 * report — on the local API after one release, read by the same client code the CLI runs and verified by it.
 */
describe('GET /ledger, /ledger/checkpoints, /intents/{id}/evidence, /value', () => {
  let home: string;
  let api: LocalApiServer;
  let reader = '';
  const intentId = 'read-routes-low-1';
  const get: ApiGet = async (path) => {
    const response = await fetch(`${api.base}${path}`, { headers: { authorization: `Bearer ${reader}` } });
    const text = await response.text();
    return { status: response.status, text, header: (name) => response.headers.get(name) ?? undefined };
  };
  const getJson = async (path: string) => {
    const answer = await get(path);
    return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-read-routes-'));
    const alice = issueToken(home, 'alice');
    reader = alice;
    api = await startLocalApi(home, bearerCaller(home), start);
    const submitted = await fetch(`${api.base}/intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...example('01-low-risk-flag.json'), id: intentId }),
    });
    expect(submitted.status).toBe(202);
    await api.executions.idle();
  }, intentsBudgetMs(1));
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test('the export is the ledger in the export format, byte for byte, in pages that link to the next', async () => {
    // Prepare
    const stored = await api.stack.deps.ledger.read(api.stack.deps.ledgerName);
    expect(stored.length).toBeGreaterThan(8);

    // Act: pages of four entries, following each page's next link.
    const pages: string[] = [];
    const links: Array<string | undefined> = [];
    let path: string | undefined = '/ledger?limit=4';
    while (path) {
      const answer = await get(path);
      expect(answer.status).toBe(200);
      expect(answer.header('content-type')).toMatch(/^application\/x-ndjson/);
      pages.push(answer.text);
      const link = answer.header('link');
      links.push(link);
      path = link ? /<([^>]+)>; rel="next"/.exec(link)?.[1] : undefined;
    }
    const whole = await get('/ledger');

    // Assess
    expect(pages.join('')).toBe(exportLines(stored));
    expect(pages).toHaveLength(Math.ceil(stored.length / 4));
    expect(links[0]).toBe('</ledger?after=3&limit=4>; rel="next"');
    expect(links.at(-1)).toBeUndefined();
    expect(whole.text).toBe(exportLines(stored));
    expect(whole.header('link')).toBeUndefined();
    expect((await get(`/ledger?after=${stored.length + 5}`)).text).toBe('');
  });

  test.each([
    ['after=-1', 'after'],
    ['after=two', 'after'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['limit=1.5', 'limit'],
  ])('GET /ledger?%s is a 400 naming %s', async (query, field) => {
    const answer = await getJson(`/ledger?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'InvalidInputError', issues: [{ path: `query.${field}` }] });
  });

  test('the export and checkpoints, downloaded as the CLI does, verify with the served key; a page altered on the way does not', async () => {
    // Act
    const download = await downloadLedger(get);
    const tampered = await downloadLedger(async (path) => {
      const answer = await get(path);
      // A server (or proxy) that rewrites the intent's first step: the client's own audit must catch it.
      return path.startsWith('/ledger?') || path === '/ledger'
        ? { ...answer, text: answer.text.replace('"intent.declared"', '"intent.dec1ared"') }
        : answer;
    });

    // Assess
    const key = pemToSpki(download.publicKeyPem);
    expect(Buffer.from(key)).toEqual(Buffer.from(await api.stack.deps.publicKey()));
    expect(download.checkpoints.length).toBeGreaterThan(0);
    expect(download.entries).toBe((await api.stack.deps.ledger.read('main')).length);
    const audit = auditExport(download.lines, key, { checkpoints: download.checkpoints });
    expect(audit).toMatchObject({ ok: true, size: download.entries });
    expect(auditExport(tampered.lines, key, { checkpoints: tampered.checkpoints }).ok).toBe(false);
  });

  test("an intent's evidence bundle verifies offline with its own key; an unknown intent is 404, a bad id 400", async () => {
    // Act
    const files = await downloadBundle(get, intentId);
    const unknown = await getJson('/intents/no-such-intent/evidence');
    const bad = await getJson(`/intents/${encodeURIComponent('bad id')}/evidence`);

    // Assess
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['manifest.intoto.json', 'checkpoint.json', 'public-key.pem']),
    );
    expect(verifyBundle(files)).toMatchObject({ ok: true, intentId });
    expect(unknown.status).toBe(404);
    expect(String(unknown.body.message)).toContain('no-such-intent');
    expect(bad.status).toBe(400);
    // The id is named where it was sent, the path, as every route names a bad id.
    expect(bad.body).toMatchObject({ issues: [{ path: 'path.id' }] });
  });

  test('the value report groups by known dimensions; an unknown one is a 400 naming it and the known ones', async () => {
    // Act
    const report = await getJson('/value?by=service,region');
    const unknown = await getJson('/value?by=service,nonsense');

    // Assess
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      dimensions: ['service', 'region'],
      groups: [{ key: { service: 'launch-flags', region: 'NA' }, intents: 1, released: 1 }],
    });
    expect(unknown.status).toBe(400);
    const issue = (unknown.body.issues as Array<{ path: string; message: string }>)[0];
    expect(issue?.path).toBe('query.by');
    expect(issue?.message).toMatch(/"nonsense".*service, kind, team, tier, outcome.*region/);
  });

  test('an intent with ?include=entries carries its ledger entries whole; another include is a 400 naming it', async () => {
    // Act
    const plain = await getJson(`/intents/${intentId}`);
    const whole = await getJson(`/intents/${intentId}?include=entries`);
    const bad = await getJson(`/intents/${intentId}?include=secrets`);

    // Assess
    expect(plain.status).toBe(200);
    expect(plain.body.entries).toBeUndefined();
    expect(whole.status).toBe(200);
    const entries = whole.body.entries as Array<{ seq: number; type: string; payload: unknown }>;
    expect(entries.map((e) => e.seq)).toEqual((plain.body.steps as Array<{ seq: number }>).map((s) => s.seq));
    expect(entries.find((e) => e.type === 'release.started')?.payload).toMatchObject({
      strategy: expect.any(String),
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ issues: [{ path: 'query.include' }] });
  });

  test("?include=metrics carries the service's metrics per minute over the release, beside each alarm's threshold", async () => {
    // Act
    const both = await getJson(`/intents/${intentId}?include=entries,metrics`);

    // Assess
    expect(both.status).toBe(200);
    const entries = both.body.entries as Array<{
      type: string;
      timestamp: string;
      payload: Record<string, unknown>;
    }>;
    const metrics = both.body.metrics as {
      service: string;
      from: string;
      to: string;
      series: Array<{
        metric: string;
        alarm: string;
        threshold: number;
        periodSeconds: number;
        points: Array<{ at: string; value: number }>;
      }>;
    };
    const startedAt = Date.parse(
      String(entries.find((e) => e.type === 'release.started')?.payload.startedAt),
    );
    const concluded = entries.find((e) => e.type === 'intent.concluded')!;
    expect(metrics.service).toBe('launch-flags');
    expect(Date.parse(metrics.from)).toBe(startedAt - 10 * 60_000);
    expect(metrics.to).toBe(new Date(concluded.timestamp).toISOString());
    expect(metrics.series.map((s) => s.alarm)).toEqual([
      'itv-launch-flags-error-rate',
      'itv-launch-flags-latency-p99',
    ]);
    const minutes = Math.ceil((Date.parse(metrics.to) - Date.parse(metrics.from)) / 60_000);
    for (const series of metrics.series) {
      expect(series.periodSeconds).toBe(60);
      expect(series.points).toHaveLength(minutes);
      // A clean release: every minute under the threshold its alarm trips at.
      expect(series.points.every((p) => p.value > 0 && p.value < series.threshold)).toBe(true);
    }
  });

  test('the value report over a window: what concluded outside it is left out; a malformed bound is a 400 naming it', async () => {
    // Act
    const all = await getJson('/value?since=2000-01-01&curveBy=service');
    const none = await getJson('/value?since=2999-01-01');
    const bad = await getJson('/value?since=soon&until=2026-02-30x');

    // Assess
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      window: { since: '2000-01-01T00:00:00.000Z', until: null },
      groups: [{ released: 1 }],
      // A window opened in 2000 is years long: DORA by week.
      doraOverTime: { period: 'week', periods: [{ released: 1 }] },
      compounding: { dimensions: ['service'], curves: [{ key: { service: 'launch-flags' }, releases: 1 }] },
    });
    expect(none.body).toMatchObject({ groups: [], doraOverTime: { window: null, periods: [] } });
    expect(bad.status).toBe(400);
    expect((bad.body.issues as Array<{ path: string }>).map((i) => i.path)).toEqual([
      'query.since',
      'query.until',
    ]);
  });
});
