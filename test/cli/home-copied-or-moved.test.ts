import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive } from '../../cli/control-plane/home-owner.js';
import { controlPlanePid, root, runItv } from '../support/run-itv.js';
import { intentsBudgetMs } from '../support/time-budget.js';

const until = async (what: string, done: () => boolean, limitMs = 60_000) => {
  for (const start = Date.now(); Date.now() - start < limitMs; ) {
    if (done()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not within ${limitMs / 1000} s`);
};

const example = join(root, 'examples', '01-low-risk-flag.json');
const intentIds = async (home: string) =>
  (
    JSON.parse((await runItv(home, ['list', '--json'])).stdout || '{}') as { items?: Array<{ id: string }> }
  ).items?.map((intent) => intent.id);

/**
 * A home's files travel with its folder, the control plane's claim and address among them: a copy or a move
 * made while the control plane runs must not leave the new folder driving the old process, nor the old process
 * writing through a path its home has left.
 */
describe('a home copied or moved while its control plane runs', () => {
  const folders: string[] = [];
  const pids: number[] = [];
  afterAll(async () => {
    for (const home of folders) await runItv(home, ['control-plane', 'stop']);
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const home of folders) rmSync(home, { recursive: true, force: true });
  }, intentsBudgetMs(1));

  test(
    'a copy starts its own control plane: what is submitted to it lands in it, and its stop stops only its own',
    async () => {
      // Prepare: the original's control plane runs; the home is copied as it is (cp -a).
      const original = mkdtempSync(join(tmpdir(), 'itv-original-'));
      const copy = `${original}-copy`;
      folders.push(original, copy);
      expect((await runItv(original, ['list'])).code).toBe(0);
      const originalPid = controlPlanePid(original)!;
      pids.push(originalPid);
      expect(spawnSync('cp', ['-a', original, copy]).status).toBe(0);

      // Act
      const submitted = await runItv(copy, ['submit', example, '--as', 'alice']);
      const copyPid = controlPlanePid(copy)!;
      pids.push(copyPid);
      const stopped = await runItv(copy, ['control-plane', 'stop']);
      await until('the copy’s control plane exited', () => !isAlive(copyPid));

      // Assess
      expect(submitted.code).toBe(0);
      expect(copyPid).not.toBe(originalPid);
      expect(stopped.stdout).toContain(`(pid ${copyPid})`);
      expect(isAlive(originalPid)).toBe(true);
      expect(await intentIds(copy)).toHaveLength(1);
      expect(await intentIds(original)).toEqual([]);
      expect(controlPlanePid(original)).toBe(originalPid);
    },
    intentsBudgetMs(2),
  );
});
