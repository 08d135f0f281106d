import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * What a command loads decides what it costs to run: the local stack (dynalite, the AWS SDK clients, the state
 * machine runner) is a second of CPU before the first line of a command's own work. A command that only talks
 * to the control plane must not load it. Each case records every ES module the command's process resolves,
 * through a module resolve hook (`module.register`), and adds up the size of their files: the prebuilt CLI
 * (`bin/cli-bundle.js`) is a chunk per command and the chunks they share, packages built in.
 */
const codeBytes = (urls: string[]) =>
  [...new Set(urls.filter((url) => url.startsWith('file:')))].reduce(
    (sum, url) => sum + statSync(fileURLToPath(url)).size,
    0,
  );

/** The URLs of the modules `itv <args>` resolves on `home`, in resolution order; `hooks` holds the hook files. */
async function modulesLoadedBy(
  home: string,
  hooks: string,
  args: string[],
): Promise<{ code: number | null; urls: string[] }> {
  const log = join(hooks, 'resolved.log');
  rmSync(log, { force: true });
  writeFileSync(
    join(hooks, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
  return resolved;
}
`,
  );
  writeFileSync(
    join(hooks, 'register.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(hooks, 'hooks.mjs')).href)});\n`,
  );
  const run = await runItv(home, args, { env: { NODE_OPTIONS: `--import ${join(hooks, 'register.mjs')}` } });
  return { code: run.code, urls: readFileSync(log, 'utf8').trim().split('\n') };
}

describe('modules a command loads', () => {
  let home: string;
  let hooks: string;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-modules-'));
    hooks = mkdtempSync(join(tmpdir(), 'itv-module-hooks-'));
  });

  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(hooks, { recursive: true, force: true });
  });

  test(
    '`itv control-plane stop` loads less than a tenth of the code of the control plane it stops',
    async () => {
      // Act: a control plane that stops by itself after a second idle, then the command that stops one.
      const controlPlane = await modulesLoadedBy(home, hooks, ['control-plane', '--idle', '1']);
      const stop = await modulesLoadedBy(home, hooks, ['control-plane', 'stop', '--json']);

      // Assess
      expect([controlPlane.code, stop.code]).toEqual([0, 0]);
      expect(codeBytes(controlPlane.urls)).toBeGreaterThan(1_000_000);
      expect(codeBytes(stop.urls)).toBeLessThan(codeBytes(controlPlane.urls) / 10);
    },
    setupMs,
  );
});
