import { lstatSync, mkdirSync, readdirSync, rmSync, type Stats, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import { swappableFolder, writeNamedFile } from '../output-file.js';

const refused = (outDir: string, message: string) =>
  new InvalidInputError(`cannot pull a bundle into ${outDir}`, [{ path: '--out', message }]);

/** The folder's stat, itself (`lstat`) or where a link leads (`stat`); undefined when nothing is there. */
function statOrAbsent(read: (path: string) => Stats, path: string): Stats | undefined {
  try {
    return read(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Refuses, naming --out (the folder's flag, given or defaulted), a folder a bundle must not be pulled into: one
 * that already holds files (a bundle is pulled into a new one, never mixed with another); one another user owns,
 * or reached through a link another user made; one any user may write to (its files could be swapped under it,
 * as in a shared /tmp). `currentUser` is `process.getuid()` where the platform has users.
 */
export function checkBundleDir(outDir: string, currentUser = process.getuid?.()): void {
  const itself = statOrAbsent(lstatSync, outDir);
  if (itself === undefined) {
    // A new folder, made in one whose entries any user may rename: theirs could take its place.
    const parent = statOrAbsent(statSync, dirname(outDir));
    const swappable = parent?.isDirectory() ? swappableFolder(dirname(outDir), parent.mode) : undefined;
    if (swappable) throw refused(outDir, swappable);
    return;
  }
  const folder = itself.isSymbolicLink() ? statOrAbsent(statSync, outDir) : itself;
  if (currentUser !== undefined) {
    for (const owned of [itself, folder]) {
      if (owned !== undefined && owned.uid !== currentUser) {
        throw refused(
          outDir,
          `${outDir} is owned by another user (uid ${owned.uid}): pull into a folder of your own, or name a new one for itv to make`,
        );
      }
    }
  }
  if (folder?.isDirectory() && (folder.mode & 0o002) !== 0) {
    throw refused(
      outDir,
      `${outDir} is a folder any user may write to: pull into a folder of your own, or name a new one for itv to make`,
    );
  }
  if (folder?.isDirectory() && readdirSync(outDir).length > 0) {
    throw new InvalidInputError(`${outDir} is not empty`, [
      { path: '--out', message: `${outDir} holds files: pull a bundle into a new folder` },
    ]);
  }
}

/**
 * Writes a bundle's files (flat: a name with a folder in it is skipped) into `outDir`, made 0700 when it is not
 * there; returns their names. Each file is created new (`wx`): a name something else took meanwhile — a link
 * planted to overwrite its target included — is refused naming --out and the file, never replaced or followed,
 * and the files this call wrote are removed.
 */
export function writeBundleDir(files: ReadonlyMap<string, Uint8Array>, outDir: string): string[] {
  checkBundleDir(outDir);
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const names: string[] = [];
  try {
    for (const [name, body] of files) {
      if (name.includes('/')) continue;
      writeNamedFile(join(outDir, name), body, '--out', { flag: 'wx' });
      names.push(name);
    }
  } catch (error) {
    // Half a bundle is not one to keep: only what this pull wrote is removed, never what was planted.
    for (const name of names) rmSync(join(outDir, name), { force: true });
    throw error;
  }
  return names;
}
