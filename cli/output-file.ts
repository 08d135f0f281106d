import { existsSync, type Stats, statSync, type WriteFileOptions, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidInputError } from '../lambdas/core/errors.js';

/*
 * A file a flag names for the command to write (`--out`, `--html`): what stops it being written is said naming
 * the flag and why in words (`--out: the folder /x/y does not exist`), where Node's own words (`ENOENT: no such
 * file or directory, open …`) named neither the flag nor which part of the path is missing.
 */

/**
 * Commander's parser of a flag naming a file or folder to write: an empty value is refused before the command
 * runs. Left to the command, `--out ''` read as no flag (the export went to stdout) and `--html ''` wrote nothing.
 */
export function nonEmptyPath(flag: string, kind: 'file' | 'folder'): (value: string) => string {
  return (value) => {
    if (value !== '') return value;
    throw new InvalidInputError(`${flag} names no ${kind}`, [
      { path: flag, message: `is empty: name a ${kind} to write` },
    ]);
  };
}

/**
 * Refuses, naming `flag`, a file whose folder is not there or is not a folder, or one any user may write to without
 * the sticky bit (`swappableFolder`): before anything is asked.
 */
export function refuseMissingFolder(file: string, flag: string): void {
  const folder = dirname(file);
  let stats: Stats;
  try {
    stats = statSync(folder);
  } catch (error) {
    throw cannotWrite(file, flag, error);
  }
  if (!stats.isDirectory()) throw refusal(file, flag, `${folder} is not a folder`);
  const swappable = swappableFolder(folder, stats.mode);
  if (swappable) throw refusal(file, flag, swappable);
}

/**
 * Why what a command writes into `folder` (of `mode`) could be swapped before it is read again, or undefined: any
 * user may write to it and it lacks the sticky bit, so another user may rename or delete what itv wrote (an export,
 * its public key and checkpoints, a bundle) and put their own in its place. A sticky folder such as /tmp lets only a
 * file's owner do that, and itv creates its files new, never taking one another user made.
 */
export function swappableFolder(folder: string, mode: number): string | undefined {
  if (process.platform === 'win32' || (mode & 0o002) === 0 || (mode & 0o1000) !== 0) return undefined;
  return `${folder} is a folder any user may write to, without the sticky bit: another user could replace what itv writes there before you read it; write into a folder of your own`;
}

/**
 * Refuses, naming `flag`, a file that is already there: what a command writes never replaces an earlier file
 * (`--out` of `itv ledger export` and `itv evidence pull` refuse one alike). Before anything is asked.
 */
export function refuseExistingFile(file: string, flag: string): void {
  if (!existsSync(file)) return;
  throw new InvalidInputError(`${file} exists`, [
    { path: flag, message: `${file} exists: give another ${flag}, or move it away first` },
  ]);
}

/**
 * Mode of every file a command writes out: what it writes (a ledger export and its checkpoints, an evidence
 * bundle, a value report) holds intents and their payloads, read from a home kept 0700, so only its owner may
 * read it. A file created new (`wx`) gets it whatever the umask allows beyond it.
 */
export const writtenFileMode = 0o600;

/** `writeFileSync`, made `writtenFileMode`, a failure refused naming `flag` and why. */
export function writeNamedFile(
  file: string,
  data: string | Uint8Array,
  flag: string,
  options: Extract<WriteFileOptions, object> = {},
): void {
  try {
    writeFileSync(file, data, { mode: writtenFileMode, ...options });
  } catch (error) {
    throw cannotWrite(file, flag, error);
  }
}

function cannotWrite(file: string, flag: string, error: unknown): unknown {
  const folder = dirname(file);
  const why: Record<string, string> = {
    ENOENT: `the folder ${folder} does not exist`,
    ENOTDIR: `${folder} is not a folder`,
    EACCES: `permission denied: ${folder} may not be written to`,
    EPERM: `permission denied: ${folder} may not be written to`,
    EISDIR: `${file} is a folder`,
    // 'wx' fails on any name already there, a link included: it is neither replaced nor followed.
    EEXIST: `${file} exists (a file, a folder or a link): refused, not replaced or followed`,
    EROFS: `${folder} is on a read-only file system`,
    ENOSPC: `no space left on the device that holds ${folder}: free some space on it, then run the command again`,
    EDQUOT: `the disk quota on the device that holds ${folder} is used up: free some space on it, then run the command again`,
  };
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return Object.hasOwn(why, code) ? refusal(file, flag, why[code]!) : error;
}

function refusal(file: string, flag: string, why: string): InvalidInputError {
  return new InvalidInputError(`cannot write ${file}`, [{ path: flag, message: why }]);
}
