import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoLedgerStore } from '../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { ensureTables } from '../lambdas/adapters/aws/tables.js';
import { localDynamoClient, startDynalite } from '../lambdas/adapters/local/dynalite-server.js';
import { SoleWriterLedgerStore } from '../lambdas/adapters/local/sole-writer-ledger-store.js';
import { canonicalJson, chainEntry } from '../lambdas/core/ledger/index.js';
import type { LedgerEntryDraft } from '../lambdas/ports/ledger-store.js';
import { stepPayload } from './ledger-export.js';

/*
 * The ledger's append against dynalite's own conditional PutItem of the very items it writes, on one dynalite, as
 * the local stack's sole writer appends (no idempotency marker) and as AWS does (with it). Each comparison runs in
 * a process of its own (`inOwnProcess`), as benchmark harnesses fork for each benchmark (JMH's default): the
 * sections before it leave a heap of their own and the compiler's view of the code they ran, which fell on one
 * comparison more than another and moved the in-process figure by ten points or more from run to run.
 */

/** Rounds over HTTP, in pairs: in each pair put goes first once and append once. */
const ROUNDS = 6;
/** Calls of each kind made before the clock starts. */
const WARM = 50;

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)} %`;
const rate = (count: number, ms: number) => `${Math.round((count * 1000) / ms).toLocaleString('en-US')}/s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export type Transport = 'http' | 'in-process';

/** One comparison's printable lines, and its figure: the put's time over the append's (the append's share of put). */
export interface Comparison {
  lines: string[];
  ratio: number;
}

/** `appendVersusPut` in a child process of its own (this module as its entry), answering its lines and figure. */
export function inOwnProcess(count: number, writers: number, transport: Transport): Promise<Comparison> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [String(count), String(writers), transport], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answer: Comparison | undefined;
    child.on('message', (message) => {
      answer = message as Comparison;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && answer !== undefined) resolve(answer);
      else reject(new Error(`append bench (${count}, ${writers}, ${transport}) exited with ${code}`));
    });
  });
}

/**
 * The comparison in `processes` processes of its own, one after another (as benchmark harnesses fork a benchmark
 * several times and report across forks): the lines of the median one, then each one's figure in the order they
 * ran. On a shared two-core machine the same code measured 75–85 % in process from one process to the next, the
 * put's own rate moving between 6,800 and 10,700 a second; one process's figure is a sample of that spread.
 */
export async function acrossProcesses(
  processes: number,
  count: number,
  writers: number,
  transport: Transport,
): Promise<string[]> {
  const runs: Comparison[] = [];
  for (let i = 0; i < processes; i++) runs.push(await inOwnProcess(count, writers, transport));
  if (runs.length === 1) return runs[0]!.lines;
  const middle = [...runs].sort((a, b) => a.ratio - b.ratio)[Math.floor(runs.length / 2)]!;
  return [
    ...middle.lines,
    `  append/put in each of ${runs.length} processes, as they ran: ${runs.map((run) => pct(run.ratio, 1)).join(', ')} (above: the median process)`,
  ];
}

/**
 * `a` and `b` one call after the other, `count` times each, taking turns at going first: each one's total time. With
 * one writer this is the comparison: whatever else slows the process (a collection, another process on the core,
 * the compiler) falls on both alike, call by call, and the totals are steady from run to run where rounds of a few
 * hundred calls each were not (72–91 % in process for the same code, 81–84 % call by call).
 */
async function alternateEach(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  count: number,
): Promise<{ count: number; aMs: number; bMs: number }> {
  let aMs = 0;
  let bMs = 0;
  for (let i = 0; i < count; i++) {
    const aFirst = i % 2 === 0;
    const t0 = performance.now();
    await (aFirst ? a() : b());
    const t1 = performance.now();
    await (aFirst ? b() : a());
    const t2 = performance.now();
    aMs += aFirst ? t1 - t0 : t2 - t1;
    bMs += aFirst ? t2 - t1 : t1 - t0;
  }
  return { count, aMs, bMs };
}

/**
 * `a` and `b` in alternating rounds of `perRound` calls, taking turns at going first (whichever runs first pays for
 * the garbage the round before left): each one's total time, and b's time over a's as the median over pairs of rounds.
 */
async function alternate(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  rounds: number,
  perRound: number,
  run: (op: () => Promise<unknown>, n: number) => Promise<number>,
): Promise<{ count: number; aMs: number; bMs: number; ratios: number[] }> {
  let aMs = 0;
  let bMs = 0;
  const ratios: number[] = [];
  let pair = { a: 0, b: 0 };
  for (let round = 0; round < rounds; round++) {
    let aRound: number;
    let bRound: number;
    if (round % 2 === 0) {
      aRound = await run(a, perRound);
      bRound = await run(b, perRound);
    } else {
      bRound = await run(b, perRound);
      aRound = await run(a, perRound);
    }
    aMs += aRound;
    bMs += bRound;
    pair = { a: pair.a + aRound, b: pair.b + bRound };
    if (round % 2 === 1) {
      ratios.push(pair.a / pair.b);
      pair = { a: 0, b: 0 };
    }
  }
  return { count: perRound * rounds, aMs, bMs, ratios };
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
 * Appends through DynamoLedgerStore vs conditional PutItems of the very items it writes, on one dynalite so both see
 * the same table size: one writer alternates call by call; `writers` > 1 keeps that many calls in flight at once, in
 * alternating rounds (calls in flight together cannot alternate one by one). Over
 * HTTP (`http`, as another process would call dynalite), or through the owner's in-process client (`in-process`,
 * the local stack's own path: a call is a tenth of an HTTP one, so the append's own work weighs more).
 */
