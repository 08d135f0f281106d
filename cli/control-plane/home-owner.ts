import { readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makePrivateFolder } from '../../lambdas/adapters/local/private-folder.js';
import { createClaimFile, writing } from '../no-space.js';

/**
 * Who owns an ITV_HOME: the one process that runs its dynalite, executions and clock. The claim is a file
 * created exclusively (`owner.lock`), so of two processes claiming at once exactly one succeeds; a claim whose
 * process has died is taken over.
 *
 * A claim (and the address) names the home it was made for and the process that made it, since the files
 * travel with the folder: a copy of a home made while its owner runs (`cp -a`), or the home moved (`mv`), holds
 * a claim of a live process that does not serve it, and a pid reused after a reboot or a container restart
 * names a live process that is no control plane at all. Either claim is stale for this home.
 */
export interface HomeOwner {
  pid: number;
  /** `control-plane`: the background process every command talks to; `demo`: `itv demo` for its run. */
  kind: 'control-plane' | 'demo';
  startedAt: string;
  /** The home's real path when claimed (`homeIdentity`); absent in a claim an earlier itv made. */
  home?: string;
  /** When the process started, as the kernel tells (`processStart`); absent where it cannot tell. */
  processStart?: string;
}

/** Where a running control plane answers, written once it listens (mode 0600: it holds the local secret). */
export interface ControlPlaneAddress {
  pid: number;
  url: string;
  /** Lets the CLI name who it acts as; whoever can read ITV_HOME can act as anyone, as with `--as`. */
  secret: string;
  /** The real path of the home it serves, as in its claim; absent in an address an earlier itv wrote. */
  home?: string;
  processStart?: string;
}

/**
 * The home's identity: its real path (symbolic links resolved), what its claim and its control plane's health
 * answer name. A copy or a moved home has another; a home not made yet is named by its resolved path.
 */
export function homeIdentity(home: string): string {
  try {
    return realpathSync(home);
  } catch {
    return resolve(home);
  }
}

/**
 * When process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat): with the pid, it names
 * one process, where a pid alone may be reused. Undefined where /proc does not tell (not Linux, or it has exited).
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state …`: comm may hold spaces and parentheses; field 3 (state) follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Whether the process a claim or an address names still runs and is the one that made it (not a reused
 * pid), for this home (not the one it was copied or moved from). A record without the fields an earlier itv did
 * not write is judged on what it has.
 */
function servesHome(record: { pid: number; home?: string; processStart?: string }, home: string): boolean {
  if (!isAlive(record.pid)) return false;
  if (record.home !== undefined && record.home !== homeIdentity(home)) return false;
  if (record.processStart === undefined) return true;
  const started = processStart(record.pid);
  return started === undefined || started === record.processStart;
}

const lockFile = (home: string) => join(home, 'owner.lock');
export const addressFile = (home: string) => join(home, 'control-plane.json');

/** Whether `pid` is a running process (another user's counts: it cannot be signalled, but it runs). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !exitedUnreaped(pid);
}

/**
 * Whether `pid` has exited but its parent has not collected its exit (a zombie, state Z, or X as it goes), which
 * `kill(pid, 0)` still reaches. A crashed control plane is one until reaped, and never where the first process of
 * a container reaps nothing. Told by /proc on Linux; elsewhere false.
 */
function exitedUnreaped(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // `pid (comm) state …`: comm may hold spaces and parentheses, the state follows the last ')'.
  const state = stat[stat.lastIndexOf(')') + 2];
  return state === 'Z' || state === 'X';
}

/** The home's owner, if a live process holds the claim it made for this home. */
export function currentOwner(home: string): HomeOwner | undefined {
  const owner = readJson<HomeOwner>(lockFile(home));
  return owner && servesHome(owner, home) ? owner : undefined;
}

/**
 * Claims the home for this process; false when a live process holds it. A dead owner's claim is moved aside
 * first, and checked after the move, so a claim made meanwhile by a live process is put back, not lost.
 */
