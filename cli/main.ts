import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { Argument, Command, Option } from 'commander';
import { escapeControlCharacters } from '../lambdas/core/intake/control-characters.js';
import { nonEmptyId } from './id-argument.js';
import {
  commandWords,
  declineInherited,
  helpWithInheritedOptions,
  passDown,
  refuseStrayOptions,
} from './inherited-options.js';
import { noSpaceReason } from './no-space.js';
import { nonEmptyPath } from './output-file.js';
import { projectRoot } from './project-root.js';
import { principalVariable } from './runtime/principal-variable.js';

const intentId = nonEmptyId('intent');

/**
 * `--timeout`, as every command that follows an intent to its outcome takes it (`cli/follow-timeout.ts`); `wait`
 * says what it bounds.
 */
function timeoutOption(wait: string): Option {
  return new Option(
    '--timeout <duration>',
    `${wait} at most this long (seconds, or 30s, 10m, 2h, 1d): then print where the intent stands (with --json as itv status --json does) and exit 4, leaving it as it is`,
  );
}

const helpAfterError = '(add --help to the command for its arguments and options)';

/** Whether the command line asked for --json, so that commander's own refusals are JSON too. */
let usageErrorsAsJson = false;

/** A refusal of the command line itself (an unknown option, a missing argument) as a problem object. */
function usageProblem(detail: string): Record<string, unknown> {
  return {
    type: 'urn:itv:problem:usage-error',
    title: 'Usage error',
    detail,
    error: 'UsageError',
    message: detail,
  };
}

