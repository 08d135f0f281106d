import { problemType } from '../lambdas/api/problem.js';
import { terminalText } from './format.js';

/**
 * Errors under `--json`: one JSON object on stderr (stdout stays the result alone, empty on an error), in the shape
 * `itv serve` answers errors in (RFC 9457 problem details): `type`, `title`, `status` (an answer of the API only),
 * `detail`, with `error` (the stable error name), `message` (= `detail`), `issues` (each field and why) and `field`
 * where there are such. The exit codes are those of the text output.
 */
let asJson = false;

/** Whether errors are printed as JSON: the command line asked for `--json`. */
export function jsonErrors(): boolean {
  return asJson;
}

export function printErrorsAsJson(on: boolean): void {
  asJson = on;
}

/** System errors whose names read as nothing in words (`ENOSPCError` would be "Enospc"). */
const systemTitles: Readonly<Record<string, string>> = {
  ENOSPCError: 'No space left on the device',
  EDQUOTError: 'Disk quota used up',
};

/** `InvalidInputError` as `Invalid input`: the error's name in words, as a problem's title for an error of the CLI itself. */
function titleOf(error: string): string {
  const system = systemTitles[error];
  if (system !== undefined) return system;
  const words = problemType(error)
    .replace(/^urn:itv:problem:/, '')
    .replace(/-error$/, '')
    .replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** An error the CLI raised itself (no HTTP answer), as a problem object. */
export function problemOf(
  error: string,
  message: string,
  extra: { issues?: ReadonlyArray<{ path: string; message: string }>; field?: string } = {},
): Record<string, unknown> {
  return {
    type: problemType(error),
    title: titleOf(error),
    detail: message,
    error,
    message,
    ...(extra.issues && extra.issues.length > 0 ? { issues: extra.issues } : {}),
    ...(extra.field === undefined ? {} : { field: extra.field }),
  };
}

/** Prints a problem object as one line of JSON on stderr. */
export function printProblem(problem: Record<string, unknown>): void {
  console.error(JSON.stringify(problem));
}

/**
 * An error a command reports itself (no exception, no API answer to print): `itv: message` on stderr, or under
 * `--json` the problem object of `error` (its stable name) and `message`.
 */
export function printCliError(error: string, message: string): void {
  if (asJson) printProblem(problemOf(error, message));
  else console.error(`itv: ${message}`);
}

/**
 * An intent the API answered 404 for (`where`: the ledger asked): `itv: no intent ID on WHERE`, or under `--json`
 * the problem the API answers, with its `status` (404) and the `issues` naming `path.id`.
 */
export function printIntentNotFound(id: string, where: string): void {
  const message = `no intent ${id} on ${where}`;
  if (asJson) {
    printProblem({
      ...problemOf('NotFound', message, { issues: [{ path: 'path.id', message }] }),
      status: 404,
    });
  } else console.error(terminalText(`itv: ${message}`));
}
