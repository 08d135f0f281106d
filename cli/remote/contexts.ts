import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import { controlCharacterReason } from '../../lambdas/core/intake/control-characters.js';
import { writing } from '../no-space.js';

/**
 * Named targets for the CLI: `local` (the embedded stack under ITV_HOME, always there) or a deployed stack,
 * by its API's URL and region. Kept in `contexts.json` under the user's config folder ($ITV_CONFIG_DIR, else
 * $XDG_CONFIG_HOME/itv, else ~/.config/itv). Never a secret: requests are signed with the standard AWS
 * credential chain at the moment they are sent, and a context names at most the profile to take them from.
 */
export interface DeployedContext {
  /** The API's base URL, stage included: the stack's `ApiUrl` output. */
  endpoint: string;
  region: string;
  /** The CloudFormation stack it was read from, if any. */
  stack?: string;
  /** The evidence bucket (`EvidenceBucketName`), for `itv evidence pull --from-bucket`. */
  evidenceBucket?: string;
  /** A profile of the shared AWS config to sign with; the chain's default without it. */
  profile?: string;
}

export interface ContextFile {
  current: string;
  contexts: Record<string, DeployedContext>;
}

export const localContext = 'local';

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const keys: ReadonlyArray<keyof DeployedContext> = [
  'endpoint',
  'region',
  'stack',
  'evidenceBucket',
  'profile',
];

/** The fields a person types, by flag; the region is held to its own pattern. */
const textFlags: ReadonlyArray<[keyof DeployedContext, string]> = [
  ['endpoint', '--endpoint'],
  ['profile', '--profile'],
  ['stack', '--stack'],
  ['evidenceBucket', '--evidence-bucket'],
];

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ITV_CONFIG_DIR) return env.ITV_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'itv');
}

const contextsFile = (env: NodeJS.ProcessEnv) => join(configDir(env), 'contexts.json');

export function readContexts(env: NodeJS.ProcessEnv = process.env): ContextFile {
  let text: string;
  try {
    text = readFileSync(contextsFile(env), 'utf8');
  } catch {
    return { current: localContext, contexts: {} };
  }
  const file = contextsFile(env);
  const refused = (field: string, message: string) =>
    new InvalidInputError(`${file} cannot be read`, [
      { path: field === '' ? file : `${file}: ${field}`, message },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw refused('', `is not JSON: ${(error as Error).message}`);
  }
  // Edited by hand, perhaps: a shape that is not the file's is refused, never read as no contexts at all.
  if (!isRecord(parsed)) throw refused('', 'must be an object with "current" and "contexts"');
  const { current = localContext, contexts = {} } = parsed;
  if (typeof current !== 'string') throw refused('current', 'must be the name of a context');
  if (!isRecord(contexts)) throw refused('contexts', 'must be an object of contexts by name');
  for (const [name, context] of Object.entries(contexts)) {
    if (!isRecord(context)) throw refused(`contexts.${name}`, 'must be an object');
  }
  return { current, contexts: contexts as Record<string, DeployedContext> };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function writeContexts(file: ContextFile, env: NodeJS.ProcessEnv = process.env): void {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = `${contextsFile(env)}.${process.pid}.tmp`;
  // Only the fields a context has are written: nothing else, a secret least of all, reaches the file.
  const contexts = Object.fromEntries(
    Object.entries(file.contexts).map(([name, context]) => [
      name,
      Object.fromEntries(keys.filter((key) => context[key] !== undefined).map((key) => [key, context[key]])),
    ]),
  );
  writing(contextsFile(env), () =>
    writeFileSync(temporary, `${JSON.stringify({ current: file.current, contexts }, null, 2)}\n`, {
      mode: 0o600,
    }),
  );
  renameSync(temporary, contextsFile(env));
}

/** A context as given on the command line, checked before it is written. */
export function checkedContext(name: string, context: DeployedContext): DeployedContext {
  const issues: Array<{ path: string; message: string }> = [];
  if (!NAME.test(name) || name === localContext)
    issues.push({
      path: 'name',
      message: `must be lower-case letters, digits, '.', '_' or '-' (at most 63), and not "${localContext}"`,
    });
  // A context's fields are shown by `itv context list` and sent in requests: they may hold no control character.
  for (const [field, flag] of textFlags) {
    const reason = context[field] === undefined ? undefined : controlCharacterReason(context[field]);
    if (reason !== undefined) issues.push({ path: flag, message: reason });
  }
  let url: URL | undefined;
  try {
    if (controlCharacterReason(context.endpoint) === undefined) url = new URL(context.endpoint);
  } catch {
    issues.push({ path: '--endpoint', message: `is not a URL: ${context.endpoint}` });
  }
  if (url && url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    issues.push({ path: '--endpoint', message: 'must be https (plain http only on the loopback interface)' });
  if (url && (url.username || url.password || url.search))
    issues.push({ path: '--endpoint', message: 'must carry no credentials and no query' });
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(context.region))
    issues.push({ path: '--region', message: `is not an AWS region such as eu-west-1: ${context.region}` });
  if (issues.length > 0) throw new InvalidInputError(`context ${name} is not valid`, issues);
  return { ...context, endpoint: context.endpoint.replace(/\/+$/, '') };
}

/** The name the command line's `--context` gave, if it gave one. */
let byFlag: string | undefined;

/** Records `--context NAME` (undefined: none): it wins over ITV_CONTEXT, and a refusal names the flag. */
export function chooseContextByFlag(name: string | undefined): void {
  byFlag = name;
}

/**
 * The context a command runs against: `--context`, else ITV_CONTEXT, else the one `itv context use` chose,
 * else local. Undefined means local.
 */
export function currentContext(
  env: NodeJS.ProcessEnv = process.env,
): { name: string; context: DeployedContext } | undefined {
  const file = readContexts(env);
  const name = byFlag || env.ITV_CONTEXT || file.current;
  if (name === localContext) return undefined;
  const context = file.contexts[name];
  if (!context) {
    throw new InvalidInputError(`no context named ${name}`, [
      {
        path: byFlag ? '--context' : env.ITV_CONTEXT ? 'ITV_CONTEXT' : `${contextsFile(env)}: current`,
        message: `is not one of: ${[localContext, ...Object.keys(file.contexts)].join(', ')} (itv context list)`,
      },
    ]);
  }
  // The file may have been edited by hand: a context is held to what `itv context add` checks, every time.
  try {
    return { name, context: checkedContext(name, context) };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new InvalidInputError(
      `context ${name} in ${contextsFile(env)} is not valid; add it again with itv context add`,
      error.issues.map((issue) => ({
        path: `contexts.${name}.${textFlags.find(([, flag]) => flag === issue.path)?.[0] ?? issue.path.replace(/^--/, '')}`,
        message: issue.message,
      })),
    );
  }
}
