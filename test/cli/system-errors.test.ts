import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';
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
      () => new RegExp(`^itv: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${busyPort}\\n$`),
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
