import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { root } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

const run = promisify(execFile);
const env = (cache: string) => ({ ...process.env, NODE_OPTIONS: '', ITV_CLI_CACHE: cache });

/** Runs `cliBundle()` in a fresh process, as `bin/itv.js` does, with its cache in `cache`. */
async function bundleIn(cache: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', "console.log(await (await import('./bin/cli-bundle.js')).cliBundle())"],
    { cwd: root, env: env(cache) },
  );
  return stdout.trim();
}

test(
  'the CLI build is made on first use, runs, is kept while its sources are unchanged, and is remade when one is newer',
  async () => {
    // A cache of its own, under node_modules like the real one, so the build resolves its packages.
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    const cache = mkdtempSync(join(root, 'node_modules', '.cache', 'itv-test-'));
    try {
      // Act: first use builds it.
      const entry = await bundleIn(cache);

      // Assess: the entry runs the CLI, and the build names the sources it came from.
      expect(entry.startsWith(join(cache, 'build-'))).toBe(true);
      const help = await run(process.execPath, [join(root, 'bin', 'itv.js'), '--help'], {
        cwd: root,
        env: env(cache),
      });
      expect(help.stdout).toContain('intent to value');
      const current = JSON.parse(readFileSync(join(cache, 'cli.json'), 'utf8')) as {
        inputs: string[];
        identity: string;
        builtAt: number;
      };
      expect(current.inputs).toContain(join(root, 'cli', 'main.ts'));
      expect(current.identity).toMatch(/^[0-9a-f]{16}$/);

      // Act: unchanged sources, then one input newer than the build.
      const kept = await bundleIn(cache);
      const edited = join(cache, 'edited-source.ts');
      writeFileSync(edited, '');
      utimesSync(edited, new Date(current.builtAt + 60_000), new Date(current.builtAt + 60_000));
      writeFileSync(
        join(cache, 'cli.json'),
        JSON.stringify({ ...current, inputs: [...current.inputs, edited] }),
      );
      const remade = await bundleIn(cache);

      // Assess
      expect(kept).toBe(entry);
      expect(remade).not.toBe(entry);
      const remadeBuild = JSON.parse(readFileSync(join(cache, 'cli.json'), 'utf8'));
      expect(remadeBuild.inputs).not.toContain(edited);
      // Made again from sources whose contents are the same: the identity a control plane reports is too.
      expect(remadeBuild.identity).toBe(current.identity);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  },
  // Two builds and three processes: on a busy machine each build alone can take most of a setup's budget.
  4 * setupMs,
);

test(
  'a command run from the build starts the control plane of its own checkout, even through a linked node_modules',
  async () => {
    // Prepare: a build of its own; where node_modules is a link to another checkout's (git worktrees sharing
    // one), the build is reached by that checkout's path.
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    const cache = mkdtempSync(join(root, 'node_modules', '.cache', 'itv-test-'));
    const home = mkdtempSync(join(tmpdir(), 'itv-bundle-root-'));
    const homeEnv = { ...env(cache), ITV_HOME: home, ITV_IDLE_SECONDS: '20' };
    const itv = (args: string[]) =>
      run(process.execPath, [join(root, 'bin', 'itv.js'), ...args], { cwd: root, env: homeEnv }).catch(
        (failed: { code: number; stdout: string; stderr: string }) => failed,
      );
    try {
      // Act: a command that needs the control plane starts it.
      await itv(['status', 'no-such-intent']);
      const { pid } = JSON.parse(readFileSync(join(home, 'control-plane.json'), 'utf8')) as { pid: number };
      const { stdout: commandLine } = await run('ps', ['-o', 'args=', '-p', String(pid)]);

      // Assess
      expect(commandLine.trim()).toBe(`${process.execPath} ${join(root, 'bin', 'itv.js')} control-plane`);
    } finally {
      await itv(['control-plane', 'stop']);
      rmSync(home, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  },
  setupMs,
);

test('the identity of the sources follows their contents, not their modification times, and leaves tests out', async () => {
  // Prepare: a checkout's folders, in small.
  const { sourcesIdentity } = (await import(pathToFileURL(join(root, 'bin', 'cli-bundle.js')).href)) as {
    sourcesIdentity: (folder: string) => Promise<string>;
  };
  const folder = mkdtempSync(join(tmpdir(), 'itv-sources-identity-'));
  try {
    mkdirSync(join(folder, 'policies', 'rules'), { recursive: true });
    mkdirSync(join(folder, 'catalog'));
    const rule = join(folder, 'policies', 'rules', 'a-rule.ts');
    writeFileSync(rule, "export const rule = { name: 'a-rule', version: '1.0.0' };\n");
    writeFileSync(join(folder, 'catalog', 'services.json'), '{}\n');
    const first = await sourcesIdentity(folder);

    // Act
    utimesSync(rule, new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    const touched = await sourcesIdentity(folder);
    writeFileSync(join(folder, 'policies', 'rules', 'a-rule.test.ts'), 'test.todo("a rule");\n');
    const withTest = await sourcesIdentity(folder);
    writeFileSync(rule, "export const rule = { name: 'a-rule', version: '1.0.1' };\n");
    const edited = await sourcesIdentity(folder);

    // Assess
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect([touched, withTest]).toEqual([first, first]);
    expect(edited).not.toBe(first);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