export function claimHome(home: string, kind: HomeOwner['kind']): boolean {
  makePrivateFolder(home);
  const owner: HomeOwner = {
    pid: process.pid,
    kind,
    startedAt: new Date().toISOString(),
    home: homeIdentity(home),
    ...ownStart(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      createClaimFile(lockFile(home), JSON.stringify(owner));
      claimedLocks.set(home, lockIdentity(home));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = readJson<HomeOwner>(lockFile(home));
    if (held && servesHome(held, home)) return false;
    const aside = `${lockFile(home)}.${process.pid}.stale`;
    try {
      renameSync(lockFile(home), aside);
    } catch {
      continue;
    }
    const moved = readJson<HomeOwner>(aside);
    if (moved && servesHome(moved, home)) {
      renameSync(aside, lockFile(home));
      return false;
    }
    rmSync(aside, { force: true });
    rmSync(addressFile(home), { force: true });
  }
  return false;
}

const startFile = (home: string) => join(home, 'starting.lock');

/**
 * Claims the right to start the home's control plane, so that of many commands finding none only one
 * starts a process (each start costs a Node.js process's load time, and all but one would lose the home's
 * claim anyway). A claim whose process has died, or made for another home (copied with it), or older than
 * `staleMs`, is taken over.
 */
export function claimStart(home: string, staleMs: number, now = Date.now()): boolean {
  makePrivateFolder(home);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      createClaimFile(
        startFile(home),
        JSON.stringify({ pid: process.pid, at: now, home: homeIdentity(home), ...ownStart() }),
      );
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = readJson<{ pid: number; at: number; home?: string; processStart?: string }>(startFile(home));
    // A claim not yet readable is being written, unless its file is as old as a stale claim (its writer died).
    const at = held?.at ?? modifiedAt(startFile(home));
    if (now - at < staleMs && (!held || servesHome(held, home))) return false;
    rmSync(startFile(home), { force: true });
  }
  return false;
}

/** Gives the start claim up, if this process holds it. */
export function releaseStart(home: string): void {
  if (readJson<{ pid: number }>(startFile(home))?.pid === process.pid)
    rmSync(startFile(home), { force: true });
}

/** Gives the claim up, if this process holds it. */
export function releaseHome(home: string): void {
  const held = readJson<HomeOwner>(lockFile(home));
  if (held?.pid !== process.pid) return;
  claimedLocks.delete(home);
  rmSync(addressFile(home), { force: true });
  rmSync(lockFile(home), { force: true });
}

/** Writes the address, naming the home it serves and, where the kernel tells, when this process started. */
export function writeAddress(home: string, address: ControlPlaneAddress): void {
  const temporary = `${addressFile(home)}.${process.pid}.tmp`;
  const named: ControlPlaneAddress = { ...address, home: homeIdentity(home), ...ownStart() };
  writing(addressFile(home), () => writeFileSync(temporary, JSON.stringify(named), { mode: 0o600 }));
  renameSync(temporary, addressFile(home));
}

/** The running control plane's address, if its process is alive and the one that wrote it for this home. */
export function readAddress(home: string): ControlPlaneAddress | undefined {
  const address = readJson<ControlPlaneAddress>(addressFile(home));
  return address && servesHome(address, home) ? address : undefined;
}

/** The claim files this process created, by home: the device and inode of each when created. */
const claimedLocks = new Map<string, string | undefined>();

function lockIdentity(home: string): string | undefined {
  try {
    const { dev, ino } = statSync(lockFile(home));
    return `${dev}:${ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Whether the home this process claimed is still at `home`: the claim file there is the very file it created.
 * A home moved away (`mv`) leaves no file at the path, and one put back from a copy holds another file, whatever
 * it says. One `stat`, cheap enough to ask before every request.
 */
export function stillHoldsHome(home: string): boolean {
  const claimed = claimedLocks.get(home);
  return claimed !== undefined && lockIdentity(home) === claimed;
}

function ownStart(): { processStart?: string } {
  const started = processStart(process.pid);
  return started === undefined ? {} : { processStart: started };
}

function modifiedAt(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
