import type { MiddlewareObj } from '@middy/core';
import { ZodError } from 'zod';
import { InvalidInputError } from '../core/errors.js';

type Issue = { path: string; message: string };

/**
 * Turns schema failures (a ZodError from an output check, or the Powertools parser's ParseError whose
 * cause holds Standard Schema issues) into one `InvalidInputError` naming each field and reason, so callers
 * and the state machine's Catch see one name.
 */
export function invalidInputMiddleware(where: string): MiddlewareObj {
  return {
    onError: async (request) => {
      const issues = schemaIssues(request.error);
      if (!issues) return;
      request.error = new InvalidInputError(
        `${where}: invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    },
  };
}

function schemaIssues(error: unknown): Issue[] | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof ZodError) return current.issues.map((i) => toIssue(i.path, i.message));
    if (Array.isArray(current) && current.every(isStandardIssue)) {
      return current.map((i) => toIssue(i.path ?? [], i.message));
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

interface StandardIssue {
  message: string;
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
}

function isStandardIssue(value: unknown): value is StandardIssue {
  return typeof (value as StandardIssue | null)?.message === 'string';
}

function toIssue(path: ReadonlyArray<PropertyKey | { key: PropertyKey }>, message: string): Issue {
  const parts = path.map((part) => String(typeof part === 'object' && part !== null ? part.key : part));
  return { path: parts.join('.') || '(root)', message };
}
