import { ItvError, issueText } from '../../lambdas/core/errors.js';
import { terminalText } from '../format.js';
import { jsonErrors, printProblem, problemOf } from '../json-errors.js';
import type { ApiAnswer } from './client.js';

interface ErrorBody {
  error?: string;
  message?: string;
  issues?: Array<{ path: string; message: string }>;
}

/**
 * The flags a command sent as API fields, by field (`{ expiresAt: '--until', services: '--service' }`): an error
 * the API answers then names the flag the user typed, not the field it became.
 */
export type FlagsByField = Readonly<Record<string, string>>;

/** Flags named as their fields are, camelCase as kebab-case: `['curveBy']` is `{ curveBy: '--curve-by' }`. */
export function sameNamedFlags(fields: readonly string[]): FlagsByField {
  return Object.fromEntries(
    fields.map((field) => [field, `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`]),
  );
}

/**
 * Prints an API error answer as the CLI prints its own errors, one line per field, each field the command sent
 * named by its flag (`flags`); returns exit code 1.
 */
export function printApiError(answer: ApiAnswer<unknown>, flags: FlagsByField = {}): number {
  if (jsonErrors()) {
    // The API's problem object as it answered it (with its status), or one made of the status alone.
    const given = answer.body;
    const isObject = typeof given === 'object' && given !== null && !Array.isArray(given);
    printProblem(
      isObject && 'type' in given
        ? { status: answer.status, ...given }
        : { ...problemOf(`HTTP${answer.status}`, `HTTP ${answer.status}`), status: answer.status },
    );
    return 1;
  }
  const body = answer.body as ErrorBody;
  const message = body.message === undefined ? '' : inFlags(body.message, flags);
  // The API quotes back what was sent (`names no check: hipaa…`): its control characters are written out.
  console.error(terminalText(`itv: ${body.error ?? `HTTP ${answer.status}`}: ${message}`.trimEnd()));
  // An issue that only names where the message's subject was (a 404's `path.id`) says nothing more.
  for (const issue of (body.issues ?? []).filter((issue) => issue.message !== body.message)) {
    console.error(
      `  ${terminalText(issueText({ path: flagOf(issue.path, flags), message: inFlags(withoutField(issue), flags) }))}`,
    );
  }
  return 1;
}

/**
 * An answer a command cannot go on from, to a request it sent on its own (not the one the user asked for, whose
 * refusal `printApiError` prints): the request, the status and the API's own words, never a read of a body that
 * is not there.
 */
export class ApiAnswerError extends ItvError {
  constructor(
    method: string,
    path: string,
    readonly answer: ApiAnswer<unknown>,
  ) {
    const body = (answer.body ?? {}) as ErrorBody;
    const said = [body.error, body.message].filter((part) => part !== undefined).join(': ');
    super(terminalText(`${method} ${path} answered ${answer.status}${said ? ` ${said}` : ''}`));
  }
}

/**
 * The routes an API message advises (`stop it first (POST /intents/ID/stop)`), as the commands that send them:
 * the API's words are for any client, and a person at the CLI types commands, not requests.
 */
const commandsForRoutes: ReadonlyArray<[RegExp, string]> = [
  [/\bPOST \/intents\/([^\s/()]+)\/stop\b/g, 'itv stop $1 --reason …'],
  [/\bPOST \/intents\/([^\s/()]+)\/retry\b/g, 'itv retry $1'],
  [/\bDELETE \/delegations\/([^\s/()?]+)/g, 'itv delegate revoke $1 --reason …'],
];

/**
 * The request's path parameters as the arguments a command takes them from (its usage line's `ID`, `NAME`), and
 * what the API says of them in words of the request: a person typed an argument, not a path.
 */
const argumentsForPathParameters: Readonly<Record<string, string>> = { 'path.id': 'ID', 'path.name': 'NAME' };
const argumentsForPathWords: ReadonlyArray<[RegExp, string]> = [
  [/^the path names an intent id no intent can have/, 'the ID argument is an intent id no intent can have'],
];

/**
 * An issue's message without the field it opens with (`detail: holds …`): shown under its flag, the field named
 * again would read `--detail: detail: holds …`. A message of a field no flag sent keeps it (issueText folds it).
 */
function withoutField(issue: { path: string; message: string }): string {
  const { path, message } = issue;
  if (path === '') return message;
  if (message.startsWith(`${path}: `)) return message.slice(path.length + 2);
  if (message.startsWith(`${path} `)) return message.slice(path.length + 1);
  return message;
}

/**
 * `services[1]` as `--service`, `expiresAt` as `--until`, `path.id` as `ID`; a path whose first field no flag sent
 * stays as it is.
 */
function flagOf(path: string, flags: FlagsByField): string {
  if (Object.hasOwn(argumentsForPathParameters, path)) return argumentsForPathParameters[path]!;
  // A query parameter the command sent is named by its flag as a body field is (`query.limit` is `--limit`).
  const field = /^(?:query\.)?([^.[]*)/.exec(path)?.[1] ?? path;
  return Object.hasOwn(flags, field) ? flags[field]! : path;
}

/**
 * A field a message names (`grant one with another expiresAt`) as its flag, and a route it advises as its
 * command. Only camelCase names are replaced: no sentence holds them as words, where `reason` or `services` may
 * be the message's own.
 */
function inFlags(text: string, flags: FlagsByField): string {
  let named = text;
  for (const [words, said] of argumentsForPathWords) named = named.replace(words, said);
  for (const [route, command] of commandsForRoutes) named = named.replace(route, command);
  for (const [field, flag] of Object.entries(flags)) {
    if (/^[a-z]+[A-Z]\w*$/.test(field)) named = named.replace(new RegExp(`\\b${field}\\b`, 'g'), flag);
  }
  return named;
}
