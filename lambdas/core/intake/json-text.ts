import { InvalidInputError } from '../errors.js';
import { type DoorIssue, pathOf } from './door-issue.js';

/*
 * What JSON.parse passes over in silence and the door must not: text that is not UTF-8 (read with U+FFFD in place
 * of the bytes), a key given twice in one object (the last wins, so a reader of the file may see another value
 * than the one recorded), and an integer beyond 2^53 − 1 (parsed as the nearest double: 9007199254740993 becomes
 * …992, then signed, recorded and released so). Each is refused naming where it is.
 */

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** `bytes` as UTF-8 text, or `InvalidInputError` naming `path` and the offset of the first byte that is not. */
export function utf8Text(bytes: Uint8Array, path: string, what: string): string {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    // The lenient decoding re-encodes to the same bytes up to the first that is not UTF-8.
    const lenient = new TextEncoder().encode(new TextDecoder('utf-8').decode(bytes));
    let at = 0;
    while (at < bytes.length && bytes[at] === lenient[at]) at += 1;
    throw new InvalidInputError(`${what} is not UTF-8 text`, [
      { path, message: `must be UTF-8 text: byte ${at} is not` },
    ]);
  }
}

const MAX_ISSUES = 20;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
/**
 * The index just past the string token opening at `start` (its closing quote: the first not escaped by an odd run
 * of backslashes), or the text's end. A scan rather than a pattern: a backtracking pattern over a string of
 * millions of characters overflows the stack.
 */
function stringEnd(text: string, start: number): number {
  for (let from = start + 1; ; ) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    let slashes = 0;
    while (text[quote - 1 - slashes] === '\\') slashes += 1;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}
const SPACE = /[ \t\n\r]*/y;

interface Frame {
  kind: 'object' | 'array';
  segments: Array<string | number>;
  keys: Set<string>;
  index: number;
  /** The key whose value comes next (objects). */
  key?: string;
}

/**
 * The keys given twice in one object and the integers beyond ±(2^53 − 1) of `text`, which JSON.parse has already
 * accepted (so the scan can trust its grammar), each named by its dotted path as the door names fields
 * (`change.payload.items.2`); at most 20. `at` prefixes every path (`change.payload` for a payload by reference).
 */
export function jsonTextIssues(text: string, at: ReadonlyArray<string | number> = []): DoorIssue[] {
  const issues: DoorIssue[] = [];
  const stack: Frame[] = [];
  let position = 0;
  const skip = () => {
    SPACE.lastIndex = position;
    SPACE.exec(text);
    position = SPACE.lastIndex;
  };
  /** The path of the value about to be read, in the innermost container. */
  const here = (): Array<string | number> => {
    const frame = stack.at(-1);
    if (frame === undefined) return [...at];
    return [...frame.segments, frame.kind === 'array' ? frame.index : (frame.key ?? '')];
  };
  const afterValue = () => {
    const frame = stack.at(-1);
    if (frame?.kind === 'array') frame.index += 1;
  };
  while (position < text.length && issues.length < MAX_ISSUES) {
    skip();
    const char = text[position];
    if (char === undefined) break;
    const frame = stack.at(-1);
    if (char === '{' || char === '[') {
      stack.push({ kind: char === '{' ? 'object' : 'array', segments: here(), keys: new Set(), index: 0 });
      position += 1;
    } else if (char === '}' || char === ']') {
      stack.pop();
      position += 1;
      afterValue();
    } else if (char === ',' || char === ':') {
      position += 1;
    } else if (char === '"') {
      const end = stringEnd(text, position);
      const token = text.slice(position, end);
      position = end;
      skip();
      if (frame?.kind === 'object' && text[position] === ':') {
        const key = JSON.parse(token) as string;
        if (frame.keys.has(key)) {
          issues.push({
            path: pathOf([...frame.segments, key]) || key,
            message:
              'is given twice in one object: a JSON reader keeps one of the two (this one, the last), so whoever reads the file may see another value than the one recorded; give it once',
          });
        }
        frame.keys.add(key);
        frame.key = key;
      } else afterValue();
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      NUMBER.lastIndex = position;
      const match = NUMBER.exec(text);
      const token = match?.[0] ?? char;
      position += token.length;
      if (match && match[1] === undefined && match[2] === undefined && !Number.isSafeInteger(Number(token))) {
        issues.push({
          path: pathOf(here()) || '(root)',
          message: `is ${token}, beyond ±9007199254740991 (2^53 − 1), the integers a JSON number keeps exactly: it would be recorded and released as ${Number(token)}; send a smaller number, or the digits as a string`,
        });
      }
      afterValue();
    } else {
      // true, false, null
      position += text.startsWith('true', position) ? 4 : text.startsWith('false', position) ? 5 : 4;
      afterValue();
    }
  }
  return issues;
}