/** The `itv` command line. Every command runs on the embedded local stack under ITV_HOME (default `.itv/`). */
export function buildProgram(): Command {
  const program = new Command('itv')
    .description('intent to value: automated change management for real-time release')
    .version(itvVersion(), '-V, --version', "print itv's version")
    .option('--context <name>', 'the stack to talk to: local (default) or a deployed one (itv context list)')
    .configureHelp(helpWithInheritedOptions)
    // Commander's own refusals (a missing argument, an unknown option) start `itv:` as every other error does.
    .configureOutput({
      // commander quotes the unknown command or option as typed: each line's control characters written out.
      // Under --json, the refusal is one problem object as every other error is (`json-errors.ts`).
      outputError: (text, write) =>
        write(
          usageErrorsAsJson
            ? `${JSON.stringify(usageProblem(text.replace(/^error: /, '').trim()))}\n`
            : text
                .replace(/^error: /, 'itv: ')
                .split('\n')
                .map(escapeControlCharacters)
                .join('\n'),
        ),
      // The hint after a refusal is text: under --json stderr holds the problem object alone.
      writeErr: (text) => {
        if (!(usageErrorsAsJson && text === `${helpAfterError}\n`)) process.stderr.write(text);
      },
    })
    .showHelpAfterError(helpAfterError);
  passDown(program, ['--context']);
  // A command's ancestors' options that it does not take are refused, not parsed into a command that ignores them.
  program.hook('preAction', (_program, command) => refuseStrayOptions(command));
  // `--context` before the command applies to it as ITV_CONTEXT would.
  program.hook('preAction', async () => {
    const context = program.opts<{ context?: string }>().context;
    if (!context) return;
    process.env.ITV_CONTEXT = context;
    (await import('./remote/contexts.js')).chooseContextByFlag(context);
  });

  program
    .command('demo')
    .description('run the sample intents end to end on the embedded stack, with live progress')
    .option('--json', 'print the results as JSON')
    .option('--in-memory', 'keep state in memory instead of ITV_HOME')
    .action(async (options) => exit(await (await import('./commands/demo.js')).demoCommand(options)));

  program
    .command('submit')
    .description('submit an intent file and run it through the pipeline')
    .argument('<file>', 'intent JSON file (see examples/)')
    .option('--as <principal>', `the principal you act as, the requester (default: $${principalVariable})`)
    .option(
      '--wait',
      "follow the intent in this process through a wait (a reviewer of record, CI's checks, its due instant) to its outcome, instead of returning where it parks",
    )
    .option('--json', 'print the status as JSON')
    .addOption(timeoutOption('wait'))
    .option(
      '--payload-file <file>',
      'upload this JSON file as the payload and submit the intent with it by reference (change.payloadRef)',
    )
    .action(async (file, options) =>
      exit(await (await import('./commands/submit.js')).submitCommand(file, options)),
    );

  const payload = program.command('payload').description('payloads too large to travel inside an intent');
  payload
    .command('put')
    .description('store a JSON payload under its SHA-256 and print the change.payloadRef that names it')
    .argument('<file>', 'payload JSON file (an object, at most 2,000,000 bytes)')
    .option('--as <principal>', `the principal you act as (default: $${principalVariable})`)
    .option('--json', 'print the reference as JSON')
    .action(async (file, options) =>
      exit(await (await import('./commands/payload.js')).payloadPutCommand(file, options)),
    );

  program
    .command('status')
    .description("show an intent's status and ledger steps")
    .argument('<id>', 'intent id', intentId)
    .option('--json', 'print as JSON')
    .action(async (id, options) =>
      exit(await (await import('./commands/status.js')).statusCommand(id, options)),
    );

  program
    .command('validate')
    .description(
      'declaration, structure and policy on an intent file, as submitting it would run them; writes nothing',
    )
    .argument('<file>', 'intent JSON file (see examples/)')
    .option('--as <principal>', `the principal you would submit as (default: $${principalVariable})`)
    .option('--json', 'print the report as JSON')
    .action(async (file, options) =>
      exit(await (await import('./commands/validate.js')).validateCommand(file, options)),
    );

  program
    .command('list')
    .description('list intents, newest first: filter by status, service, team, tag, since; one page or --all')
    .option('--status <list>', 'statuses, comma separated (in-flight: every intent not yet concluded)')
    .option('--service <service>', 'intents changing this service')
    .option('--team <team>', "intents of this team (the intent's authority.team)")
    .option('--tag <pairs>', 'intents whose tags hold every key=value pair, comma separated (region=EU)')
    .option('--since <instant>', 'intents first recorded at or after this ISO-8601 date or instant')
    .option('--limit <n>', 'intents per page (1-200, default 50)')
    .option('--cursor <cursor>', 'the page after the one that printed this cursor')
    .option('--all', 'every page')
    .option('--json', 'print as JSON')
    .action(async (options) => exit(await (await import('./commands/list.js')).listCommand(options)));

  program
    .command('review')
    .description(
      'show what an intent waiting for a reviewer of record changes; with --approve or --reject, decide it',
    )
    .argument('<id>', 'intent id', intentId)
    .addOption(new Option('--approve', 'approve the change').conflicts('reject'))
    .addOption(new Option('--reject', 'reject the change').conflicts('approve'))
    .option(
      '--as <principal>',
      `you, the reviewer of record; never the requester (default: $${principalVariable})`,
    )
    .addOption(new Option('--reviewer <principal>', 'same as --as').hideHelp())
    .option('--reason <text>', 'why, recorded with the decision (required with --reject)')
    .option('--json', 'print the status as JSON (without a decision: the intent as declared)')
    .addOption(timeoutOption('with --approve or --reject, wait for the outcome'))
    .action(async (id, options) =>
      exit(await (await import('./commands/review.js')).reviewCommand(id, options)),
    );

  const release = program.command('release').description('releases held for a decision');
  release
    .command('decide')
    .description("decide what a held release does next, as one of the service's owners")
    .argument('<id>', 'intent id', intentId)
    .addOption(
      new Option('--roll-forward', 'continue the exposure steps to everyone, still watched').conflicts([
        'rollBack',
        'hold',
      ]),
    )
    .addOption(
      new Option('--roll-back', 'deploy the configuration users had before the change').conflicts([
        'rollForward',
        'hold',
      ]),
    )
    .addOption(
      new Option('--hold', 'keep the exposure where it is and conclude').conflicts([
        'rollForward',
        'rollBack',
      ]),
    )
    .option('--as <principal>', `you, an owner of the service (default: $${principalVariable})`)
    .requiredOption('--reason <text>', 'why (recorded on the ledger)')
    .option('--json', 'print the status as JSON')
    .addOption(timeoutOption('wait'))
    .action(async (id, options) =>
      exit(await (await import('./commands/release-decide.js')).releaseDecideCommand(id, options)),
    );

  const ledger = program.command('ledger').description('the tamper-evident decision ledger');
  ledger
    .command('verify')
    .description(
      'verify the hash chain, signed checkpoints and decision signatures (exit 1 tampered, 3 entries trail the newest signed checkpoint)',
    )
    .option('--json', 'print the result as JSON')
    .option(
      '--accept-tail',
      'exit 0 even when entries trail the newest signed checkpoint (a ledger with executions still running); never when no checkpoint verified',
    )
    .option(
      '--bundles',
      'also fetch every evidence bundle the ledger records and check it is in the store as sealed (exit 1 if one is missing or altered)',
    )
    .option('--file <export>', 'verify an export offline instead of the local ledger')
    .option('--public-key <pem>', 'the public key to verify an export with (a PEM or DER file)')
    .option(
      '--checkpoints <jsonl>',
      "the evidence store's signed checkpoints (default: EXPORT.checkpoints.jsonl)",
    )
    .option(
      '--witness <jsonl>',
      "signed checkpoints kept elsewhere, e.g. an earlier export's checkpoints file, verified too: a rollback below them is reported as truncated (repeatable)",
      (file: string, files: string[] = []) => [...files, file],
    )
    .action(async (options) =>
      exit(await (await import('./commands/ledger.js')).ledgerVerifyCommand(options)),
    );
  ledger
    .command('export')
    .description('export the ledger as JSON Lines, one entry a line')
    .option(
      '--out <file>',
      'write to a file (and the public key beside it) instead of stdout',
      nonEmptyPath('--out', 'file'),
    )
    .option('--json', 'with --out, print what was written as JSON (the export itself is JSON Lines)')
    .action(async (options) =>
      exit(await (await import('./commands/ledger.js')).ledgerExportCommand(options)),
    );

  const evidence = program.command('evidence').description("intents' evidence bundles, verifiable offline");
  evidence
    .command('pull')
    .description(
      "copy an intent's evidence bundle out of the evidence store (through the API, or straight from the bucket)",
    )
    .argument('[id]', 'intent id (leave out with --since/--until)', intentId)
    .option(
      '--out <dir>',
      'a new folder for the bundle (default: evidence-ID; evidence-bundles for a range)',
      nonEmptyPath('--out', 'folder'),
    )
    .option('--bucket [name]', "read the evidence bucket directly (default: the context's)")
    .option('--since <date>', 'with --bucket: every bundle written at or after this ISO 8601 date')
    .option('--until <date>', 'with --bucket: … and before this one')
    .option('--json', 'print the files pulled as JSON')
    .action(async (id, options) =>
      exit(await (await import('./commands/evidence.js')).evidencePullCommand(id, options)),
    );
  evidence
    .command('verify')
    .description(
      'verify pulled bundles under a pinned key: signatures, file digests, inclusion proofs (exit 1 if one is not; 2 if no key could be pinned)',
    )
    .argument('<bundles...>', 'bundle folders')
    .option(
      '--public-key <pem>',
      "pin this public key, a PEM or DER file (default: the signing key of the stack itv talks to, the home's or the context's)",
    )
    .option('--json', 'print the result as JSON')
    .action(async (dir, options) =>
      exit(await (await import('./commands/evidence.js')).evidenceVerifyCommand(dir, options)),
    );

  const delegate = program
    .command('delegate')
    .description('let another principal act for you, with a role, on services you own, until an expiry')
    .option('--to <principal>', 'who may act for you (required)')
    .option(
      '--service <name>',
      'a service you own (required; repeat for several)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--role <role>', 'the role they act with, e.g. sre (required)')
    .option('--until <instant>', 'ISO 8601 expiry, at most 90 days ahead (required)')
    .option('--reason <text>', 'why (required)')
    .option('--as <principal>', `you, the owner who delegates (default: $${principalVariable})`)
    .option('--json', 'print the delegation as JSON')
    .action(async (options) => exit(await (await import('./commands/delegate.js')).delegateCommand(options)));
  // `itv delegate revoke` declares --reason and --json itself; --as it takes from here.
  passDown(delegate, ['--as', '--reason', '--json']);
  delegate
    .command('revoke')
    .description('take back a delegation you granted (its id is what granting it printed)')
    .argument('<id>', 'the delegation id, GRANTEE~GRANTOR~EXPIRY', nonEmptyId('delegation'))
    .option('--reason <text>', 'why (required)')
    .option('--json', 'print the revocation as JSON')
    .action(async (id: string, _options, command: Command) =>
      exit(
        await (await import('./commands/delegate.js')).revokeDelegationCommand(
          id,
          // `itv delegate` has `--as`, `--reason` and `--json` too: they land there wherever they are given.
          command.optsWithGlobals(),
        ),
      ),
    );

  const listDelegations = delegate
    .command('list')
    .description(
      "the catalog's standing delegations and those granted at run time: live, expired or revoked, with the id that revokes a granted one",
    )
    .option('--principal <principal>', 'only those this principal (id or e-mail) granted or holds')
    .option('--status <status>', 'only live, expired or revoked ones')
    .option('--json', 'print the list as JSON')
    .action(async (_options, command: Command) =>
      exit(await (await import('./commands/delegate.js')).listDelegationsCommand(command.optsWithGlobals())),
    );
  // It reads only its own options (and --json), none of those `itv delegate` passes to revoke.
  declineInherited(listDelegations, ['--as', '--reason']);

  program
    .command('token')
    .description(
      'issue a bearer token for `itv serve` to a principal, beside the tokens it already holds (one per CI job, say); list or revoke them',
    )
    .argument('<principal>', 'principal id or e-mail from the catalog')
    .option('--days <n>', 'days the token is good for, 1 to 366 (default 30)')
    .option('--label <name>', 'a name for the token being issued (a CI job, say), shown by --list')
    .option(
      '--revoke',
      "remove all the principal's tokens (or the one --id names): itv serve refuses them from then on",
    )
    .option('--id <id>', 'with --revoke: the token to revoke, as issuing it or --list printed its id')
    .option(
      '--list',
      "list the principal's tokens: id, label, when issued and when it expires (never the token)",
    )
    .option('--json', 'print the token issued with its id and expiry (or those revoked, or the list) as JSON')
    .action(async (principal, options) =>
      exit(await (await import('./commands/token.js')).tokenCommand(principal, options)),
    );

  program
    .command('stop')
    .description('stop an intent in flight: withdrawn before release, rolled back or held once releasing')
    .argument('[id]', 'intent id', intentId)
    .option('--reason <text>', 'why (required; recorded on the ledger)')
    .option(
      '--as <principal>',
      `you, its requester, an owner of its service or a release steward (default: $${principalVariable})`,
    )
    .option('--json', 'print the final status as JSON')
    .addOption(timeoutOption('wait'))
    .action(async (id, options) =>
      exit(await (await import('./commands/intent-control.js')).stopIntentCommand(id, options)),
    );

  program
    .command('retry')
    .description(
      'run an intent that failed, was stopped, rolled back or failed verification again, as its next attempt',
    )
    .argument('<id>', 'intent id', intentId)
    .option(
      '--as <principal>',
      `you, its requester, an owner of its service or a release steward (default: $${principalVariable})`,
    )
    .option('--json', 'print the final status as JSON')
    .addOption(timeoutOption('wait'))
    .action(async (id, options) =>
      exit(await (await import('./commands/intent-control.js')).retryIntentCommand(id, options)),
    );

  program
    .command('check')
    .description('report CI check results to an intent that names the check')
    .command('report')
    .description(
      'record the result of a check the intent names (constraints.checks), as you: Verify counts a result reported before it runs',
    )
    .argument('<id>', 'intent id', intentId)
    .argument('<name>', 'the check, as the intent names it')
    .option('--status <status>', 'passed or failed (required)')
    .option('--detail <text>', 'what the run found (at most 2,000 characters; scanned for secrets)')
    .option('--url <url>', 'a link to the CI run (http or https)')
    .option(
      '--as <principal>',
      `you: its requester, an owner of its service or a delegate over it (default: $${principalVariable})`,
    )
    .option('--json', 'print the recorded result as JSON')
    .action(async (id, name, options) =>
      exit(await (await import('./commands/check.js')).reportCheckCommand(id, name, options)),
    );

  program
    .command('watch')
    .description(
      "follow an intent's stages and rollout live until it concludes; exits with its outcome's code",
    )
    .argument('<id>', 'intent id', intentId)
    .option('--json', 'print the final status as JSON')
    .addOption(timeoutOption('wait'))
    .action(async (id, options) =>
      exit(await (await import('./commands/watch.js')).watchCommand(id, options)),
    );

  const controlPlane = program
    .command('control-plane')
    .description("this ITV_HOME's local control plane (commands start it on demand; it stops when idle)")
    .option(
      '--idle <seconds>',
      'stop after this long with nothing to do (default: $ITV_IDLE_SECONDS, else 60)',
    )
    .action(async (options) =>
      exit(await (await import('./commands/control-plane.js')).controlPlaneCommand(options)),
    );
  controlPlane
    .command('stop')
    .description("stop this ITV_HOME's control plane now")
    .option('--json', 'print the outcome as JSON')
    .action(async (options) =>
      exit(await (await import('./commands/control-plane.js')).stopCommand(options)),
    );

  program
    .command('serve')
    .description('the API Gateway routes over local HTTP on 127.0.0.1, answered by the same handler code')
    .option('--port <n>', 'port (0 picks a free one)', '8787')
    .option('--json', 'print the address as one JSON line')
    .action(async (options) => exit(await (await import('./commands/serve.js')).serveCommand(options)));

  program
    .command('console')
    .description('the web console on 127.0.0.1 for the current target, acting as you')
    .option('--port <n>', 'port (0, the default, picks a free one)')
    .option('--as <principal>', 'who you act as on the local stack (default ITV_PRINCIPAL)')
    .option('--json', 'print the link as one JSON line')
    .action(async (options) => exit(await (await import('./commands/console.js')).consoleCommand(options)));

  const value = program.command('value').description('value per hour, time to value and cost of delay');
  value
    .command('report')
    .description('aggregate $/hour, time to value, cost of delay and DORA figures over any dimensions')
    .option(
      '--by <dims>',
      "comma-separated dimensions: service, kind, team (the change's authority.team), tier, outcome, concludedMonth …, or any tag the changes carry (region, businessUnit …; tag:NAME for one named like a dimension)",
      'service',
    )
    .option('--since <instant>', 'only intents concluded at or after this ISO-8601 date or instant')
    .option('--until <instant>', 'only intents concluded before this ISO-8601 date or instant')
    .option('--curve-by <dims>', 'dimensions of the compounding curve (default service,kind)')
    .option('--json', 'print as JSON (with DORA per day or week and the compounding curves)')
    .option(
      '--html <file>',
      'also write the value view, charts included, as one self-contained HTML file',
      nonEmptyPath('--html', 'file'),
    )
    .action(async (options) => exit(await (await import('./commands/value.js')).valueReportCommand(options)));

  const context = program
    .command('context')
    .description(
      'the stacks itv talks to: local (the default) or deployed ones, signed with your AWS credentials',
    );
  context
    .command('add')
    .description("add a deployed stack: by its CloudFormation stack's outputs, or by its API's URL")
    .argument('<name>', 'a name for it, e.g. prod')
    .option('--stack <name>', 'the CloudFormation stack, read with your AWS credentials (e.g. Itv)')
    .option('--endpoint <url>', "the API's URL, stage included, instead of --stack")
    .option('--region <region>', 'its region (default: $AWS_REGION)')
    .option('--profile <profile>', 'sign with this profile of your AWS config (default: the standard chain)')
    .option('--evidence-bucket <bucket>', 'the evidence bucket (read from the stack with --stack)')
    .option('--use', 'use it from now on')
    .option('--json', 'print the context as JSON')
    .action(async (name, options) =>
      exit(await (await import('./commands/context.js')).contextAddCommand(name, options)),
    );
  context
    .command('list')
    .description('the contexts, the one in use starred')
    .option('--json', 'print as JSON')
    .action(async (options) =>
      exit(await (await import('./commands/context.js')).contextListCommand(options)),
    );
  context
    .command('use')
    .description('talk to this stack from now on (local: the embedded one)')
    .argument('<name>', 'a context name, or local')
    .option('--json', 'print as JSON')
    .action(async (name, options) =>
      exit(await (await import('./commands/context.js')).contextUseCommand(name, options)),
    );
  context
    .command('remove')
    .description('forget a context')
    .argument('<name>', 'a context name')
    .option('--json', 'print as JSON')
    .action(async (name, options) =>
      exit(await (await import('./commands/context.js')).contextRemoveCommand(name, options)),
    );

  program
    .command('completion')
    .description('print a shell completion script: eval "$(itv completion bash)"')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action(async (shell: 'bash' | 'zsh') => {
      console.log((await import('./completion.js')).completionScript(program, shell));
    });

  declineContextOnLocalCommands(program);
  return program;
}