export async function appendVersusPut(
  count: number,
  writers: number,
  transport: Transport,
): Promise<Comparison> {
  const server = await startDynalite({});
  const client = transport === 'http' ? localDynamoClient(server.endpoint) : server.client();
  try {
    await ensureTables(client, { ledger: 'bench-ledger', state: 'bench-state' });
    // As the local stack opens it (the table's one writer: no idempotency marker), and as AWS does (marker).
    const store = new SoleWriterLedgerStore(client, 'bench-ledger');
    const marked = new DynamoLedgerStore(client, 'bench-ledger');
    // The raw items are built before the clock starts: the floor is the write alone.
    const rawPuts = (ledger: string, n: number) => {
      const puts: Array<() => Promise<unknown>> = [];
      let previous: ReturnType<typeof chainEntry> | undefined;
      for (let i = 0; i < n + WARM + 3 * ROUNDS * 6; i++) {
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
    // Put's rounds are shared out between the comparisons: each takes count puts or a third of that.
    const secondary = Math.ceil(count / 3);
    const raw = rawPuts('raw', count + secondary * (writers > 1 ? 2 : 1));
    // With several writers, the same PutItems also one after another, each once the one before has answered: the
    // order a chain's entries must be written in (each names the hash of the one before), whoever asks.
    const chained = writers > 1 ? rawPuts('chained', secondary) : [];
    // So are the drafts: an append's input, as a stage hands it over.
    const drafts = Array.from({ length: count + WARM + 3 * ROUNDS * 6 }, (_, i) => draftAt(i));
    const markedDrafts = Array.from({ length: secondary + WARM + 3 * ROUNDS * 6 }, (_, i) =>
      draftAt(i, 'marked'),
    );
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
    await run(put, WARM);
    await run(append, WARM);
    await run(appendMarked, WARM);
    if (writers > 1) await run(putInOrder, WARM);
    const where = transport === 'http' ? 'over HTTP' : 'in process (the local stack)';
    if (writers === 1) {
      const main = await alternateEach(put, append, count);
      const withMarker = await alternateEach(put, appendMarked, secondary);
      const lines = [
        `append vs conditional PutItem on dynalite ${where}, ${main.count} of each, one writer, alternating call by call:`,
        `  conditional PutItem ${rate(main.count, main.aMs)}   append ${rate(main.count, main.bMs)}   append/put ${pct(main.aMs, main.bMs)}   (target >= 80 %)`,
        `  with the idempotency marker, as on AWS: append ${rate(withMarker.count, withMarker.bMs)}   ${pct(withMarker.aMs, withMarker.bMs)} of put (${withMarker.count} of each)`,
      ];
      return { lines, ratio: main.aMs / main.bMs };
    }
    const rounds = transport === 'http' ? ROUNDS : ROUNDS * 6;
    // Each comparison alternates its two operations and nothing else: a third operation's garbage, collected in
    // whichever round came after it, would weigh on one of them more than the other.
    const main = await alternate(put, append, rounds, Math.ceil(count / rounds), run);
    const withMarker = await alternate(put, appendMarked, rounds, Math.ceil(secondary / rounds), run);
    const inOrder = await alternate(put, putInOrder, rounds, Math.ceil(secondary / rounds), run);
    const lines = [
      `append vs conditional PutItem on dynalite ${where}, ${main.count} of each, ${writers} writers in flight, alternating rounds:`,
      `  conditional PutItem ${rate(main.count, main.aMs)}   append ${rate(main.count, main.bMs)}   append/put ${pct(main.aMs, main.bMs)}   (target >= 80 %; median of ${main.ratios.length} pairs of rounds ${pct(median(main.ratios), 1)})`,
      `  with the idempotency marker, as on AWS: append ${rate(withMarker.count, withMarker.bMs)}   ${pct(withMarker.aMs, withMarker.bMs)} of put (${withMarker.count} of each, rounds of their own)`,
      `  the PutItems one after another, as a chain's entries are written: ${rate(inOrder.count, inOrder.bMs)}   ${pct(inOrder.aMs, inOrder.bMs)} of put (rounds of their own); append ${pct(main.aMs / main.bMs, inOrder.aMs / inOrder.bMs)} of that (each against its own rounds' puts)`,
    ];
    return { lines, ratio: main.aMs / main.bMs };
  } finally {
    client.destroy();
    await server.close();
  }
}

// Run as a child by `inOwnProcess`: one comparison, its lines sent back.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.send !== undefined) {
  const [count, writers, transport] = process.argv.slice(2);
  const comparison = await appendVersusPut(Number(count), Number(writers), transport as Transport);
  process.send(comparison, () => process.exit(0));
}
