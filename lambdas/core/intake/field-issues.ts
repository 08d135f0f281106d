import type * as z from 'zod';
import type { DoorIssue } from './door-issue.js';

/** The value at a zod issue's path in what was sent, to name the actual size or number beside the limit. */
function valueAt(raw: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Object.hasOwn(value, segment) ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return value;
}

function dotted(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}

function actualOf(value: unknown): string {
  if (typeof value === 'string') return `${value.length} characters`;
  if (Array.isArray(value)) return `${value.length} items`;
  return String(value);
}

/** A size or range limit in words, with the actual value: `at most 200 characters, got 10485760 characters`. */
function limitMessage(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, actual: unknown): string {
  const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
  const strict = issue.inclusive === false;
  const word =
    issue.code === 'too_big' ? (strict ? 'less than' : 'at most') : strict ? 'more than' : 'at least';
  const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
  // A message the schema chose itself (e.g. years' one day) says more than the bound alone, which is then shown
  // to three significant digits (1/365 as 0.00274, not 0.0027397260273972603).
  if (!issue.message.startsWith('Too ')) {
    return `must be ${word} ${issue.message} (${Number(Number(bound).toPrecision(3))}${unit}), got ${actualOf(actual)}`;
  }
  return `must be ${word} ${String(bound)}${unit}, got ${actualOf(actual)}`;
}

const kindWords: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
  record: 'an object',
  int: 'an integer',
};

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}

/** What the object at `path` of an intent is, in words: `constraints`, `test result`, `delegation`. */
const nestedNouns: ReadonlyArray<[RegExp, string]> = [
  [/^testResults\.\d+$/, 'test result'],
  [/^authority\.delegations\.\d+$/, 'delegation'],
  [/^change\.payloadRef$/, 'payload reference'],
  [/^simulation\.fault$/, 'simulation fault'],
];

/** Whose field an unknown key is not: the intent itself, or the object it sits in (`an itv/v1 intent's goal`). */
function ownerOf(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return 'an itv/v1 intent';
  const at = dotted(path);
  const noun = nestedNouns.find(([pattern]) => pattern.test(at))?.[1] ?? at;
  return `an itv/v1 intent's ${noun}`;
}

/**
 * zod's issues as the door reports them: dotted paths, each unknown key on its own (named by its full path,
 * wherever it is in the intent), a missing field as "is required", a value of the wrong kind with the kind it
 * must be and the kind it is, and every size or range limit with the actual value beside it. `at`: where in the
 * intent the parsed value `raw` sits, for a part parsed on its own (`change.payloadRef`).
 */
export function fieldIssues(
  error: z.ZodError,
  raw: unknown,
  at: ReadonlyArray<PropertyKey> = [],
): DoorIssue[] {
  return error.issues.flatMap((issue): DoorIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = dotted([...at, ...issue.path, key]);
        return { path, message: `${path} is not a field of ${ownerOf([...at, ...issue.path])}` };
      });
    }
    const path = dotted([...at, ...issue.path]);
    const label = path || 'intent';
    if (issue.code === 'too_big' || issue.code === 'too_small') {
      return [{ path, message: `${label}: ${limitMessage(issue, valueAt(raw, issue.path))}` }];
    }
    if (issue.code === 'invalid_type') {
      const actual = valueAt(raw, issue.path);
      if (actual === undefined) return [{ path, message: `${label}: is required` }];
      // zod's own wording ("Invalid input: expected number, received string") said as the door says the rest.
      if (issue.message.startsWith('Invalid input: expected ')) {
        return [
          {
            path,
            message: `${label}: must be ${kindWords[issue.expected] ?? issue.expected}, got ${kindOf(actual)}`,
          },
        ];
      }
    }
    // zod's defaults for a literal and a date-time ("Invalid input: expected \"itv/v1\"", "Invalid ISO datetime"),
    // said with what was sent, as the rest are.
    if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid input: expected ')) {
      const actual = valueAt(raw, issue.path);
      if (actual === undefined) return [{ path, message: `${label}: is required` }];
      const allowed = issue.values.map((value) => JSON.stringify(value)).join(' or ');
      return [{ path, message: `${label}: must be ${allowed}, got ${shown(actual)}` }];
    }
    if (
      issue.code === 'invalid_format' &&
      issue.format === 'datetime' &&
      issue.message === 'Invalid ISO datetime'
    ) {
      return [
        {
          path,
          message: `${label}: must be an ISO-8601 instant with an offset (Z or ±hh:mm), such as 2026-11-04T15:00:00Z, got ${shown(valueAt(raw, issue.path))}`,
        },
      ];
    }
    return [{ path, message: `${label}: ${issue.message}` }];
  });
}

/** A value sent, as a message quotes it: a string in quotes (cut at 40 characters), anything else by its kind. */
function shown(value: unknown): string {
  if (typeof value !== 'string') return kindOf(value);
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