/**
 * Commands that work on the local home alone (`ITV_HOME`): the demo, tokens for `itv serve`, the control plane,
 * `itv serve` itself, the contexts' own bookkeeping and shell completion. `--context` is no option of theirs (given,
 * it is refused, and their help leaves it out), and `ITV_CONTEXT` naming a deployed stack is refused rather than
 * ignored, so that nobody serves, or issues a token for, the local home believing it is the stack they named.
 */
const localOnlyCommands = new Set(['demo', 'token', 'control-plane', 'serve', 'context', 'completion']);

function declineContextOnLocalCommands(program: Command): void {
  const decline = (command: Command) => {
    declineInherited(command, ['--context']);
    for (const sub of command.commands) decline(sub);
  };
  for (const command of program.commands) if (localOnlyCommands.has(command.name())) decline(command);
  program.hook('preAction', async (_program, command) => {
    let top = command;
    while (top.parent && top.parent !== program) top = top.parent;
    const named = process.env.ITV_CONTEXT;
    if (!localOnlyCommands.has(top.name()) || top.name() === 'context' || !named || named === 'local') return;
    const { InvalidInputError } = await import('../lambdas/core/errors.js');
    throw new InvalidInputError(`${commandWords(command)} works on the local home only`, [
      {
        path: 'ITV_CONTEXT',
        message: `names ${JSON.stringify(named)}, a deployed stack, but ${commandWords(command)} works on the local home (ITV_HOME) alone: unset ITV_CONTEXT to run it there`,
      },
    ]);
  });
}

