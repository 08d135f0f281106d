import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * ITV_CLOCK_START starts a home's virtual clock at that instant for every command that opens the home, the demo
 * too: it runs its intents at the instant asked for (moving on only where a rule would block a sample intent).
 */
describe('itv demo on ITV_CLOCK_START', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-demo-clock-'));
  });
  afterEach(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  });

  test(
    'the demo’s ledger begins at the instant ITV_CLOCK_START names',
    async () => {
      // Act: a Wednesday afternoon outside every freeze, months after the machine's own clock.
      const demo = await runItv(home, ['demo'], { env: { ITV_CLOCK_START: '2027-03-10T15:00:00Z' } });
      const exported = await runItv(home, ['ledger', 'export'], { env: { ITV_CLOCK_START: '' } });

      // Assess
      expect([demo.code, demo.stderr]).toEqual([0, '']);
      expect(demo.stdout).not.toContain('virtual clock moved');
      const first = JSON.parse(exported.stdout.split('\n')[0]!) as { entry: { timestamp: string } };
      expect(first.entry.timestamp.slice(0, 13)).toBe('2027-03-10T15');
    },
    setupMs * 4,
  );
});
