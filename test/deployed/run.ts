/**
 * `npm run test:deployed`: the deployed-stack suite. Synthesizes the stack with its bundles into cdk.out, starts
 * moto_server on 127.0.0.1 (unless ITV_MOTO_ENDPOINT names a running one), runs the scenarios of
 * test/deployed/scenarios against what was synthesized, and stops what it started.
 * ITV_DEPLOYED_SKIP_SYNTH=1 reuses an existing cdk.out.
 *
 * Scenario files run on as many jest workers as the machine has cores (at most four), each worker against a
 * moto_server of its own: moto answers one request at a time (moto-server.py), and a scenario keeps it busy about
 * half the time it runs, so workers sharing one server would wait for it. With ITV_MOTO_ENDPOINT set, the files
 * run one at a time against that server.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readGrantUsages, unexercisedGrants } from './harness/grant-usage.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cdkOut = path.join(root, 'cdk.out');

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startMoto(): Promise<{ endpoint: string; process: ChildProcess }> {
  const port = await freePort();
  // One request at a time where moto's Python is at hand: `moto_server` answers on parallel threads and does
  // not apply two conditional writes to one item atomically, as DynamoDB does (see moto-server.py).
  const serial = spawnSync('python3', ['-c', 'import moto.server, werkzeug.serving'], { stdio: 'ignore' });
  const child =
    serial.status === 0
      ? spawn('python3', [path.join(root, 'test', 'deployed', 'moto-server.py'), '127.0.0.1', String(port)], {
          stdio: 'ignore',
        })
      : spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) return { endpoint, process: child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`moto_server did not answer on ${endpoint}`);
}

/** Fails when a role holds a grant no scenario used and grants-unexercised.json gives no reason for. */
function checkGrants(dir: string): number {
  const allowed = JSON.parse(
    readFileSync(path.join(root, 'test', 'deployed', 'grants-unexercised.json'), 'utf8'),
  ) as Record<string, Record<string, string>>;
  const unexercised = unexercisedGrants(readGrantUsages(dir), allowed);
  rmSync(dir, { recursive: true, force: true });
  const roles = Object.entries(unexercised);
  if (roles.length === 0) {
    console.log(
      'least privilege: every grant of every role was used by some scenario, or is listed with its reason',
    );
    return 0;
  }
  console.error(
    'least privilege: granted, and used by no scenario of the suite (remove the grant, test the path, or give the reason in test/deployed/grants-unexercised.json):',
  );
  for (const [role, actions] of roles) console.error(`  ${role}: ${actions.join(', ')}`);
  return 1;
}

async function main(): Promise<number> {
  const given = process.env.ITV_MOTO_ENDPOINT;
  const endpoints = given ? [given] : [];
  const motos: ChildProcess[] = [];
  if (!given) {
    if (!onPath('moto_server')) {
      console.error(
        'test:deployed needs moto_server (Python moto with its server extra) on PATH, or ITV_MOTO_ENDPOINT pointing at a running one; neither was found.',
      );
      return 1;
    }
    const workers = Math.max(1, Math.min(4, availableParallelism()));
    for (const started of await Promise.all(Array.from({ length: workers }, () => startMoto()))) {
      endpoints.push(started.endpoint);
      motos.push(started.process);
    }
    console.log(`moto_server on ${endpoints.join(', ')}: one per jest worker`);
  }
  try {
    if (process.env.ITV_DEPLOYED_SKIP_SYNTH !== '1' || !existsSync(path.join(cdkOut, 'Itv.template.json'))) {
      console.log('cdk synth: the stack with its bundled functions, into cdk.out');
      const synth = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', cdkOut], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      if (synth.status !== 0) return synth.status ?? 1;
    }
    // Every stack records what its roles were granted and used; over a run of every scenario, a grant no call
    // used fails the run unless grants-unexercised.json says why it stays (harness/grant-usage.ts).
    const grantsDir = mkdtempSync(path.join(tmpdir(), 'itv-deployed-grants-'));
    const jest = spawnSync(
      'npx',
      [
        'jest',
        '--config',
        'test/deployed/jest.config.js',
        ...(endpoints.length > 1 ? [`--maxWorkers=${endpoints.length}`] : ['--runInBand']),
        ...process.argv.slice(2),
      ],
      {
        cwd: root,
        stdio: 'inherit',
        env: {
          ...process.env,
          NODE_OPTIONS: '--experimental-vm-modules',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          // Worker n (JEST_WORKER_ID) runs against the n-th (scenario-support.ts, suiteEnvironment).
          ITV_MOTO_ENDPOINTS: endpoints.join(','),
          ITV_CDK_OUT: cdkOut,
          ITV_DEPLOYED_GRANTS_DIR: grantsDir,
        },
      },
    );
    const wholeSuite = process.argv.slice(2).every((arg) => arg.startsWith('-'));
    if (jest.status !== 0 || !wholeSuite) {
      // Grants are judged over the whole suite only; what one file used is left nowhere.
      rmSync(grantsDir, { recursive: true, force: true });
      return jest.status ?? 1;
    }
    return checkGrants(grantsDir);
  } finally {
    for (const moto of motos) moto.kill();
  }
}

process.exit(await main());
