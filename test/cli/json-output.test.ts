import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/** What a CI script reads: a resubmission said as one under `--json`, an unknown id refused at once. */
describe('itv with --json, as a CI script reads it', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-json-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'itv submit --json says whether the intent was a duplicate of one already submitted',
    async () => {
      const file = join(root, 'examples', '01-low-risk-flag.json');
      const first = await runItv(home, ['submit', file, '--as', 'alice', '--json']);
      const again = await runItv(home, ['submit', file, '--as', 'alice', '--json']);
      expect([first.code, JSON.parse(first.stdout)]).toEqual([
        0,
        expect.objectContaining({ duplicate: false }),
      ]);
      expect([again.code, JSON.parse(again.stdout)]).toEqual([
        0,
        expect.objectContaining({ duplicate: true }),
      ]);
    },
    intentsBudgetMs(2),
  );

  test(
    'itv watch of an id no intent has fails at once naming it',
    async () => {
      const started = Date.now();
      const run = await runItv(home, ['watch', 'no-such-intent']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/no intent no-such-intent/);
      expect(Date.now() - started).toBeLessThan(15_000);
    },
    intentsBudgetMs(1),
  );
});
