import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runItv } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/**
 * What a command loads decides what it costs to run: the local stack (dynalite, the AWS SDK clients, the state
 * machine runner) is a second of CPU before the first line of a command's own work. A command that only talks
 * to the control plane must not load it. Each case records every module the command's process resolves,
 * through a module resolve hook (`module.register`), and looks for the local stack's packages among them (those
 * imported as ES modules: the hook does not see `require`, which loads dynalite).
 */
const localStackPackages = ['aws-local-stepfunctions', '@aws-sdk/client-dynamodb'];

/** The URLs of the modules `itv <args>` resolves on `home`, in resolution order; `hooks` holds the hook files. */
async function modulesLoadedBy(
  home: string,
  hooks: string,
  args: string[],
): Promise<{ code: number | null; urls: string[] }> {
  const log = join(hooks, 'resolved.log');
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
    '`itv control-plane stop` loads none of the local stack',
    async () => {
      // Act
      const stop = await modulesLoadedBy(home, hooks, ['control-plane', 'stop', '--json']);

      // Assess: the hook saw the command's own modules, and none of the local stack.
      expect(stop.code).toBe(0);
      expect(stop.urls.some((url) => url.endsWith('/bin/itv.js'))).toBe(true);
      expect(localStackPackages.filter((name) => stop.urls.some((url) => url.includes(`/${name}/`)))).toEqual(
        [],
      );
    },
    setupMs,
  );

  test(
    'the hook sees the local stack where it is loaded: in the control plane, run until a second idle',
    async () => {
      // Act
      const controlPlane = await modulesLoadedBy(home, hooks, ['control-plane', '--idle', '1']);

      // Assess
      expect(controlPlane.code).toBe(0);
      expect(
        localStackPackages.filter((name) => controlPlane.urls.some((url) => url.includes(`/${name}/`))),
      ).toEqual(localStackPackages);
    },
    setupMs,
  );
});
