import { hash } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoLedgerStore } from '../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { ensureTables } from '../lambdas/adapters/aws/tables.js';
import { localDynamoClient, startDynalite } from '../lambdas/adapters/local/dynalite-server.js';
import { SoleWriterLedgerStore } from '../lambdas/adapters/local/sole-writer-ledger-store.js';
import { auditExport } from '../lambdas/core/evidence/export-audit.js';
import { canonicalJson, chainEntry } from '../lambdas/core/ledger/index.js';
import type { LedgerEntryDraft } from '../lambdas/ports/ledger-store.js';
import { pipelineShapedExport, stepExport, stepPayload } from './ledger-export.js';
import { sizeFromEnv } from './stats.js';

/*
 * The ledger's figures, each beside the floor it is measured against in the same run:
 * - appends on dynalite (as the local stack's sole writer, and with the marker AWS uses) vs dynalite's own
 *   conditional PutItem of the same items;
 * - verifying a 100k-entry export vs SHA-256 over the same lines;
 * - verifying a million pipeline-shaped entries with their signed decisions and checkpoints.
 * ITV_BENCH_LEDGER_APPENDS, ITV_BENCH_EXPORT_ENTRIES and ITV_BENCH_LEDGER_ENTRIES shrink it for CI.
 */

const appends = sizeFromEnv('ITV_BENCH_LEDGER_APPENDS', 2000);
const exportEntries = sizeFromEnv('ITV_BENCH_EXPORT_ENTRIES', 100_000);
const ledgerEntries = sizeFromEnv('ITV_BENCH_LEDGER_ENTRIES', 1_000_000);
/** Rounds over HTTP, in pairs: in each pair put goes first once and append once. */
const ROUNDS = 6;

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)} %`;
const rate = (count: number, ms: number) => `${Math.round((count * 1000) / ms).toLocaleString('en-US')}/s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** `npm run bench` section: printable lines, figures with their targets. */
export async function runLedgerBench(): Promise<string[]> {
  return [
    ...(await appendVersusPut(appends, 1, 'http')),
    ...(await appendVersusPut(appends, 8, 'http')),
    // In process a call is a tenth of an HTTP one: six times as many, in six times as many rounds (a collection of
    // the shared heap lands in one round or another: the more pairs, the steadier their median).
    ...(await appendVersusPut(appends * 6, 1, 'in-process')),
    ...(await appendVersusPut(appends * 6, 8, 'in-process')),
    ...(await exportVersusSha256(exportEntries)),
    ...(await millionEntries(ledgerEntries)),
  ];
}

/** The i-th draft: twelve steps an intent; `ledger` names the intents, as each ledger's intents are its own. */
function draftAt(i: number, ledger = 'main'): LedgerEntryDraft {
  const intentId = `${ledger}-int-${Math.floor(i / 12)}`;
  return {
    intentId,
    type: 'release.step',
    idempotencyKey: `${intentId}/step-${i}`,
    timestamp: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
    payload: JSON.parse(stepPayload(i)),
  };
}

/**
 * Appends through DynamoLedgerStore vs conditional PutItems of the very items it writes, alternating in
 * rounds on one dynalite so both see the same machine and table size; `writers` calls in flight at once. Over
 * HTTP (`http`, as another process would call dynalite), or through the owner's in-process client (`in-process`,
 * the local stack's own path: a call is a tenth of an HTTP one, so the append's own work weighs more).
 */
