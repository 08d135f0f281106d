import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ms, percentile, sizeFromEnv } from './stats.js';

/*
 * The `itv` command's start-up, as a user runs it (`node bin/itv.js …`, wall time of the whole process, the
 * prebuilt CLI already built): `--help` and `--version` against 300 ms, and `itv status ID` on a home whose
 * control plane runs against 500 ms. Beside each, `node -e 0` measured in the same rounds: Node's own
 * start-up, the floor no command goes below. Medians of ITV_BENCH_CLI_RUNS rounds.
 */

const runs = sizeFromEnv('ITV_BENCH_CLI_RUNS', 7);
const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const itv = join(root, 'bin', 'itv.js');

async function wallMs(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  await run(process.execPath, args, { cwd: root, env });
  return performance.now() - started;
}

/** `npm run bench` section: each command's median start-up beside its target and Node's own. */
export async function runCliStartupBench(): Promise<string[]> {
  const home = mkdtempSync(join(tmpdir(), 'itv-bench-cli-'));
  const env = { ...process.env, ITV_HOME: home, ITV_IDLE_SECONDS: '120', NODE_OPTIONS: '' };
  try {
    const submitted = await run(
      process.execPath,
      [itv, 'submit', join(root, 'examples', '01-low-risk-flag.json'), '--as', 'alice', '--json'],
      { cwd: root, env },
    );
    const intentId = (JSON.parse(submitted.stdout) as { intentId: string }).intentId;
    const commands: Array<[string, string[], number]> = [
      ['itv --help', ['--help'], 300],
      ['itv --version', ['--version'], 300],
      ['itv status ID', ['status', intentId], 500],
    ];
    const samples = new Map<string, number[]>(
      [['node -e 0'], ...commands].map(([name]) => [name as string, []]),
    );
    for (let i = 0; i < runs; i++) {
      samples.get('node -e 0')!.push(await wallMs(['-e', '0'], env));
      for (const [name, args] of commands) samples.get(name)!.push(await wallMs([itv, ...args], env));
    }
    const median = (name: string) => percentile(samples.get(name)!, 50);
    const node = median('node -e 0');
    const lines = [
      `median of ${runs} processes each; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}; node -e 0 (Node's own start-up) ${ms(node)}`,
    ];
    for (const [name, , target] of commands) {
      const figure = median(name);
      lines.push(
        `${name.padEnd(16)}${ms(figure).padStart(10)}  target ≤ ${target} ms: ${figure <= target ? 'met' : 'NOT met'}   (itv's own ${ms(figure - node)})`,
      );
    }
    return lines;
  } finally {
    await run(process.execPath, [itv, 'control-plane', 'stop'], { cwd: root, env }).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}
