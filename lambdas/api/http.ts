import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  AccessRefusedError,
  ExecutionCapacityError,
  ImpersonationError,
  InvalidInputError,
  NotFoundError,
} from '../core/errors.js';

export function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/**
 * An optional non-negative integer query parameter, at most `max`; `InvalidInputError` naming it otherwise.
 * API Gateway hands every query value over as text, and so does the local API.
 */
export function queryInteger(
  query: Record<string, string | undefined> | null | undefined,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const text = query?.[name];
  if (text === undefined) return undefined;
  const value = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
    throw new InvalidInputError(`query parameter ${name} is out of range`, [
      { path: name, message: `must be an integer from ${bounds.min} to ${bounds.max}, not "${text}"` },
    ]);
  }
  return value;
}

/** Parses a JSON request body; bad JSON is a 400 that says so, not a 500. */
export function parseBody(body: string | null | undefined, isBase64Encoded = false): unknown {
  const text = isBase64Encoded && body ? Buffer.from(body, 'base64').toString('utf8') : (body ?? '');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`request body is not valid JSON: ${(error as Error).message}`, [
      { path: 'body', message: 'invalid JSON' },
    ]);
  }
}

/**
 * Maps itv errors to HTTP responses: invalid input is the caller's to fix (400), what it names does not
 * exist (404), an authenticated caller who may not do this is refused (403), a runtime at its limit of executions asks the caller to come back
 * (429 with Retry-After), the rest is ours (500).
 */
export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof ExecutionCapacityError) {
    const response = json(429, { error: 'TooManyRequests', message: error.message });
    return { ...response, headers: { ...response.headers, 'retry-after': String(error.retryAfterSeconds) } };
  }
  if (error instanceof InvalidInputError) {
    return json(400, { error: error.name, message: error.message, issues: error.issues });
  }
  if (error instanceof NotFoundError) return json(404, { error: 'NotFound', message: error.message });
  if (error instanceof AccessRefusedError) {
    // A refused caller is an audit fact: the function log keeps who was refused and why.
    console.warn(JSON.stringify({ refused: error.name, message: error.message }));
    const field = error instanceof ImpersonationError ? { field: error.field } : {};
    return json(403, { error: error.name, message: error.message, ...field });
  }
  console.error(error);
  return json(500, { error: 'InternalError', message: 'the request failed; see the function logs' });
}
