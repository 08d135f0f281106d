import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { loadCatalog } from '../catalog/index.js';
import { connect } from '../cli/api/itv-api.js';
import { ConsoleApi } from '../cli/console/console-api.js';
import { startConsole } from '../cli/console/server.js';
import { ensureTables } from '../lambdas/adapters/aws/tables.js';
import { localDynamoClient, startDynalite } from '../lambdas/adapters/local/dynalite-server.js';
import { linkEntry } from '../lambdas/core/ledger/entry.js';
import { walkLimit } from '../lambdas/core/pipeline/intent-list.js';
import type { LedgerEntry, StoredEntry } from '../lambdas/ports/ledger-store.js';
import { ms, percentile, sizeFromEnv } from './stats.js';

/*
 * The console's first view against a local stack holding many intents: the demo's thirteen intents, their
 * entries copied under new ids until the ledger holds ITV_BENCH_CONSOLE_INTENTS (10,000) intents, hash-chained
 * as the ledger chains them and written straight into the home's dynalite tables; then the control plane is
 * started on that home and the console asks for its pages as a browser does. Target: the first view (the
 * intents list) within 1 s.
 */
const root = join(import.meta.dirname, '..');
const itv = (home: string, args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin', 'itv.js'), ...args], {
    env: { ...process.env, ITV_HOME: home, NO_COLOR: '1' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });

export async function runConsoleBench(): Promise<string[]> {
  const intents = sizeFromEnv('ITV_BENCH_CONSOLE_INTENTS', 10_000);
  const demoHome = mkdtempSync(join(tmpdir(), 'itv-bench-console-demo-'));
  const home = mkdtempSync(join(tmpdir(), 'itv-bench-console-'));
  try {
    const demo = itv(demoHome, ['demo']);
    if (demo.status !== 0) throw new Error(`the demo failed: ${demo.stderr}`);
    const exported = itv(demoHome, ['ledger', 'export']);
    stopControlPlane(demoHome);
    const sample = exported.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { entry: LedgerEntry }).entry)
      .filter((entry) => entry.type !== 'checkpoint.signed');
    const byIntent = new Map<string, LedgerEntry[]>();
    for (const entry of sample)
      byIntent.set(entry.intentId, [...(byIntent.get(entry.intentId) ?? []), entry]);
    const groups = [...byIntent.values()];
    // A service of the catalog that none of them changes: a filter for it matches nothing (an unknown one is 400).
    const changed = new Set(
      sample.map((entry) => {
        const payload = entry.payload as { service?: unknown; intent?: { change?: { service?: unknown } } };
        return payload.service ?? payload.intent?.change?.service;
      }),
    );
    const unchanged = Object.keys(loadCatalog().services)
      .sort()
      .find((service) => !changed.has(service));
    if (unchanged === undefined) throw new Error('the demo changes every service of the catalog');

    const built = performance.now();
    const server = await startDynalite({ path: join(home, 'dynamodb') });
    const client = localDynamoClient(server.endpoint);
    let written = 0;
    try {
      await ensureTables(client, { ledger: 'itv-ledger', state: 'itv-state' });
      let head: StoredEntry | undefined;
      let batch: WriteRequest[] = [];
      const flush = async () => {
        while (batch.length > 0) {
          const answer = await client.send(
            new BatchWriteItemCommand({ RequestItems: { 'itv-ledger': batch } }),
          );
          batch = (answer.UnprocessedItems?.['itv-ledger'] as WriteRequest[] | undefined) ?? [];
        }
      };
      for (let i = 0; i < intents; i++) {
        const group = groups[i % groups.length]!;
        const intentId = `bench-${String(i).padStart(6, '0')}-${group[0]!.intentId}`;
        for (const entry of group) {
          const linked = linkEntry(
            'main',
            { ...entry, intentId, idempotencyKey: `${intentId}/${entry.type}/${entry.seq}` },
            head,
          );
          head = linked.stored;
          written++;
          batch.push({
            PutRequest: {
              Item: {
                ledger: { S: 'main' },
                seq: { N: String(linked.stored.entry.seq) },
                entry: { S: linked.text },
                hash: { S: linked.stored.hash },
                intentId: { S: intentId },
              },
            },
          });
          if (batch.length === 25) await flush();
        }
      }
      await flush();
    } finally {
      client.destroy();
      await server.close();
    }
    const buildSeconds = (performance.now() - built) / 1000;

    const api = new ConsoleApi(await connect({ kind: 'local', home }), { named: 'xavier', via: 'bench' });
    const running = await startConsole({ api });
    const cookie = `${running.session.cookieName}=${running.session.openSession()}`;
    const get = async (path: string) => {
      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${running.port}${path}`, { headers: { cookie } });
      await response.text();
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
      return performance.now() - started;
    };
    try {
      const first = await get('/');
      const lists: number[] = [];
      for (let i = 0; i < 5; i++) lists.push(await get('/'));
      const filtered: number[] = [];
      for (let i = 0; i < 3; i++) filtered.push(await get('/?service=launch-flags&status=released'));
      // A filter nothing matches: the page stops at the walk limit and offers to search older intents.
      const none: number[] = [];
      for (let i = 0; i < 3; i++) none.push(await get(`/?service=${unchanged}`));
      const intent: number[] = [];
      for (let i = 0; i < 3; i++)
        intent.push(await get(`/intents/bench-${String(i).padStart(6, '0')}-${groups[i]![0]!.intentId}`));
      const p50 = percentile(lists, 50);
      return [
        `ledger: ${intents.toLocaleString('en-US')} intents, ${written.toLocaleString('en-US')} entries (written in ${buildSeconds.toFixed(1)} s)`,
        `first view (intents list), cold: ${ms(first)}; warm p50 ${ms(p50)}   target ≤ 1 s   ${first <= 1000 && p50 <= 1000 ? 'met' : 'NOT MET'}`,
        `filtered list p50: ${ms(percentile(filtered, 50))}; a filter matching nothing p50 ${ms(percentile(none, 50))} (one page walks at most ${walkLimit.toLocaleString('en-US')} entries); one intent's view p50: ${ms(percentile(intent, 50))}`,
      ];
    } finally {
      await running.close();
      stopControlPlane(home);
    }
  } finally {
    rmSync(demoHome, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

function stopControlPlane(home: string): void {
  itv(home, ['control-plane', 'stop']);
}
