import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * A home started as of an instant (ITV_CLOCK_START) keeps its clock there on later starts, made by commands run
 * without the variable: a new shell's first command, even a read, does not move the clock weeks ahead and time out
 * every review waiting in the home.
 */
describe('a home started with ITV_CLOCK_START, opened again without it', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-clock-anchor-'));
  });
  afterEach(async () => {
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  });

  test(
    'keeps its clock: a review waiting in it still waits, and can be given',
    async () => {
      // Prepare: a change parks for its reviewer on a home started as of a Wednesday afternoon weeks ago; the
      // control plane stops.
      const submitted = await runItv(home, [
        'submit',
        'examples/04-high-risk-review.json',
        '--as',
        'victor',
        '--json',
      ]);
      const { intentId, status } = JSON.parse(submitted.stdout) as { intentId: string; status: string };
      expect(status).toBe('awaiting-review');
      await runItv(home, ['control-plane', 'stop']);

      // Act: a new shell, without the variable.
      const withoutIt = { env: { ITV_CLOCK_START: '' } };
      const read = await runItv(home, ['status', intentId, '--json'], withoutIt);
      const reviewed = await runItv(
        home,
        ['review', intentId, '--approve', '--as', 'xavier', '--json'],
        withoutIt,
      );

      // Assess
      expect(JSON.parse(read.stdout)).toMatchObject({ intentId, status: 'awaiting-review' });
      expect([reviewed.code, reviewed.stderr]).toEqual([0, '']);
      const steps = (JSON.parse(reviewed.stdout) as { steps: Array<{ type: string; timestamp: string }> })
        .steps;
      expect(steps.map((step) => step.type)).toContain('review.approved');
      expect(steps.map((step) => step.type)).not.toContain('stage.failed');
      // Still November on the home's clock, weeks behind the wall.
      expect(steps.at(-1)!.timestamp.slice(0, 7)).toBe('2026-11');
    },
    setupMs * 4,
  );
});
