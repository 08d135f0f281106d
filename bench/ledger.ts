import { hash } from 'node:crypto';
import { auditExport } from '../lambdas/core/evidence/export-audit.js';
import { acrossProcesses } from './ledger-append.js';
import { pipelineShapedExport, stepExport } from './ledger-export.js';
import { sizeFromEnv } from './stats.js';

/*
 * The ledger's figures, each beside the floor it is measured against in the same run:
 * - appends on dynalite (as the local stack's sole writer, and with the marker AWS uses) vs dynalite's own
 *   conditional PutItem of the same items, each comparison in a process of its own (bench/ledger-append.ts);
 * - verifying a 100k-entry export vs SHA-256 over the same lines;
 * - verifying a million pipeline-shaped entries with their signed decisions and checkpoints.
 * ITV_BENCH_LEDGER_APPENDS, ITV_BENCH_EXPORT_ENTRIES and ITV_BENCH_LEDGER_ENTRIES shrink it for CI.
 */

const appends = sizeFromEnv('ITV_BENCH_LEDGER_APPENDS', 2000);
/** Processes each append comparison runs in, one after another: the median one's figures are printed. */
const appendProcesses = sizeFromEnv('ITV_BENCH_APPEND_PROCESSES', 3);
const exportEntries = sizeFromEnv('ITV_BENCH_EXPORT_ENTRIES', 100_000);
const ledgerEntries = sizeFromEnv('ITV_BENCH_LEDGER_ENTRIES', 1_000_000);

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)} %`;
const rate = (count: number, ms: number) => `${Math.round((count * 1000) / ms).toLocaleString('en-US')}/s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** `npm run bench` section: printable lines, figures with their targets. */
export async function runLedgerBench(): Promise<string[]> {
  return [
    ...(await acrossProcesses(appendProcesses, appends, 1, 'http')),
    ...(await acrossProcesses(appendProcesses, appends, 8, 'http')),
    // In process a call is a tenth of an HTTP one: six times as many, in six times as many rounds with eight writers.
    ...(await acrossProcesses(appendProcesses, appends * 6, 1, 'in-process')),
    ...(await acrossProcesses(appendProcesses, appends * 6, 8, 'in-process')),
    ...(await exportVersusSha256(exportEntries)),
    ...(await millionEntries(ledgerEntries)),
  ];
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
