import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { maxRequestBodyBytes } from '../../lambdas/api/conventions.js';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import { jsonTextIssues, utf8Text } from '../../lambdas/core/intake/json-text.js';
import { intentLimits, payloadLimits } from '../../lambdas/core/intake/limits.js';

/**
 * A file's text; a file that cannot be read is reported with its name and the reason, under the option that named
 * it (`--public-key`), or under its name.
 */
export function readTextFile(file: string, option?: string): string {
  return readBytesFile(file, option).toString('utf8');
}

/**
 * A file's bytes, reported as `readTextFile` reports a file it cannot read. With `maxBytes`, no more than one byte
 * past it is read (a device such as /dev/zero never ends, and a pipe may be as long as its writer likes) and a
 * longer file is refused, naming the limit.
 */
export function readBytesFile(file: string, option?: string, limit?: ReadLimit): Buffer {
  try {
    if (limit === undefined) return readFileSync(file);
    return readAtMost(file, option ?? file, limit);
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw unreadable(file, error, { path: option ?? file, message: whyUnreadable(file, error) });
  }
}

/** The most a file may hold, and what holds it: said when a longer file is refused. */
export interface ReadLimit {
  bytes: number;
  what: string;
}

/**
 * An intent or payload file, sent whole as a request body. The API refuses a body past 1 MiB (a payload's past
 * 2 MB), and its answer says what to do (send the payload by reference, or that it could never be released), so
 * a file somewhat past those limits is still read and sent. One 8 times past is not: nothing is learnt from it,
 * and a device such as /dev/zero, or a pipe, would be read until memory runs out.
 */
export const bodyFileLimit: ReadLimit = {
  bytes: 8 * Math.max(maxRequestBodyBytes, payloadLimits.bytes),
  what: `itv reads of an intent or payload file: an intent holds at most ${intentLimits.bytes} bytes (a request body ${maxRequestBodyBytes}), a payload by reference ${payloadLimits.bytes}`,
};

function readAtMost(file: string, path: string, limit: ReadLimit): Buffer {
  const maxBytes = limit.bytes;
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) return buffer.subarray(0, length);
      length += read;
      if (length > maxBytes) {
        throw new InvalidInputError(`${file} is too large`, [
          {
            path,
            message: `holds more than ${maxBytes} bytes, the most ${limit.what}`,
          },
        ]);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Why a file could not be read, in words: the common system reasons named, any other as the system's code. */
function whyUnreadable(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${file} does not exist`;
  if (code === 'EISDIR') return `${file} is a folder, not a file`;
  if (code === 'EACCES') return `${file} cannot be read (permission denied)`;
  return 'file not readable';
}

/** The refusal of a file or folder that cannot be read: its name and the system's reason (`ENOENT`, `EACCES`). */
export function unreadable(
  path: string,
  error: unknown,
  issue: { path: string; message: string },
): InvalidInputError {
  return new InvalidInputError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, [
    issue,
  ]);
}

/** Reads an intent file as JSON; a missing file or bad JSON is reported with the file name and reason. */
export function readIntentFile(file: string): unknown {
  // As the API reads a body: bytes that are not UTF-8 are refused, never read with U+FFFD in their place.
  const text = utf8Text(readBytesFile(file, undefined, bodyFileLimit), file, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file} is not valid JSON: ${(error as Error).message}`, [
      { path: file, message: 'invalid JSON' },
    ]);
  }
  // Sent on as parsed, a key given twice or an integer past 2^53 would reach the door as other than the file says.
  const ambiguous = jsonTextIssues(text);
  if (ambiguous.length > 0) throw new InvalidInputError(`${file} is ambiguous JSON`, ambiguous);
  // JSON.stringify would send 1e999 on as null, and the door would then name the wrong fault.
  const infinite = nonFinitePaths(parsed);
  if (infinite.length > 0) {
    throw new InvalidInputError(
      `${file} holds numbers beyond ±1.8e308`,
      infinite.map(({ path, value }) => ({
        path,
        message: `must be a finite number, not ${value} (JSON numbers beyond ±1.8e308 are refused)`,
      })),
    );
  }
  return parsed;
}

/**
 * Where a parsed document holds ±Infinity (a JSON number too large for a double), as dotted paths. It looks no
 * deeper than the door allows an intent to nest (and a little more): the door refuses what is deeper.
 */
function nonFinitePaths(value: unknown, path = '', depth = 0): Array<{ path: string; value: number }> {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [{ path: path || '(root)', value }];
  if (value === null || typeof value !== 'object' || depth > 64) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    nonFinitePaths(item, path ? `${path}.${key}` : key, depth + 1),
  );
}
