import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs, setupMs } from '../support/time-budget.js';

/**
 * `--timeout` on `itv retry` and `itv stop`, which follow the intent after their request as `itv watch` does: when
 * it is reached the command prints where the intent stands and exits 4, leaving the intent as it is. On the wall
 * clock a release bakes in real time (minutes), so a retried release is still running after one second.
 */
describe('itv retry and stop with --timeout', () => {
  let home: string;
  const env = { ITV_CLOCK: 'wall' };
  // A command that ignored --timeout would follow its intent for minutes: it is ended here, once its --timeout and
  // the time a start of the control plane and one intent may take on a busy machine are past.
  const limit = (timeoutMs = 0) => AbortSignal.timeout(timeoutMs + intentsBudgetMs(1));
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-stop-retry-timeout-'));
  });
  afterAll(async () => {
    expect((await runItv(home, ['control-plane', 'stop'], { env })).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  const file = join(root, 'examples', '01-low-risk-flag.json');

  test(
    'a stop and a retry followed past --timeout exit 4 with the status, leaving the intent as it is',
    async () => {
      // Prepare: alice's flag releases on the wall clock (followed until it has surely started).
      const submitted = await runItv(home, ['submit', file, '--as', 'alice', '--timeout', '20s', '--json'], {
        env,
        signal: limit(20_000),
      });
      expect(submitted.code).toBe(4);
      const { intentId } = JSON.parse(submitted.stdout) as { intentId: string };

      // Act: the stop is recorded, and its rollback is seen at the next poll, a minute away on the wall clock.
      const stopped = await runItv(
        home,
        ['stop', intentId, '--reason', 'wrong banner', '--as', 'alice', '--timeout', '1s', '--json'],
        { env, signal: limit() },
      );
      const concluded = await runItv(home, ['watch', intentId, '--timeout', '3m'], {
        env,
        signal: AbortSignal.timeout(4 * setupMs),
      });
      const retried = await runItv(home, ['retry', intentId, '--as', 'alice', '--timeout', '1s', '--json'], {
        env,
        signal: limit(),
      });

      // Assess: each command left when its limit came; the stop still took effect, the retry's attempt releases.
      expect([stopped.code, stopped.stderr]).toEqual([4, '']);
      expect(JSON.parse(stopped.stdout)).toMatchObject({ intentId, outcome: null });
      expect(concluded.code).toBe(2);
      expect(concluded.stdout).toMatch(/stopped/);
      expect([retried.code, retried.stderr]).toEqual([4, '']);
      expect(JSON.parse(retried.stdout)).toMatchObject({ intentId: `${intentId}:attempt-2`, outcome: null });
    },
    20_000 + 3 * intentsBudgetMs(1) + 4 * setupMs,
  );

  test.each([
    ['stop', ['stop', 'some-intent', '--reason', 'x', '--as', 'alice', '--timeout=0']],
    ['retry', ['retry', 'some-intent', '--as', 'alice', '--timeout=5x']],
  ])(
    'itv %s refuses a malformed --timeout naming the option, before anything is sent',
    async (_command, args) => {
      const run = await runItv(home, args, { env, signal: limit() });
      expect([run.code, run.stdout]).toEqual([1, '']);
      expect(run.stderr).toMatch(/--timeout: must be a whole number of seconds/);
    },
    intentsBudgetMs(1) + setupMs,
  );
});
