import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from '../support/run-itv.js';
import { setupMs } from '../support/time-budget.js';

/** Runs `cliBundle()` in a fresh process, as `bin/itv.js` does, with its cache in `cache`. */
async function bundleIn(cache: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', "console.log(await (await import('./bin/cli-bundle.js')).cliBundle())"],
    { cwd: root, env: { ...process.env, NODE_OPTIONS: '', ITV_CLI_CACHE: cache } },
  );
  return stdout.trim();
}

test(
  'the CLI bundle is built on first use, kept while its sources are unchanged, and rebuilt when one is newer',
  async () => {
    const cache = mkdtempSync(join(tmpdir(), 'itv-cli-cache-'));
    try {
      // Act: first use builds it.
      const bundle = await bundleIn(cache);

      // Assess: the one file holds the CLI, and its inputs name the sources it came from.
      expect(bundle).toBe(join(cache, 'cli.mjs'));
      expect(readFileSync(bundle, 'utf8')).toContain('control-plane');
      const inputsFile = join(cache, 'cli.inputs.json');
      const inputs = JSON.parse(readFileSync(inputsFile, 'utf8')) as string[];
      expect(inputs).toContain(join(root, 'cli', 'main.ts'));
      const builtAt = statSync(bundle).mtimeMs;

      // Act: unchanged sources, then one input newer than the bundle.
      expect(await bundleIn(cache)).toBe(bundle);
      const keptAt = statSync(bundle).mtimeMs;
      const edited = join(cache, 'edited-source.ts');
      writeFileSync(edited, '');
      utimesSync(edited, new Date(builtAt + 60_000), new Date(builtAt + 60_000));
      writeFileSync(inputsFile, JSON.stringify([...inputs, edited]));
      await bundleIn(cache);

      // Assess
      expect(keptAt).toBe(builtAt);
      expect(statSync(bundle).mtimeMs).toBeGreaterThan(builtAt);
      expect(JSON.parse(readFileSync(inputsFile, 'utf8'))).not.toContain(edited);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  },
  setupMs,
);