async function appendVersusPut(
  count: number,
  writers: number,
  transport: 'http' | 'in-process',
): Promise<string[]> {
  const server = await startDynalite({});
  const client = transport === 'http' ? localDynamoClient(server.endpoint) : server.client();
  try {
    await ensureTables(client, { ledger: 'bench-ledger', state: 'bench-state' });
    // As the local stack opens it (the table's one writer: no idempotency marker), and as AWS does (marker).
    const store = new SoleWriterLedgerStore(client, 'bench-ledger');
    const marked = new DynamoLedgerStore(client, 'bench-ledger');
    // The raw items are built before the clock starts: the floor is the write alone.
    const rawPuts = (ledger: string) => {
      const puts: Array<() => Promise<unknown>> = [];
      let previous: ReturnType<typeof chainEntry> | undefined;
      for (let i = 0; i < count + ROUNDS * 6 + 50; i++) {
        previous = chainEntry(ledger, draftAt(i, ledger), previous);
        const { entry, hash: leaf } = previous;
        const command = new PutItemCommand({
          TableName: 'bench-ledger',
          Item: {
            ledger: { S: ledger },
            seq: { N: String(entry.seq) },
            entry: { S: canonicalJson(entry) },
            hash: { S: leaf },
            intentId: { S: entry.intentId },
          },
          ConditionExpression: 'attribute_not_exists(#s)',
          ExpressionAttributeNames: { '#s': 'seq' },
        });
        puts.push(() => client.send(command));
      }
      return puts;
    };
    const raw = rawPuts('raw');
    // With several writers, the same PutItems also one after another, each once the one before has answered: the
    // order a chain's entries must be written in (each names the hash of the one before), whoever asks.
    const chained = writers > 1 ? rawPuts('chained') : [];
    // So are the drafts: an append's input, as a stage hands it over.
    const drafts = Array.from({ length: count + ROUNDS * 6 + 50 }, (_, i) => draftAt(i));
    const markedDrafts = Array.from({ length: count + ROUNDS * 6 + 50 }, (_, i) => draftAt(i, 'marked'));
    let appended = 0;
    const append = () => store.append('main', drafts[appended++]!);
    let markedCount = 0;
    const appendMarked = () => marked.append('marked', markedDrafts[markedCount++]!);
    let putIndex = 0;
    const put = () => raw[putIndex++]!();
    let chain: Promise<unknown> = Promise.resolve();
    let chainedIndex = 0;
    const putInOrder = () => {
      const next = chained[chainedIndex++]!;
      chain = chain.then(next);
      return chain;
    };
    const run = async (op: () => Promise<unknown>, n: number) => {
      const started = performance.now();
      let left = n;
      await Promise.all(
        Array.from({ length: writers }, async () => {
          while (left-- > 0) await op();
        }),
      );
      return performance.now() - started;
    };
    await run(put, 50);
    await run(append, 50);
    await run(appendMarked, 50);
    if (writers > 1) await run(putInOrder, 50);
    appended = 50;
    markedCount = 50;
    let putMs = 0;
    let appendMs = 0;
    let markedMs = 0;
    let chainedMs = 0;
    const rounds = transport === 'http' ? ROUNDS : ROUNDS * 6;
    const perRound = Math.ceil(count / rounds);
    const ratios: number[] = [];
    let pair = { put: 0, append: 0 };
    for (let round = 0; round < rounds; round++) {
      // Whichever runs first pays for the garbage the round before left: they take turns.
      let putRound: number;
      let appendRound: number;
      if (round % 2 === 0) {
        putRound = await run(put, perRound);
        appendRound = await run(append, perRound);
      } else {
        appendRound = await run(append, perRound);
        putRound = await run(put, perRound);
      }
      putMs += putRound;
      appendMs += appendRound;
      pair = { put: pair.put + putRound, append: pair.append + appendRound };
      if (round % 2 === 1) {
        ratios.push(pair.put / pair.append);
        pair = { put: 0, append: 0 };
      }
      markedMs += await run(appendMarked, perRound);
      if (writers > 1) chainedMs += await run(putInOrder, perRound);
    }
    const n = perRound * rounds;
    return [
      `append vs conditional PutItem on dynalite ${transport === 'http' ? 'over HTTP' : 'in process (the local stack)'}, ${n} of each, ${writers} writer(s) in flight, alternating rounds:`,
      `  conditional PutItem ${rate(n, putMs)}   append ${rate(n, appendMs)}   append/put ${pct(putMs, appendMs)}   (target >= 80 %; median of ${ratios.length} pairs of rounds ${pct(median(ratios), 1)})`,
      `  with the idempotency marker, as on AWS: append ${rate(n, markedMs)}   ${pct(putMs, markedMs)} of put`,
      ...(writers > 1
        ? [
            `  the PutItems one after another, as a chain's entries are written: ${rate(n, chainedMs)}   ${pct(putMs, chainedMs)} of put; append ${pct(chainedMs, appendMs)} of that`,
          ]
        : []),
    ];
  } finally {
    client.destroy();
    await server.close();
  }
}

