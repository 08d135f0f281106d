import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../../cli/main.js';
import { root, runItv } from '../../support/run-itv.js';
import { setupMs } from '../../support/time-budget.js';

/** Every command that runs something (no subcommands), by its words from the root. */
function leafCommands(command: Command, path: string[] = []): Array<[string, Command]> {
  const visible = command.commands.filter((sub) => !(sub as unknown as { _hidden?: boolean })._hidden);
  if (visible.length === 0 && path.length > 0) return [[path.join(' '), command]];
  return visible.flatMap((sub) => leafCommands(sub, [...path, sub.name()]));
}

/** `completion` prints a shell script, which is what its caller evals: it has nothing to say as JSON. */
const withoutJson = new Set(['completion']);

describe('the itv command line', () => {
  test.each(leafCommands(buildProgram()).filter(([name]) => !withoutJson.has(name)))(
    '`itv %s` takes --json',
    (_name, command) => {
      expect(command.options.map((option) => option.long)).toContain('--json');
    },
  );

  test(
    '--version and -V print the version in package.json and exit 0',
    async () => {
      const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

      const long = await runItv(root, ['--version']);
      const short = await runItv(root, ['-V']);

      expect([long.code, long.stdout]).toEqual([0, `${version}\n`]);
      expect([short.code, short.stdout]).toEqual([0, `${version}\n`]);
    },
    setupMs,
  );
});
