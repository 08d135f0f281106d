import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentOwner, isAlive } from '../../../cli/control-plane/home-owner.js';

/**
 * A control plane that crashed is dead even while its exit is not yet collected: until its parent reaps it (in a
 * container whose first process reaps nothing, never), it is a zombie, which `kill(pid, 0)` still reaches. Its
 * home must not stay owned by it.
 */
describe('a process that has exited but is not reaped', () => {
  let home: string;
  let parent: ReturnType<typeof spawn> | undefined;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-zombie-owner-'));
  });

  afterEach(() => {
    parent?.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  });

  /**
   * A child that exits after 0.1 s under a parent that never waits for it: its pid, once it is a zombie. The
   * state is read here on its own, not with the code under test, so a wrong reading there cannot pass this wait.
   */
  async function zombiePid(): Promise<number> {
    // sh starts the child, prints its pid, then becomes `sleep`, which never reaps it when it exits.
    parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve) =>
      parent!.stdout!.once('data', (d) => resolve(Number(d))),
    );
    for (let i = 0; i < 250; i++) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return pid;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`process ${pid} did not become a zombie`);
  }

  test('is not alive, and does not own the home it held (Linux, where /proc tells)', async () => {
    if (process.platform !== 'linux') {
      // Elsewhere there is no /proc to tell a zombie by: only a live process is checked.
      expect(isAlive(process.pid)).toBe(true);
      return;
    }
    // Prepare
    const pid = await zombiePid();
    writeFileSync(
      join(home, 'owner.lock'),
      JSON.stringify({ pid, kind: 'control-plane', startedAt: new Date().toISOString() }),
    );

    // Act
    const alive = isAlive(pid);
    const owner = currentOwner(home);

    // Assess
    expect(alive).toBe(false);
    expect(owner).toBeUndefined();
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(parent!.pid!)).toBe(true);
  });
});
