import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
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
      // Prepare: the original's control plane runs, and is not let go idle while the copy's work takes its time
      // (a submit on a busy machine can take longer than the tests' 20 idle seconds); the home is copied as it is
      // (cp -a).
      const original = mkdtempSync(join(tmpdir(), 'itv-original-'));
      const copy = `${original}-copy`;
      folders.push(original, copy);
      expect((await runItv(original, ['list'], { env: { ITV_IDLE_SECONDS: '600' } })).code).toBe(0);
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

  test(
    'a moved home: the old process stops by itself, writes nothing at the old path, and the ledger verifies',
    async () => {
      // Prepare: an intent released in the home, whose control plane runs on (far longer than this test).
      const before = mkdtempSync(join(tmpdir(), 'itv-before-move-'));
      const after = `${before}-moved`;
      folders.push(before, after);
      const submitted = await runItv(before, ['submit', example, '--as', 'alice'], {
        env: { ITV_IDLE_SECONDS: '600' },
      });
      expect(submitted.code).toBe(0);
      const oldPid = controlPlanePid(before)!;
      pids.push(oldPid);

      // Act: the folder moves (mv); a command then runs at its new path.
      renameSync(before, after);
      await until('the old control plane stopped', () => !isAlive(oldPid));
      const verified = await runItv(after, ['ledger', 'verify', '--accept-tail']);
      const listed = await intentIds(after);

      // Assess
      expect(existsSync(before)).toBe(false);
      expect([verified.code, verified.stdout]).not.toContain('TAMPERED');
      expect(verified.code).toBe(0);
      expect(listed).toHaveLength(1);
      expect(controlPlanePid(after)).not.toBe(oldPid);
      expect(readFileSync(join(after, 'control-plane.log'), 'utf8')).toMatch(
        new RegExp(`${before} is no longer this control plane's home`),
      );
    },
    intentsBudgetMs(2),
  );

  test(
    'a command at the new path while the old process still holds the tables is refused saying so, then works',
    async () => {
      // Prepare: the old control plane cannot run on (SIGSTOP) to notice the move, so it keeps the tables' lock.
      const before = mkdtempSync(join(tmpdir(), 'itv-held-move-'));
      const after = `${before}-moved`;
      folders.push(before, after);
      const submitted = await runItv(before, ['submit', example, '--as', 'alice'], {
        env: { ITV_IDLE_SECONDS: '600' },
      });
      expect(submitted.code).toBe(0);
      const oldPid = controlPlanePid(before)!;
      pids.push(oldPid);
      process.kill(oldPid, 'SIGSTOP');

      // Act
      renameSync(before, after);
      const refused = await runItv(after, ['list']);
      process.kill(oldPid, 'SIGCONT');
      await until('the old control plane stopped', () => !isAlive(oldPid));
      const verified = await runItv(after, ['ledger', 'verify', '--accept-tail']);
      const listed = await intentIds(after);

      // Assess
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`${join(after, 'dynamodb')} is held by another process`);
      expect(existsSync(before)).toBe(false);
      expect(verified.code).toBe(0);
      expect(listed).toHaveLength(1);
    },
    intentsBudgetMs(2),
  );

  test(
    'a command following an intent when its home moves ends saying so, and starts nothing at the old path',
    async () => {
      // Prepare: a release on the wall clock, which `submit` follows for minutes.
      const before = mkdtempSync(join(tmpdir(), 'itv-follow-move-'));
      const after = `${before}-moved`;
      folders.push(before, after);
      const following = runItv(before, ['submit', example, '--as', 'alice'], {
        env: { ITV_CLOCK: 'wall', ITV_IDLE_SECONDS: '600' },
      });
      await until('the control plane started', () => controlPlanePid(before) !== undefined);
      const oldPid = controlPlanePid(before)!;
      pids.push(oldPid);
      for (let tries = 0; ((await intentIds(before)) ?? []).length === 0; tries++) {
        if (tries > 300) throw new Error('the intent was never declared');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }

      // Act
      renameSync(before, after);
      const followed = await following;

      // Assess
      expect(followed.code).toBe(1);
      expect(followed.stderr).toContain(`${before} is no longer there`);
      expect(existsSync(before)).toBe(false);
      await until('the old control plane stopped', () => !isAlive(oldPid));
      expect(await intentIds(after)).toHaveLength(1);
    },
    intentsBudgetMs(2),
  );
});
