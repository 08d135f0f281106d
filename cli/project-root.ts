import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder itv is installed in: the nearest folder above this module whose package.json is itv's. Found by
 * walking up rather than by a fixed depth, so that it holds both for the sources and for the one-file CLI
 * bundle `bin/itv.js` runs from `node_modules/.cache/itv/`.
 */
export const projectRoot: string = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let folder = from; ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'itv'
    ) {
      return folder;
    }
    if (dirname(folder) === folder) throw new Error(`no itv package.json above ${from}`);
  }
}
