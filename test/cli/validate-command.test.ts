import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { appendsBudgetMs, setupMs } from '../support/time-budget.js';

/** `itv validate FILE` as a user runs it: `POST /intents?dryRun=true` on the home's control plane. */
describe('itv validate', () => {
  let home: string;
  const commandMs = appendsBudgetMs(60);
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-validate-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'exit 0 for an admissible intent, 2 naming the field a contract refuses, 1 for an incomplete one; the ledger stays empty',
    async () => {
      const empty = join(home, 'empty.json');
      writeFileSync(empty, '{}');
      const admissible = await runItv(home, [
        'validate',
        join(root, 'examples', '01-low-risk-flag.json'),
        '--as',
        'alice',
      ]);
      const structural = await runItv(home, [
        'validate',
        join(root, 'examples', '02-structural-reject.json'),
        '--as',
        'dana',
        '--json',
      ]);
      const incomplete = await runItv(home, ['validate', empty, '--as', 'alice']);
      const exported = await runItv(home, ['ledger', 'export']);

      expect([admissible.code, admissible.stdout]).toEqual([
        0,
        expect.stringMatching(/policy\s+admitted, risk tier \d/),
      ]);
      expect(admissible.stdout).toMatch(/nothing recorded/);
      expect(structural.code).toBe(2);
      expect(JSON.parse(structural.stdout)).toMatchObject({
        verdict: 'rejected-structure',
        structure: { errors: [expect.objectContaining({ path: expect.stringMatching(/^change\.payload/) })] },
      });
      expect(incomplete.code).toBe(1);
      expect(incomplete.stderr).toMatch(/goal/);
      expect([exported.code, exported.stdout]).toEqual([0, '']);
    },
    commandMs,
  );
});
