import type { MiddlewareObj } from '@middy/core';
import { ZodError } from 'zod';
import { InvalidInputError } from '../core/errors.js';

/** Turns schema failures into `InvalidInputError` naming each field and reason, so callers and Catch see one name. */
export function invalidInputMiddleware(where: string): MiddlewareObj {
  return {
    onError: async (request) => {
      const zodError = findZodError(request.error);
      if (!zodError) return;
      const issues = zodError.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(root)',
        message: issue.message,
      }));
      request.error = new InvalidInputError(
        `${where}: invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    },
  };
}

function findZodError(error: unknown): ZodError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof ZodError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
