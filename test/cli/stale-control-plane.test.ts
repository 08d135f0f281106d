import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controlPlaneGet, controlPlanePid, itvBin, itvEnv, root, runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * A control plane runs the build it was started from: its catalog, policies and code. A command built from other
 * sources (one edited since) never silently takes its answers from it. `ITV_BUILD_IDENTITY` stands for the
 * sources a process was built from, so that these tests need not edit the repository's own.
 */
const file = join(root, 'examples', '01-low-risk-flag.json');
const built = (identity: string) => ({ ITV_BUILD_IDENTITY: identity });

interface Health {
  build?: string;
}

describe('a control plane started from other sources', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-stale-control-plane-'));
  });
  afterEach(async () => {
    expect((await runItv(home, ['control-plane', 'stop'])).code).toBe(0);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'is restarted on the command’s own build when it is idle, saying so; one of the same build is kept',
    async () => {
      // Prepare: a control plane started from the sources as they were.
      const before = await runItv(home, ['validate', file, '--as', 'alice'], { env: built('first') });
      expect([before.code, before.stderr]).toEqual([0, '']);
      const first = controlPlanePid(home);
      expect((await controlPlaneGet<Health>(home, '/local/health')).build).toBe('first');

      // Act: the same command, from sources edited since; then again.
      const after = await runItv(home, ['validate', file, '--as', 'alice'], { env: built('second') });
      const second = controlPlanePid(home);
      const again = await runItv(home, ['validate', file, '--as', 'alice'], { env: built('second') });

      // Assess
      expect(after.code).toBe(0);
      expect(after.stderr).toMatch(/restarted the control plane .* built from other sources/);
      expect(second).not.toBe(first);
      expect((await controlPlaneGet<Health>(home, '/local/health')).build).toBe('second');
      expect([again.code, again.stderr]).toEqual([0, '']);
      expect(controlPlanePid(home)).toBe(second);
    },
    4 * setupMs,
  );

  test(
    'is left running while an execution is at work, and the command fails saying what runs and what to do',
    async () => {
      // Prepare: a release on the wall clock, at work for minutes.
      const env = { ITV_CLOCK: 'wall' };
      // Long enough for the control plane to start and take the intent on a busy machine; the release takes minutes.
      const submitted = await runItv(home, ['submit', file, '--as', 'alice', '--timeout', '12s', '--json'], {
        env: { ...env, ...built('first') },
        signal: AbortSignal.timeout(setupMs),
      });
      expect(submitted.code).toBe(4);
      const { intentId } = JSON.parse(submitted.stdout) as { intentId: string };
      const pid = controlPlanePid(home);

      // Act
      const refused = await runItv(home, ['status', intentId], { env: { ...env, ...built('second') } });

      // Assess
      expect([refused.code, refused.stdout]).toEqual([1, '']);
      expect(refused.stderr).toMatch(/built from other sources/);
      expect(refused.stderr).toMatch(/1 execution at work/);
      expect(refused.stderr).toMatch(/itv control-plane stop/);
      expect(controlPlanePid(home)).toBe(pid);
      expect((await controlPlaneGet<Health>(home, '/local/health')).build).toBe('first');
    },
    4 * setupMs,
  );

  test(
    'behind itv serve: serve names what it serves, and each access-log line warns once its build is not the one answering',
    async () => {
      // Prepare: itv serve, started from the sources as they were.
      let stdout = '';
      let stderr = '';
      const serve: ChildProcess = spawn(process.execPath, [itvBin, 'serve', '--port', '0'], {
        cwd: root,
        env: itvEnv(home, built('first')),
      });
      serve.stdout?.on('data', (chunk) => {
        stdout += chunk;
      });
      serve.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      try {
        const base = await new Promise<string>((resolve, reject) => {
          serve.stdout?.on('data', () => {
            const url = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout)?.[0];
            if (url && stdout.includes('Ctrl-C')) resolve(url);
          });
          serve.once('exit', (code) => reject(new Error(`itv serve exited with ${code}`)));
        });
        const lines = () =>
          stderr
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { status: number; warning?: string });
        // The line is written as the answer ends, and may reach this process after the answer.
        const logged = async (count: number) => {
          for (let tries = 0; lines().length < count && tries < 100; tries++) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          return lines();
        };
        expect(stdout).toContain(home);
        expect(stdout).toMatch(/built from sources first/);
        await fetch(`${base}/intents`);
        const before = await logged(1);
        expect(before).toHaveLength(1);
        expect(before[0]?.warning).toBeUndefined();

        // Act: a command from sources edited since restarts the idle control plane on its build.
        const edited = await runItv(home, ['validate', file, '--as', 'alice'], { env: built('second') });
        expect(edited.code).toBe(0);
        await fetch(`${base}/intents`);

        // Assess
        const after = await logged(2);
        expect(after).toHaveLength(2);
        expect(after[1]?.status).toBe(401);
        expect(after[1]?.warning).toMatch(
          /itv serve runs the build of sources first.*second.*restart itv serve/,
        );
      } finally {
        serve.kill('SIGTERM');
      }
    },
    4 * setupMs,
  );
});
