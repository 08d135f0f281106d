import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itvBin, itvEnv, root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs } from '../support/time-budget.js';

/**
 * What the machine refuses — a folder that is not there, a file where a folder must be, a port in use — is said
 * in one error naming the path or address and why (exit 1), and the flag that named a file to write, never as a
 * stack trace or an unhandled event.
 */
describe('itv, when the machine refuses what it was asked', () => {
  let home: string;
  let dir: string;
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-system-errors-home-'));
    dir = mkdtempSync(join(tmpdir(), 'itv-system-errors-'));
    writeFileSync(join(dir, 'a-file'), 'not a folder\n');
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await runItv(home, ['control-plane', 'stop']);
    await new Promise((resolve) => busy.close(resolve));
    rmSync(home, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }, intentsBudgetMs(1));

  const cases: Array<[string, () => string[], () => RegExp]> = [
    [
      'an export into a folder that is not there',
      () => ['ledger', 'export', '--out', join(dir, 'no-such-folder', 'ledger.jsonl')],
      () =>
        new RegExp(
          `^itv: cannot write ${dir}/no-such-folder/ledger\\.jsonl\n {2}--out: the folder ${dir}/no-such-folder does not exist\n$`,
        ),
    ],
    [
      'an export into a file where a folder must be',
      () => ['ledger', 'export', '--out', join(dir, 'a-file', 'ledger.jsonl')],
      () => new RegExp(`^itv: cannot write .*\n {2}--out: ${dir}/a-file is not a folder\n$`),
    ],
    [
      'itv serve on a port in use',
      () => ['serve', '--port', String(busyPort)],
      () =>
        new RegExp(
          `^itv: itv serve cannot listen\n {2}--port: 127\\.0\\.0\\.1:${busyPort} is in use by another process: choose another port with --port, or --port 0 for a free one\n$`,
        ),
    ],
    [
      'itv console on a port in use',
      () => ['console', '--as', 'xavier', '--port', String(busyPort)],
      () =>
        new RegExp(
          `^itv: itv console cannot listen\n {2}--port: 127\\.0\\.0\\.1:${busyPort} is in use by another process: choose another port with --port, or --port 0 for a free one\n$`,
        ),
    ],
  ];

  test.each(cases)(
    '%s: one error naming it, exit 1',
    async (_name, args, said) => {
      const run = await runItv(home, args());
      expect([run.code, run.stderr]).toEqual([1, expect.stringMatching(said())]);
    },
    intentsBudgetMs(1),
  );

  test.each([
    [['value', 'report', '--html', ''], '--html'],
    [['ledger', 'export', '--out', ''], '--out'],
    [['evidence', 'pull', 'int-0', '--out', ''], '--out'],
  ])(
    'itv %j: an empty path is refused naming its flag, before anything is written or printed',
    async (args, flag) => {
      const run = await runItv(home, args);
      expect([run.code, run.stdout]).toEqual([1, '']);
      expect(run.stderr).toMatch(new RegExp(`^itv: .*\n {2}${flag}: is empty: name a `));
    },
    intentsBudgetMs(1),
  );

  test(
    'itv ledger export --json without --out is refused naming --json: the export on stdout is JSON Lines, not one JSON document',
    async () => {
      const run = await runItv(home, ['ledger', 'export', '--json']);
      expect([run.code, run.stdout]).toEqual([1, '']);
      expect(JSON.parse(run.stderr)).toMatchObject({
        error: 'InvalidInputError',
        issues: [{ path: '--json', message: expect.stringContaining('--out') }],
      });
    },
    intentsBudgetMs(1),
  );

  test(
    'a value report whose --html cannot be written says so before printing anything',
    async () => {
      const run = await runItv(home, ['value', 'report', '--html', join(dir, 'no-such-folder', 'v.html')]);
      expect([run.code, run.stdout]).toEqual([1, '']);
      expect(run.stderr).toBe(
        `itv: cannot write ${dir}/no-such-folder/v.html\n  --html: the folder ${dir}/no-such-folder does not exist\n`,
      );
    },
    intentsBudgetMs(1),
  );
});

/**
 * A device with no space left (or a quota used up) is said in words naming the file that could not be written
 * (or the home), why, and what to do (exit 1), never as Node's bare `ENOSPC: no space left on device, write`, which
 * names no file, nor as a stack trace; and it leaves nothing behind that holds up the same command once there is
 * room again.
 */
