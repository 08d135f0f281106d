import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  claimHome,
  currentOwner,
  readAddress,
  releaseHome,
  writeAddress,
} from '../../../cli/control-plane/home-owner.js';

/**
 * A home's claim and address name the home they were made for, and the process that made them: a copy of a
 * home (its records copied with it) is not owned by the original's process, and a pid reused by another
 * process (after a reboot or a container restart) does not own the home either.
 */
describe('whose home a claim is', () => {
  const made: string[] = [];
  const folder = (name: string) => {
    const path = mkdtempSync(join(tmpdir(), `itv-${name}-`));
    made.push(path);
    return path;
  };
  let sleeper: ReturnType<typeof spawn> | undefined;

  afterEach(() => {
    sleeper?.kill('SIGKILL');
    sleeper = undefined;
    for (const path of made.splice(0)) {
      releaseHome(path);
      rmSync(path, { recursive: true, force: true });
    }
  });

  test('a copy made while its owner runs is free: no owner, no address, and it can be claimed', () => {
    // Prepare: this process owns the original and has written its address.
    const original = folder('original');
    expect(claimHome(original, 'control-plane')).toBe(true);
    writeAddress(original, { pid: process.pid, url: 'http://127.0.0.1:9', secret: 'the-secret' });
    const copy = join(folder('copies'), 'copy');
    cpSync(original, copy, { recursive: true });

    // Act
    const owner = currentOwner(copy);
    const address = readAddress(copy);
    const claimed = claimHome(copy, 'control-plane');

    // Assess: the copy is its own home; the original is still owned.
    expect([owner, address, claimed]).toEqual([undefined, undefined, true]);
    expect(currentOwner(original)?.pid).toBe(process.pid);
    expect(readAddress(original)?.url).toBe('http://127.0.0.1:9');
    made.push(copy);
  });

  test.each(['linux'])(
    'a claim whose pid now belongs to another live process is taken over (%s, where /proc tells)',
    async (platform) => {
      if (process.platform !== platform) return;
      // Prepare: the home's claim, its pid then reused by an unrelated process (a `sleep`).
      const home = folder('reused-pid');
      expect(claimHome(home, 'control-plane')).toBe(true);
      writeAddress(home, { pid: process.pid, url: 'http://127.0.0.1:9', secret: 'the-secret' });
      sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
      const pid = sleeper.pid!;
      for (const file of ['owner.lock', 'control-plane.json']) {
        const record = JSON.parse(readFileSync(join(home, file), 'utf8')) as { pid: number };
        writeFileSync(join(home, file), JSON.stringify({ ...record, pid }));
      }

      // Act
      const owner = currentOwner(home);
      const address = readAddress(home);
      const claimed = claimHome(home, 'control-plane');

      // Assess
      expect([owner, address, claimed]).toEqual([undefined, undefined, true]);
      expect(currentOwner(home)?.pid).toBe(process.pid);
    },
  );
});
