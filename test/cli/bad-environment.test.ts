import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';

/**
 * A malformed ITV_* variable that a control plane reads at start fails the command that would start one, at
 * once, naming the variable: it used to start a control plane that failed, again and again for a minute, and
 * then said only that it did not answer.
 */
describe('a bad ITV_* variable', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-bad-env-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  test.each([
    ['ITV_CLOCK', 'banana', 'must be "virtual" or "wall", got "banana"'],
    [
      'ITV_CLOCK_START',
      'yesterday',
      'must be an ISO-8601 instant with an offset (Z or ±hh:mm), such as 2026-11-04T15:00:00Z, got "yesterday"',
    ],
    ['ITV_IDLE_SECONDS', 'abc', 'must be a positive number of seconds, got "abc"'],
    ['ITV_MAX_IN_FLIGHT', '0', 'must be a positive integer, got "0"'],
  ])(
    '%s=%s: the command exits 1 at once naming it, and starts no control plane',
    async (name, value, reason) => {
      // Act
      const started = Date.now();
      const listed = await runItv(home, ['list'], { env: { [name]: value } });

      // Assess
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(listed.code).toBe(1);
      expect(listed.stderr).toContain(`${name}: ${reason}`);
      expect(listed.stderr).not.toContain('--idle');
      expect(listed.stderr).not.toContain('did not answer');
      expect(existsSync(join(home, 'control-plane.log'))).toBe(false);
    },
    70_000,
  );

  test('the control plane itself refuses it naming the variable, with the exit code its starter reads', async () => {
    const run = await runItv(home, ['control-plane'], { env: { ITV_IDLE_SECONDS: 'abc' } });

    expect(run.code).toBe(78);
    expect(run.stderr).toContain('ITV_IDLE_SECONDS: must be a positive number of seconds, got "abc"');
    expect(run.stderr).not.toContain('--idle');
  });

  test.each([
    ['a file', (file: string) => file, 'is a file, not a folder'],
    ['under a file', (file: string) => join(file, 'sub'), 'is under a file, not a folder'],
  ])('ITV_HOME naming %s is refused naming the variable', async (_case, homeOf, reason) => {
    // Prepare
    const file = join(home, 'a-file');
    writeFileSync(file, 'not a folder');

    // Act
    const listed = await runItv(homeOf(file), ['list']);

    // Assess
    expect([listed.code, listed.stdout]).toEqual([1, '']);
    expect(listed.stderr).toContain(`ITV_HOME: ${homeOf(file)} ${reason}`);
  });

  test('a control plane that cannot open its home is not started again and again: its error is the command’s', async () => {
    // Prepare: the dynalite folder is a file, so every start fails the same way.
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'dynamodb'), 'not a folder');

    // Act
    const started = Date.now();
    const listed = await runItv(home, ['list']);

    // Assess
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(listed.code).toBe(1);
    expect(listed.stderr).toContain('could not start');
    expect(listed.stderr).not.toContain('did not answer');
  }, 70_000);
});
