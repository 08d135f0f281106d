import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  test('`itv value report --help` names team as the authority.team dimension, not a tag', () => {
    const report = leafCommands(buildProgram()).find(([name]) => name === 'value report')![1];
    const help = report.helpInformation().replace(/\s+/g, ' ');
    expect(help).toContain("team (the change's authority.team)");
    expect(help).not.toMatch(/tags \(region, team/);
  });

  test('`itv delegate revoke --help` lists the options it takes from itv delegate (--as), not those of a grant', () => {
    // Prepare
    const revoke = leafCommands(buildProgram()).find(([name]) => name === 'delegate revoke')![1];
    // Act
    const help = revoke.helpInformation();
    // Assess
    expect(help).toMatch(/^ {2}--as <principal> +you, the owner who delegates/m);
    expect(help).toMatch(/^ {2}--reason <text> /m);
    expect(help).not.toMatch(/--to|--until|--service|--role/);
    expect(help.match(/^ {2}--reason /gm)).toHaveLength(1);
  });

  test.each([
    [
      'delegate revoke',
      ['d~a~2026-12-01T00:00:00Z', '--reason', 'done', '--to', 'bob'],
      '--to',
      'itv delegate',
    ],
    [
      'delegate revoke',
      ['--until', '2026-12-01', 'd~a~2026-12-01T00:00:00Z', '--reason', 'x'],
      '--until',
      'itv delegate',
    ],
    ['control-plane stop', ['--idle', '5'], '--idle', 'itv control-plane'],
    ['delegate list', ['--reason', 'x'], '--reason', 'itv delegate'],
    ['delegate list', ['--as', 'alice'], '--as', 'itv delegate'],
    // Commands of the local home alone: --context would name a stack they never talk to.
    ['serve', ['--context', 'staging'], '--context', 'itv'],
    ['token', ['alice', '--context', 'staging'], '--context', 'itv'],
    ['demo', ['--context', 'staging'], '--context', 'itv'],
    ['control-plane stop', ['--context', 'staging'], '--context', 'itv'],
  ])(
    '`itv %s` given an option of the command above it that it does not read is refused, naming the flag',
    async (name, args, flag, owner) => {
      // Prepare
      const program = buildProgram();
      const leaf = leafCommands(program).find(([words]) => words === name)![1];
      leaf.action(() => {
        throw new Error(`itv ${name} ran with ${flag}`);
      });
      // Act
      const parsed = program.parseAsync(['node', 'itv', ...name.split(' '), ...args]);
      // Assess
      await expect(parsed).rejects.toMatchObject({
        name: 'InvalidInputError',
        message: `${flag} is not an option of itv ${name}`,
        issues: [{ path: flag, message: `is an option of ${owner}, which itv ${name} does not read` }],
      });
    },
  );

  test('a command of the local home alone refuses ITV_CONTEXT naming a deployed stack, rather than ignore it', async () => {
    // Prepare
    const program = buildProgram();
    const leaf = leafCommands(program).find(([words]) => words === 'serve')![1];
    leaf.action(() => {
      throw new Error('itv serve ran');
    });
    const before = process.env.ITV_CONTEXT;
    process.env.ITV_CONTEXT = 'staging';
    try {
      // Act
      const parsed = program.parseAsync(['node', 'itv', 'serve']);
      // Assess
      await expect(parsed).rejects.toMatchObject({
        name: 'InvalidInputError',
        issues: [
          {
            path: 'ITV_CONTEXT',
            message:
              'names "staging", a deployed stack, but itv serve works on the local home (ITV_HOME) alone: unset ITV_CONTEXT to run it there',
          },
        ],
      });
    } finally {
      if (before === undefined) delete process.env.ITV_CONTEXT;
      else process.env.ITV_CONTEXT = before;
    }
  });

  test('`itv delegate revoke` still takes --as, --reason and --json from itv delegate, and --context from itv', async () => {
    // Prepare
    const program = buildProgram();
    const leaf = leafCommands(program).find(([words]) => words === 'delegate revoke')![1];
    let ran: Record<string, unknown> | undefined;
    leaf.action((_id: string, _options: unknown, command: Command) => {
      ran = command.optsWithGlobals();
    });
    // Act
    await program.parseAsync([
      'node',
      'itv',
      'delegate',
      'revoke',
      'd~a~x',
      '--as',
      'alice',
      '--reason',
      'r',
      '--json',
    ]);
    // Assess
    expect(ran).toMatchObject({ as: 'alice', reason: 'r', json: true });
  });

  /** The commands of the local home alone (ITV_HOME): they take no --context. */
  const localOnly = /^(?:demo|token|control-plane|serve|context|completion)\b/;
  test.each(leafCommands(buildProgram()).filter(([name]) => !localOnly.test(name)))(
    "`itv %s --help` lists --context, which every command that talks to a stack takes from itv's own options",
    (_name, command) => {
      expect(command.helpInformation()).toMatch(/^ {2}--context <name> +the stack to talk to/m);
    },
  );

  test.each(leafCommands(buildProgram()).filter(([name]) => localOnly.test(name)))(
    '`itv %s --help` leaves --context out: it works on the local home alone',
    (_name, command) => {
      expect(command.helpInformation()).not.toMatch(/--context/);
    },
  );

  const takingAnId = leafCommands(buildProgram()).filter(([, command]) =>
    command.registeredArguments.some((argument) => argument.name() === 'id'),
  );

  test('the commands that take an id are the ones expected', () => {
    expect(takingAnId.map(([name]) => name).sort()).toEqual(
      [
        'check report',
        'delegate revoke',
        'evidence pull',
        'release decide',
        'retry',
        'review',
        'status',
        'stop',
        'watch',
      ].sort(),
    );
  });

  test.each(takingAnId)('`itv %s ""` is refused before it runs: the id is empty', async (name, command) => {
    // Prepare: the words that reach the command, its id empty (its other arguments and required options given).
    const others = command.registeredArguments.slice(1).map(() => 'unit-tests');
    const required = command.options.filter((option) => option.mandatory).flatMap((o) => [o.long!, 'x']);
    const program = buildProgram();
    const leaf = leafCommands(program).find(([words]) => words === name)![1];
    leaf.action(() => {
      throw new Error(`itv ${name} ran with an empty id`);
    });
    // Act
    const parsed = program.parseAsync(['node', 'itv', ...name.split(' '), '', ...others, ...required]);
    // Assess
    await expect(parsed).rejects.toMatchObject({
      name: 'InvalidInputError',
      message: expect.stringMatching(/^the (intent|delegation) id is empty$/),
      issues: [{ path: 'id', message: expect.stringContaining('is empty') }],
    });
  });

  test(
    '`itv status ""` says the id is empty, exit 1',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'itv-empty-id-'));
      const run = await runItv(home, ['status', '']);
      // Nothing should have started a control plane; one that did is stopped before its home goes.
      if (existsSync(join(home, 'control-plane.json'))) await runItv(home, ['control-plane', 'stop']);
      rmSync(home, { recursive: true, force: true });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^itv: the intent id is empty\n {2}id: /);
      expect(run.stderr).not.toMatch(/ {2}on the ledger/);
    },
    setupMs,
  );

  test(
    '`itv status` of an id the ledger does not hold names whose ledger it read',
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'itv-unknown-id-'));
      const run = await runItv(home, ['status', 'no-such-intent']);
      await runItv(home, ['control-plane', 'stop']);
      rmSync(home, { recursive: true, force: true });
      expect([run.code, run.stderr]).toEqual([1, `itv: no intent no-such-intent on the ledger of ${home}\n`]);
    },
    setupMs,
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
