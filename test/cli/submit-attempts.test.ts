import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `itv submit` of an intent that ended without releasing starts its next attempt (`<id>:attempt-<n>`), and
 * follows that attempt as it follows a first submission: stage by stage, to its real outcome and exit code.
 */
describe('itv submit of an intent resubmitted after it ended without releasing', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-submit-attempts-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'each resubmission follows its attempt stage by stage and exits 2 for its rejection, every time',
    async () => {
      // Prepare: a change the data-residency rule rejects, whatever attempt it is.
      const file = join(root, 'examples', '15-onboarding-region-residency.json');

      // Act: submitted once, then again four times in a row.
      const runs = [];
      for (let n = 1; n <= 5; n++) runs.push(await runItv(home, ['submit', file, '--as', 'bob']));

      // Assess
      const [first, ...again] = runs;
      expect([first?.code, first?.stderr]).toEqual([2, '']);
      const intentId = first?.stdout.match(/declared (int-[0-9a-f]+) /)?.[1];
      expect(intentId).toBeDefined();
      again.forEach((run, index) => {
        const attempt = `${intentId}:attempt-${index + 2}`;
        const previous = index === 0 ? `${intentId}` : `${intentId}:attempt-${index + 1}`;
        expect([run.code, run.stderr]).toEqual([2, '']);
        expect(run.stdout).toContain(`attempt ${attempt} follows ${previous}, which ended without releasing`);
        // Its stages as they ran, as for the first submission, then the status it ended in.
        expect(run.stdout).toContain(`DeclareIntent      declared ${attempt} (customer-onboarding)`);
        expect(run.stdout).toContain('AdmitPolicy        rejected by policy: legal-data-residency');
        expect(run.stdout).toMatch(new RegExp(`intent +${attempt} `));
        expect(run.stdout).toMatch(/status +rejected-policy\n/);
      });
      const listed = await runItv(home, ['list', '--json']);
      expect(listed.code).toBe(0);
      const statuses = (JSON.parse(listed.stdout) as { items: Array<{ status: string }> }).items.map(
        (intent) => intent.status,
      );
      expect(statuses).toEqual(Array(5).fill('rejected-policy'));
    },
    intentsBudgetMs(5),
  );
});
