import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  AccessRefusedError,
  CheckReportConflictError,
  DelegationExistsError,
  DelegationRevokedError,
  EvidenceIntegrityError,
  ExecutionCapacityError,
  ImpersonationError,
  IntentIdConflictError,
  InvalidInputError,
  NotAServiceOwnerError,
  NotFoundError,
  UnauthenticatedError,
} from '../core/errors.js';
import { jsonTextIssues, utf8Text } from '../core/intake/json-text.js';
import { conflict, notFound, problem } from './problem.js';

export function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The answer with `headers` added to its own. */
export function withHeaders(
  result: APIGatewayProxyResult,
  headers: Record<string, string>,
): APIGatewayProxyResult {
  return { ...result, headers: { ...(result.headers ?? {}), ...headers } };
}

/**
 * An optional whole-number query parameter from `min` to `max`; `InvalidInputError` naming it otherwise, saying
 * whether it is not a whole number (`abc`, `1.5`) or one out of range (`0`, `201`). API Gateway hands every
 * query value over as text, and so does the local API.
 */
export function queryInteger(
  query: Record<string, string | undefined> | null | undefined,
  name: string,
  bounds: { min: number; max: number },
): number | undefined {
  const text = query?.[name];
  if (text === undefined) return undefined;
  const refused = (why: string) =>
    new InvalidInputError(`query parameter ${name} ${why}`, [
      { path: name, message: `must be a whole number from ${bounds.min} to ${bounds.max}, not "${text}"` },
    ]);
  if (!/^-?\d+$/.test(text)) throw refused('is not a whole number');
  const value = Number(text);
  if (value < bounds.min || value > bounds.max) throw refused('is out of range');
  return value + 0; // -0 is 0
}

/** Parses a JSON request body; bad JSON is a 400 that says so, not a 500. */
export function parseBody(body: string | null | undefined, isBase64Encoded = false): unknown {
  const text =
    isBase64Encoded && body
      ? utf8Text(Buffer.from(body, 'base64'), 'body', 'the request body')
      : (body ?? '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`request body is not valid JSON: ${(error as Error).message}`, [
      { path: 'body', message: 'invalid JSON' },
    ]);
  }
  // A key given twice, or an integer JSON cannot keep exactly, would be recorded as other than what was sent.
  const issues = jsonTextIssues(text);
  if (issues.length > 0) throw new InvalidInputError('request body is ambiguous JSON', issues);
  return parsed;
}

/**
 * What a 500 says where the error went: on AWS, the function's logs. A local runtime, whose errors go to a log of
 * its own, says so instead (`cli/control-plane/api.ts`).
 */
export const internalErrorMessage = 'the request failed; see the function logs';

/**
 * The 401 for a request that proves no known caller, with the scheme to use, and nothing logged: `itv serve`
 * answers it so, its access-log line (status 401, no principal) being its record of the request.
 */
export function unauthenticatedProblem(error: UnauthenticatedError): APIGatewayProxyResult {
  // A credential nobody knows names the header that carried it, as a missing one does.
  const issues = error.issues.length > 0 ? error.issues : [{ path: 'authorization', message: error.message }];
  return problem(401, error.name, error.message, { issues }, { 'www-authenticate': error.challenge });
}

/**
 * Maps itv errors to problem+json answers: invalid input is the caller's to fix (400, each field named), a
 * request that proves no known caller is 401 with the scheme to use, what it names does not exist (404), an
 * authenticated caller who may not do this is refused (403), a runtime at its limit of executions asks the
 * caller to come back (429 with Retry-After), stored evidence that fails its integrity check is refused naming
 * the object (409), the rest is ours (500).
 */
export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof ExecutionCapacityError) {
    return problem(
      429,
      'TooManyRequests',
      error.message,
      {},
      { 'retry-after': String(error.retryAfterSeconds) },
    );
  }
  if (error instanceof InvalidInputError) {
    return problem(400, error.name, error.message, { issues: error.issues });
  }
  if (error instanceof UnauthenticatedError) {
    // A caller nobody knows is an audit fact too: the function log keeps it.
    console.warn(JSON.stringify({ unauthenticated: error.name, message: error.message }));
    return unauthenticatedProblem(error);
  }
  if (error instanceof NotFoundError) return notFound(error.message, error.field);
  if (
    error instanceof CheckReportConflictError ||
    error instanceof DelegationRevokedError ||
    error instanceof DelegationExistsError
  ) {
    return conflict(error.name, error.message);
  }
  if (error instanceof IntentIdConflictError) {
    return problem(409, error.name, error.message, {
      field: error.field,
      issues: [{ path: error.field, message: error.message }],
    });
  }
  if (error instanceof AccessRefusedError) {
    // A refused caller is an audit fact: the function log keeps who was refused and why.
    console.warn(JSON.stringify({ refused: error.name, message: error.message }));
    // An impersonation names the body field (and keeps `field`, which clients read); any other refusal is of
    // the caller the credential names.
    const field = error instanceof ImpersonationError ? error.field : undefined;
    // A service the caller does not own names its field (`services[0]`), as a bad field does.
    const named = error instanceof NotAServiceOwnerError ? error.issues : [];
    return problem(403, error.name, error.message, {
      ...(field ? { field } : {}),
      issues: named.length > 0 ? named : [{ path: field ?? 'authorization', message: error.message }],
    });
  }
  if (error instanceof EvidenceIntegrityError) {
    // Not a fault of the request, nor one a retry mends: the stored evidence fails verification, so it is not
    // served. 409 names the object that cannot be trusted (`key`), as its state refuses what was asked.
    console.error(JSON.stringify({ evidence: error.name, key: error.key, message: error.message }));
    return problem(409, error.name, error.message, {
      ...(error.key !== undefined ? { key: error.key } : {}),
      issues: [{ path: 'evidence', message: error.message }],
    });
  }
  console.error(error);
  return problem(500, 'InternalError', internalErrorMessage);
}
