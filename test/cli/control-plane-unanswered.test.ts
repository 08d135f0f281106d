import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../cli/control-plane/home-owner.js';
import { controlPlanePid, runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * `itv control-plane stop` is what a service manager runs to stop the home's control plane (systemd's ExecStop):
 * it must not say that none runs, and succeed, when one runs but does not answer; nor may a second foreground
 * `itv control-plane` on a home already owned look like a control plane that ran and stopped.
 */
describe('a control plane that runs but cannot be stopped or started', () => {
  let home: string;
  let pid: number | undefined;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-unanswered-'));
    expect((await runItv(home, ['list'])).code).toBe(0);
    pid = controlPlanePid(home);
  }, setupMs);
  afterAll(async () => {
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGCONT');
    await runItv(home, ['control-plane', 'stop']);
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'stop of one that does not answer (SIGSTOP) fails naming its pid, and leaves it running',
    async () => {
      // Prepare
      process.kill(pid!, 'SIGSTOP');

      // Act
      const stopped = await runItv(home, ['control-plane', 'stop']);
      const json = await runItv(home, ['control-plane', 'stop', '--json']);
      process.kill(pid!, 'SIGCONT');

      // Assess
      expect(stopped.code).toBe(1);
      expect(stopped.stdout).not.toContain('no control plane runs');
      expect(stopped.stderr).toContain(`pid ${pid}`);
      expect(json.code).toBe(1);
      expect(json.stdout).toBe('');
      expect(JSON.parse(json.stderr)).toMatchObject({
        error: 'ControlPlaneUnansweredError',
        detail: expect.stringContaining(`pid ${pid}`),
        home,
        stopped: false,
        pid,
      });
      expect(isAlive(pid!)).toBe(true);
    },
    setupMs,
  );

  test(
    'a second foreground control plane on the owned home exits 1, saying who owns it',
    async () => {
      // Act
      const second = await runItv(home, ['control-plane']);

      // Assess
      expect(second.code).toBe(1);
      expect(second.stdout + second.stderr).toContain(`another process (pid ${pid}) owns ${home}`);
      expect(controlPlanePid(home)).toBe(pid);
    },
    setupMs,
  );
});