describe('itv, when the device it writes to is full', () => {
  let home: string;
  let full: string;
  const preload = join(root, 'test', 'support', 'full-disk.mjs');
  /** `itv` with the device of `folders` full. */
  const onFullDevice = (folders: string[], args: string[], env: NodeJS.ProcessEnv = {}) =>
    runItv(home, args, {
      env: { NODE_OPTIONS: `--import=${preload}`, ITV_TEST_FULL_DEVICE: folders.join(':'), ...env },
    });
  const homeAdvice = () =>
    `  free some space on the device that holds ITV_HOME (${home}), or set ITV_HOME to a folder on another device, then run the command again\n`;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-full-home-'));
    full = mkdtempSync(join(tmpdir(), 'itv-full-'));
  });
  afterEach(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
    rmSync(full, { recursive: true, force: true });
  }, intentsBudgetMs(1));

  test(
    'itv submit on a full home: the file it could not write, why and what to do; once there is room it submits',
    async () => {
      // Act
      const refused = await onFullDevice(
        [home],
        ['submit', join(root, 'examples', '01-low-risk-flag.json'), '--as', 'alice'],
      );
      const again = await runItv(home, [
        'submit',
        join(root, 'examples', '01-low-risk-flag.json'),
        '--as',
        'alice',
        '--json',
      ]);

      // Assess
      expect([refused.code, refused.stdout]).toEqual([1, '']);
      expect(refused.stderr).toBe(
        `itv: cannot write ${join(home, 'starting.lock')}: no space left on the device\n${homeAdvice()}`,
      );
      expect([again.code, again.stderr]).toEqual([0, '']);
      expect(JSON.parse(again.stdout)).toMatchObject({ intentId: expect.any(String) });
    },
    intentsBudgetMs(2),
  );

  test('itv submit --json on a full home: one problem object saying the same', async () => {
    const run = await onFullDevice(
      [home],
      ['submit', join(root, 'examples', '01-low-risk-flag.json'), '--as', 'alice', '--json'],
    );
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(JSON.parse(run.stderr)).toMatchObject({
      error: 'ENOSPCError',
      title: 'No space left on the device',
      message: `cannot write ${join(home, 'starting.lock')}: no space left on the device; ${homeAdvice().trim()}`,
    });
  });

  test(
    'itv token on a full home names the file; once there is room it issues one at once, not held up by a lock',
    async () => {
      const refused = await onFullDevice([home], ['token', 'alice']);
      const again = await runItv(home, ['token', 'alice']);
      expect([refused.code, refused.stdout]).toEqual([1, '']);
      expect(refused.stderr).toBe(
        `itv: cannot write ${join(home, 'tokens.lock')}: no space left on the device\n${homeAdvice()}`,
      );
      expect([again.code, again.stderr]).toEqual([0, expect.stringMatching(/^bearer token \w+ for alice /)]);
    },
    intentsBudgetMs(1),
  );

  test('itv context add with its configuration on a full device names the file, not the home', async () => {
    const config = join(full, 'config');
    const run = await onFullDevice(
      [full],
      ['context', 'add', 'prod', '--endpoint', 'https://api.example/prod', '--region', 'eu-west-1'],
      {
        ITV_CONFIG_DIR: config,
      },
    );
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toBe(
      `itv: cannot write ${join(config, 'contexts.json')}: no space left on the device\n  free some space on that device, then run the command again\n`,
    );
  });

  test(
    'itv ledger export --out on a full device names the file and its flag',
    async () => {
      const file = join(full, 'ledger.jsonl');
      const run = await onFullDevice([full], ['ledger', 'export', '--out', file]);
      expect([run.code, run.stdout]).toEqual([1, '']);
      expect(run.stderr).toBe(
        `itv: cannot write ${file}\n  --out: no space left on the device that holds ${full}: free some space on it, then run the command again\n`,
      );
    },
    intentsBudgetMs(1),
  );

  (existsSync('/dev/full') ? test : test.skip)(
    'itv with its output sent to a full device (/dev/full) says so, not as a stack trace',
    () => {
      const full = openSync('/dev/full', 'w');
      try {
        const run = spawnSync(process.execPath, [itvBin, 'context', 'list'], {
          cwd: root,
          env: itvEnv(home, { ITV_CONFIG_DIR: join(home, 'config') }),
          stdio: ['ignore', full, 'pipe'],
          encoding: 'utf8',
        });
        expect([run.status, run.stderr]).toEqual([
          1,
          'itv: cannot write the standard output: no space left on the device\n  free some space on the device it goes to, then run the command again\n',
        ]);
      } finally {
        closeSync(full);
      }
    },
  );
});
