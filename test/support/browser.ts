import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './run-itv.js';

/**
 * The Chromium the browser tests drive: ITV_CHROMIUM, or Debian's `chromium` (`.ci/run` installs it when
 * absent), or another usual place. Undefined on a machine with none: the browser tests then say so.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.ITV_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ];
  return candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path));
}

/** Where screenshots of the console are written: test artifacts CI can keep. */
export function artifactDir(): string {
  const dir = join(root, 'test-artifacts', 'console');
  mkdirSync(dir, { recursive: true });
  return dir;
}
