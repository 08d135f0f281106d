import { DynamoLedgerStore } from '../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { DynamoStateStore } from '../lambdas/adapters/aws/dynamodb-state-store.js';
import { ensureTables } from '../lambdas/adapters/aws/tables.js';
import { openDynalite } from '../lambdas/adapters/local/dynalite-server.js';
import { SoleWriterLedgerStore } from '../lambdas/adapters/local/sole-writer-ledger-store.js';
import { valueAnswer } from '../lambdas/core/value-answer.js';
import { concludedIntents } from '../lambdas/core/value-report.js';
import { valueViewAnswer } from '../lambdas/core/value-view.js';
import type { LedgerStore, StoredEntry } from '../lambdas/ports/ledger-store.js';
import { ms, sizeFromEnv } from './stats.js';

/*
 * What one `GET /value` request costs against the ledger it reports on, on dynalite: before, every request read
 * the whole ledger (`concludedIntents` over it); now a request catches the value view up from its marker and
 * reads the summaries. Each intent leaves nine entries, three of which the report reads (declared, release
 * started, concluded). The reads go through a store that is not the sole writer, as on AWS.
 */
const intents = sizeFromEnv('ITV_BENCH_VALUE_LEDGER_INTENTS', 1_000);
const fillers = [
  'admission.admitted',
  'policy.evaluated',
  'verify.passed',
  'observation.noted',
  'release.step',
];
const ledgerName = 'main';

async function recordIntents(ledger: LedgerStore, from: number, count: number): Promise<void> {
  const start = Date.parse('2026-06-01T00:00:00Z');
  for (let i = from; i < from + count; i++) {
    const at = (minute: number) => new Date(start + i * 600_000 + minute * 60_000).toISOString();
    const append = (type: string, minute: number, payload: Record<string, unknown>, step = type) =>
      ledger.append(ledgerName, {
        intentId: `intent-${i}`,
        type,
        idempotencyKey: `intent-${i}/${step}`,
        timestamp: at(minute),
        payload,
      });
    const valueModel = { basis: 'savings', totalValueUsd: 87_600, years: 1, employeeCount: 1 + (i % 40) };
    await append('intent.declared', 0, { intent: { title: `change ${i}`, goal: { valueModel } } });
    for (const [n, type] of fillers.entries()) await append(type, 1 + n, { n });
    await append('release.started', 6, { deploymentId: `d-${i}` });
    await append('release.deployment-completed', 7, { at: at(7) });
    await append('intent.concluded', 8, {
      outcome: i % 9 === 0 ? 'rolled-back' : 'released',
      service: `service-${i % 20}`,
      kind: 'feature-flag',
      tier: 1 + (i % 3),
      tags: { region: ['NA', 'EMEA', 'APAC'][i % 3]!, team: `team-${i % 12}` },
      valuePerHourUsd: 10 + (i % 50),
      costOfDelayUsd: 3,
      timeToValueSeconds: 480,
    });
  }
}

/** Counts the entries a request reads. */
function counted(ledger: LedgerStore): { ledger: LedgerStore; read: () => number } {
  let entries = 0;
  const count = (read: StoredEntry[]) => {
    entries += read.length;
    return read;
  };
  return {
    ledger: {
      append: (name, draft) => ledger.append(name, draft),
      head: (name) => ledger.head(name),
      read: async (name, from, to) => count(await ledger.read(name, from, to)),
      forIntent: async (name, id) => count(await ledger.forIntent(name, id)),
    },
    read: () => {
      const read = entries;
      entries = 0;
      return read;
    },
  };
}

/** Printable lines: one request before and after, over the same ledger. */
export async function runValueLedgerBench(): Promise<string[]> {
  const dynamo = await openDynalite({});
  const client = dynamo.client();
  try {
    await ensureTables(client, { ledger: 'bench-value-ledger', state: 'bench-value-state' });
    const writer = new SoleWriterLedgerStore(client, 'bench-value-ledger');
    await recordIntents(writer, 0, intents);
    const reader = counted(new DynamoLedgerStore(client, 'bench-value-ledger'));
    const deps = {
      ledger: reader.ledger,
      ledgerName,
      state: new DynamoStateStore(client, 'bench-value-state'),
    };
    const query = { by: 'region,team' };

    let started = performance.now();
    valueAnswer(concludedIntents(await reader.ledger.read(ledgerName)), query);
    const beforeMs = performance.now() - started;
    const beforeRead = reader.read();

    let requests = 0;
    let slowest = 0;
    let catchUpMs = 0;
    let catchingUp = true;
    while (catchingUp) {
      const took = performance.now();
      catchingUp = (await valueViewAnswer(deps, query)).catchingUp !== undefined;
      const requestMs = performance.now() - took;
      catchUpMs += requestMs;
      slowest = Math.max(slowest, requestMs);
      requests += 1;
    }
    const catchUpRead = reader.read();

    await recordIntents(writer, intents, 10);
    started = performance.now();
    await valueViewAnswer(deps, query);
    const afterMs = performance.now() - started;
    const afterRead = reader.read();
    return [
      `GET /value over a ledger of ${intents.toLocaleString('en-US')} concluded intents (${beforeRead.toLocaleString('en-US')} entries), on dynalite:`,
      `  before: every request reads the whole ledger: ${ms(beforeMs)}, ${beforeRead.toLocaleString('en-US')} entries read`,
      `  now, once: the value view catches up over ${requests} request${requests === 1 ? '' : 's'} (each bounded, the slowest ${ms(slowest)}): ${ms(catchUpMs)} in all, ${catchUpRead.toLocaleString('en-US')} entries read`,
      `  now, a request after 10 more conclusions: ${ms(afterMs)}, ${afterRead.toLocaleString('en-US')} entries read`,
    ];
  } finally {
    client.destroy();
    await dynamo.close();
  }
}
