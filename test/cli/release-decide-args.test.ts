import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';

/** `itv release decide` refuses an unclear decision before it reaches any control plane (exit 1). */
describe('itv release decide, as a user types it', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-decide-cli-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  test('no decision, two decisions, or no reason: exit 1 naming what is missing', async () => {
    // Act
    const none = await runItv(home, ['release', 'decide', 'int-1', '--reason', 'errors', '--as', 'alice']);
    const two = await runItv(home, ['release', 'decide', 'int-1', '--hold', '--roll-back', '--reason', 'x']);
    const unexplained = await runItv(home, ['release', 'decide', 'int-1', '--hold', '--as', 'alice']);

    // Assess
    expect([none.code, none.stderr]).toEqual([
      1,
      expect.stringContaining('--roll-forward, --roll-back or --hold'),
    ]);
    expect([two.code, two.stderr]).toEqual([
      1,
      expect.stringMatching(
        /--roll-back.*cannot be used with.*--hold|--hold.*cannot be used with.*--roll-back/,
      ),
    ]);
    expect([unexplained.code, unexplained.stderr]).toEqual([1, expect.stringContaining('--reason')]);
  }, 60_000);

  test('--timeout bounds the wait after the decision as for itv review: a malformed one is refused naming it', async () => {
    // Act
    const malformed = await runItv(home, [
      'release',
      'decide',
      'int-1',
      '--hold',
      '--reason',
      'errors',
      '--as',
      'alice',
      '--timeout=10x',
    ]);

    // Assess: refused before anything is sent (no control plane was ever started for this home).
    expect([malformed.code, malformed.stdout]).toEqual([1, '']);
    expect(malformed.stderr).toMatch(/--timeout: must be a whole number of seconds/);
  }, 60_000);
});