/** The version in itv's package.json, read when the command line is built (a fraction of a millisecond). */
function itvVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function exit(code: number): void {
  process.exitCode = code;
}

export async function main(argv: string[]): Promise<void> {
  /** Loaded under --json only: how an error is printed there. */
  let jsonProblems: typeof import('./json-errors.js') | undefined;
  // `itv … | head` closes the pipe early; that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    // Output sent to a file on a full device: said as every other full device is, then the command ends.
    const reason = noSpaceReason(error);
    if (reason === undefined) throw error;
    const what = `cannot write the standard output: ${reason}`;
    const advice = 'free some space on the device it goes to, then run the command again';
    if (jsonProblems)
      jsonProblems.printProblem(jsonProblems.problemOf(`${error.code}Error`, `${what}; ${advice}`));
    else console.error(`itv: ${what}\n  ${advice}`);
    process.exit(1);
  });
  // Under --json an error is one JSON object on stderr (`json-errors.ts`), whichever command printed it.
  if (argv.includes('--json')) {
    usageErrorsAsJson = true;
    jsonProblems = await import('./json-errors.js');
    jsonProblems.printErrorsAsJson(true);
  }
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    // Loaded only on failure: `--help` and `--version` stay clear of the domain's modules.
    const { InvalidInputError, ItvError, issueText } = await import('../lambdas/core/errors.js');
    // A message may quote what was typed or read (a context's name, a path): written out, never obeyed.
    const { terminalLines, terminalText } = await import('./format.js');
    const { jsonErrors, printProblem, problemOf } = await import('./json-errors.js');
    const full = isSystemError(error) ? await noRoom(error) : undefined;
    if (full && jsonErrors()) {
      printProblem(
        problemOf(`${(error as NodeJS.ErrnoException).code}Error`, `${full.what}; ${full.advice}`),
      );
    } else if (jsonErrors()) {
      printProblem(problemAsJson(error, problemOf));
    } else if (full) {
      console.error(`itv: ${terminalText(full.what)}`);
      console.error(`  ${terminalText(full.advice)}`);
    } else if (error instanceof InvalidInputError) {
      console.error(`itv: ${terminalLines(error.message)}`);
      for (const issue of error.issues) console.error(`  ${terminalText(issueText(issue))}`);
    } else if (error instanceof ItvError) {
      console.error(`itv: ${error.name}: ${terminalLines(error.message)}`);
    } else if (isSystemError(error)) {
      // The machine refused what was asked (a folder that is not there, a port in use): Node's own words say
      // which file or address and why, and a stack trace would say nothing more to the person who typed it.
      console.error(`itv: ${terminalText(error.message)}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  }
}

/**
 * A write the device had no room for (ENOSPC, EDQUOT), said as what could not be written, why, and what to do:
 * Node's words name no file when the write went through an open file, and say nothing of what to do. A write
 * naming no file was one under ITV_HOME, where every write of the CLI goes but those naming their own.
 */
async function noRoom(error: NodeJS.ErrnoException): Promise<{ what: string; advice: string } | undefined> {
  const reason = noSpaceReason(error);
  if (reason === undefined) return undefined;
  const { itvHome } = await import('../lambdas/wiring/local/itv-home.js');
  let home: string | undefined;
  try {
    home = itvHome();
  } catch {
    // A home that cannot be a folder is not where anything was written.
  }
  const path = typeof error.path === 'string' ? resolve(error.path) : undefined;
  const underHome =
    home !== undefined && (path === undefined || path === home || path.startsWith(home + sep));
  const target = path ?? (home === undefined ? undefined : `under ITV_HOME (${home})`);
  const what = target === undefined ? `cannot write: ${reason}` : `cannot write ${target}: ${reason}`;
  const advice = underHome
    ? `free some space on the device that holds ITV_HOME (${home}), or set ITV_HOME to a folder on another device, then run the command again`
    : 'free some space on that device, then run the command again';
  return { what, advice };
}

/** Any error the command raised, as the problem object `--json` prints (`json-errors.ts`). */
function problemAsJson(
  error: unknown,
  problemOf: typeof import('./json-errors.js').problemOf,
): Record<string, unknown> {
  if (!(error instanceof Error)) return problemOf('Error', String(error));
  const { issues, field } = error as { issues?: unknown; field?: unknown };
  const name = isSystemError(error) ? `${error.code}Error` : error.name;
  return problemOf(name, error.message, {
    ...(Array.isArray(issues) ? { issues } : {}),
    ...(typeof field === 'string' ? { field } : {}),
  });
}

/** An error a system call raised (`ENOENT`, `EADDRINUSE`, …): its message names the call, the path or address. */
function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  const candidate = error as NodeJS.ErrnoException | undefined;
  return (
    candidate instanceof Error &&
    typeof candidate.code === 'string' &&
    /^E[A-Z]+$/.test(candidate.code) &&
    typeof candidate.syscall === 'string'
  );
}
