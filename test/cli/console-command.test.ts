import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/** `itv console` acts as somebody of the catalog, as every command that acts does: nobody else is served. */
describe('itv console', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-console-command-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  test(
    'as a principal the catalog does not hold: refused naming --as, before anything is served',
    async () => {
      // Should it serve, it is stopped after a while, and the test says so.
      const run = await runItv(home, ['console', '--as', 'nobody'], { signal: AbortSignal.timeout(15_000) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('--as: "nobody" is not a principal in the catalog');
      expect(run.stdout).not.toContain('open http');
    },
    setupMs,
  );
});