/** Verifying an export (chain, Merkle tree, every checkpoint) vs one SHA-256 per exported line, interleaved. */
async function exportVersusSha256(entries: number): Promise<string[]> {
  const writer = await stepExport(entries, 1000);
  const bytes = writer.bytes();
  const publicKey = await writer.signer.publicKeySpkiDer();
  const lineHashes = () => {
    const started = performance.now();
    for (let start = 0; start < bytes.length; ) {
      const end = bytes.indexOf(0x0a, start);
      hash('sha256', bytes.subarray(start, end + 1), 'buffer');
      start = end + 1;
    }
    return performance.now() - started;
  };
  const streamHash = () => {
    const started = performance.now();
    hash('sha256', bytes, 'buffer');
    return performance.now() - started;
  };
  const verify = () => {
    const started = performance.now();
    const audit = auditExport(bytes, publicKey, { checkpoints: writer.checkpoints });
    if (!audit.ok) throw new Error(`bench export failed verification: ${audit.reason}`);
    return performance.now() - started;
  };
  verify();
  lineHashes();
  const lines: number[] = [];
  const stream: number[] = [];
  const verified: number[] = [];
  for (let round = 0; round < 5; round++) {
    lines.push(lineHashes());
    stream.push(streamHash());
    verified.push(verify());
  }
  const [l, s, v] = [median(lines), median(stream), median(verified)];
  const mb = bytes.length / 1e6;
  return [
    `export of ${entries.toLocaleString('en-US')} entries (${mb.toFixed(0)} MB, a signed checkpoint every 1,000), median of 5:`,
    `  SHA-256 per line ${rate(entries, l)}   verify ${rate(entries, v)} (${(v / 1000).toFixed(2)} s)   verify/SHA-256 ${pct(l, v)}   (target >= 50 %)`,
    `  one SHA-256 over the whole file: ${(mb / (s / 1000)).toFixed(0)} MB/s, ${rate(entries, s)} lines' worth; verify is ${pct(s, v)} of that`,
  ];
}

/** A million pipeline-shaped entries: every twelfth a signed decision, one signed checkpoint per intent. */
async function millionEntries(entries: number): Promise<string[]> {
  const started = performance.now();
  const writer = await pipelineShapedExport(entries, 64);
  const built = performance.now() - started;
  const bytes = writer.bytes();
  const publicKey = await writer.signer.publicKeySpkiDer();
  const t0 = performance.now();
  // The process's CPU time beside the wall time: on a shared machine the wall time also counts the time other
  // processes held the core. It includes the garbage collector's helper threads, so it is no lower than one core's.
  const cpu0 = process.cpuUsage();
  const audit = auditExport(bytes, publicKey, { checkpoints: writer.checkpoints });
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (!audit.ok) throw new Error(`bench ledger failed verification: ${audit.reason}`);
  return [
    `verify ${entries.toLocaleString('en-US')} pipeline-shaped entries (${(bytes.length / 1e6).toFixed(0)} MB; built in ${(built / 1000).toFixed(1)} s):`,
    `  ${seconds.toFixed(1)} s on one core, ${cpuSeconds.toFixed(1)} s of CPU (target <= 30 s): ${audit.decisions.toLocaleString('en-US')} decision signatures, ${audit.checkpoints.toLocaleString('en-US')} signed checkpoints (${writer.checkpoints.length.toLocaleString('en-US')} evidence-store objects, interval 64)`,
  ];
}
