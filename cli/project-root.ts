import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout the CLI bundle was built from (`bin/cli-bundle.js` defines it); undefined in the sources. */
declare const ITV_CHECKOUT_ROOT: string | undefined;

/**
 * The folder itv is installed in: the nearest folder above this module whose package.json is itv's. Found by
 * walking up rather than by a fixed depth, so that it holds both for the sources and for the one-file CLI
 * bundle `bin/itv.js` runs from `node_modules/.cache/itv/` — except that the bundle is told its checkout, since
 * a node_modules shared through a link would lead the walk to another one.
 */
export const projectRoot: string =
  typeof ITV_CHECKOUT_ROOT === 'string'
    ? ITV_CHECKOUT_ROOT
    : findRoot(dirname(fileURLToPath(import.meta.url)));

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
