import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
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
        /DORA \(one conclusion, at \S+; deployments\/day over 1\.0 day, the least a rate is counted over; virtual time: the local runtime's clock/,
      );
      const report = JSON.parse(json.stdout) as Record<string, unknown>;
      expect(report).toMatchObject({
        clock: 'virtual',
        totals: { released: 1, valuePerHourUsd: 200, valuePerHourPerEmployeeUsd: 5 },
        dora: { window: { days: 1 } },
      });
      const file = readFileSync(join(home, 'r.html'), 'utf8');
      // Its owner's alone, as the home it is read from: it names the intents and what they are worth.
      if (process.platform !== 'win32') expect(statSync(join(home, 'r.html')).mode & 0o777).toBe(0o600);
      expect(file).toContain('virtual time');
      // One self-contained file: the stylesheet inlined, the charts inline SVG, nothing fetched, no script.
      expect(file).toContain('<style>');
      expect(file).not.toMatch(/<script/i);
      expect(file).not.toMatch(/\s(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
      expect(file).toContain('<svg role="img" aria-label="Value per hour released by service.');
      const totals = report.totals as { valuePerHourUsd: number; released: number; intents: number };
      expect(file).toContain(`<div class="value">$${totals.valuePerHourUsd.toFixed(2)}</div>`);
      expect(file).toMatch(
        /<tfoot><tr><td>total<\/td><td class="num">1<\/td><td class="num">1<\/td><td class="num">\$200\.00<\/td>/,
      );
      expect(report).toMatchObject({
        knownDimensions: expect.arrayContaining(['service', 'kind', 'region', 'team']),
        window: { since: null, until: null },
        compounding: { dimensions: ['service', 'kind'], curveCount: 1 },
        doraOverTime: { period: 'day' },
      });
    },
    setupMs,
  );

  test(
    'a window leaves out what concluded outside it; a malformed bound is refused naming the field',
    async () => {
      const future = await runItv(home, ['value', 'report', '--since', '2999-01-01', '--json']);
      const bad = await runItv(home, ['value', 'report', '--since', 'last week', '--until', '2026-13-01']);

      expect(future.code).toBe(0);
      expect(JSON.parse(future.stdout)).toMatchObject({
        groups: [],
        totals: { intents: 0 },
        window: { since: '2999-01-01T00:00:00.000Z', until: null },
      });
      expect(bad.code).toBe(1);
      expect(bad.stderr + bad.stdout).toMatch(/since.*ISO-8601/);
      expect(bad.stderr + bad.stdout).toMatch(/until.*ISO-8601/);
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

/**
 * The clock a report names is the one the home's control plane runs on, asked of it: ITV_CLOCK is read when the
 * control plane starts, so the command's own environment can name another.
 */
describe('the clock a value report names', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-value-clock-'));
  });
  afterAll(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    "a home on ITV_CLOCK=wall reports wall-clock time; the report run later without it still says the control plane's",
    async () => {
      // Act: the first command starts the control plane on the wall clock; the second finds it running.
      const wall = await runItv(home, ['value', 'report', '--json'], { env: { ITV_CLOCK: 'wall' } });
      const later = await runItv(home, ['value', 'report'], { env: { ITV_CLOCK: 'virtual' } });

      // Assess
      expect(wall.code).toBe(0);
      expect(JSON.parse(wall.stdout)).toMatchObject({ clock: 'wall' });
      expect(later.code).toBe(0);
      expect(later.stdout).toContain('wall-clock time');
      expect(later.stdout).not.toContain('virtual time');
    },
    setupMs,
  );
});
