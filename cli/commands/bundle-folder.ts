import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../../lambdas/core/errors.js';

/**
 * Refuses, naming --out (the folder's flag, given or defaulted), a folder that already holds files: a bundle is
 * pulled into a new one, never mixed with another.
 */
export function checkBundleDir(outDir: string): void {
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new InvalidInputError(`${outDir} is not empty`, [
      { path: '--out', message: `${outDir} holds files: pull a bundle into a new folder` },
    ]);
  }
}

/** Writes a bundle's files (flat: a name with a folder in it is skipped) into `outDir`; returns their names. */
export function writeBundleDir(files: ReadonlyMap<string, Uint8Array>, outDir: string): string[] {
  checkBundleDir(outDir);
  mkdirSync(outDir, { recursive: true });
  const names: string[] = [];
  for (const [name, body] of files) {
    if (name.includes('/')) continue;
    writeFileSync(join(outDir, name), body);
    names.push(name);
  }
  return names;
}
