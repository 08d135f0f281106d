import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/** A decision, stop or retry the control plane cannot take is a clear error and exit 1, never a stack trace. */
describe('itv review, stop and retry of an intent id no intent can have', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-unreachable-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test.each([
    [['review', '.', '--approve', '--as', 'xavier']],
    [['review', '..', '--approve', '--as', 'xavier']],
    [['stop', '..', '--reason', 'no longer needed', '--as', 'xavier']],
    [['retry', '.', '--as', 'xavier']],
  ])(
    'itv %j exits 1 naming the id and why',
    async (args) => {
      const run = await runItv(home, args);
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(/TypeError|\n {4}at /);
      expect(run.stderr).toMatch(/^itv: the intent id is only dots\n {2}id: is only dots/);
    },
    setupMs,
  );
});
