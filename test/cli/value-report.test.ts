import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `itv value report` and `itv status` on the local stack: per-employee $/hour wherever $/hour is shown, the
 * growth model's compounded $/hour beside the flat one with its formula, totals, and DORA figures stating
 * their window and that the local runtime's clock is virtual.
 */
describe('honest value figures', () => {
  let home: string;
  let intentId: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-value-report-'));
    // 01: $1,752,000 over a year ($200/hour) for 40 employees, growing continuously at 15 %.
    const submitted = await runItv(home, [
      'submit',
      join(root, 'examples', '01-low-risk-flag.json'),
      '--as',
      'alice',
      '--json',
    ]);
    expect(submitted.code).toBe(0);
    intentId = (JSON.parse(submitted.stdout) as { intentId: string }).intentId;
  }, intentsBudgetMs(1));
  afterAll(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'the report shows $/hour per employee, compounded $/hour with its formula, a total row, and DORA over a window in virtual time',
    async () => {
      const text = await runItv(home, ['value', 'report', '--by', 'service']);
      const json = await runItv(home, [
        'value',
        'report',
        '--by',
        'service',
        '--json',
        '--html',
        join(home, 'r.html'),
      ]);

      expect(text.code).toBe(0);
      const [header, , group, total] = text.stdout.split('\n');
      expect(header).toMatch(/value\/hour +per employee +compounded\/hour +growth/);
      expect(group).toMatch(/^launch-flags +1 +1 +\$200\.00 +\$5\.00 +\$232\.37 +continuous/);
      expect(total).toMatch(/^total +1 +1 +\$200\.00 +\$5\.00 +\$232\.37/);
      expect(text.stdout).toContain(
        'continuous: compounded_value_per_hour = total_value_usd × e^(rate × years) / (years × 365 × 24)',
      );
      expect(text.stdout).toMatch(
        /DORA \(over 1\.0 day, \S+ to \S+; virtual time: the local runtime's clock/,
      );
      const report = JSON.parse(json.stdout) as Record<string, unknown>;
      expect(report).toMatchObject({
        clock: 'virtual',
        totals: { released: 1, valuePerHourUsd: 200, valuePerHourPerEmployeeUsd: 5 },
        dora: { window: { days: 1 } },
      });
      expect(readFileSync(join(home, 'r.html'), 'utf8')).toContain('virtual time');
    },
    setupMs,
  );

  test(
    'status shows the value per hour per employee beside the value per hour',
    async () => {
      const status = await runItv(home, ['status', intentId]);

      expect(status.stdout).toContain('value per hour $200.00, $5.00 per employee');
    },
    setupMs,
  );
});
