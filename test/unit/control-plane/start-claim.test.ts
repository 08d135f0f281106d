import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimStart, releaseStart } from '../../../cli/control-plane/home-owner.js';

/** A pid no process has: above the kernel's default pid_max of 4,194,304. */
const deadPid = 4_194_400;

describe('the claim to start a home’s control plane', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-start-claim-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  test('of two claims made at once only the first succeeds, and only its holder gives it up', () => {
    expect(claimStart(home, 60_000)).toBe(true);
    expect(claimStart(home, 60_000)).toBe(false);
    const held = readFileSync(join(home, 'starting.lock'), 'utf8');
    writeFileSync(join(home, 'starting.lock'), JSON.stringify({ pid: deadPid + 1, at: Date.now() }));
    releaseStart(home);
    // Someone else's claim stays; its process is dead, so the next claim takes it over.
    expect(JSON.parse(readFileSync(join(home, 'starting.lock'), 'utf8')).pid).toBe(deadPid + 1);
    expect(JSON.parse(held).pid).toBe(process.pid);
  });

  test('a claim whose process died, or older than the start timeout, is taken over', () => {
    writeFileSync(join(home, 'starting.lock'), JSON.stringify({ pid: deadPid, at: Date.now() }));
    expect(claimStart(home, 60_000)).toBe(true);
    releaseStart(home);
    expect(claimStart(home, 60_000)).toBe(true);
    // This process holds it, but since longer than the timeout: a start that hung is not waited for forever.
    expect(claimStart(home, 60_000, Date.now() + 61_000)).toBe(true);
  });

  test('a claim being written (not yet readable) counts as held, until it is as old as a stale claim', () => {
    writeFileSync(join(home, 'starting.lock'), '');
    expect(claimStart(home, 60_000)).toBe(false);
    // Its writer died before writing: after the timeout it is taken over, so no home is locked forever.
    expect(claimStart(home, 60_000, Date.now() + 61_000)).toBe(true);
  });

  test('a claim copied with its home (cp -a while a command started its control plane) is not the copy’s', () => {
    // Prepare: this process claims the start of the original; the home is copied meanwhile.
    expect(claimStart(home, 60_000)).toBe(true);
    const copy = `${home}-copy`;
    cpSync(home, copy, { recursive: true });

    // Act
    const claimed = claimStart(copy, 60_000);
    releaseStart(copy);
    rmSync(copy, { recursive: true, force: true });

    // Assess: the copy's start is not held up by the original's, which still stands.
    expect(claimed).toBe(true);
    expect(claimStart(home, 60_000)).toBe(false);
  });
});
