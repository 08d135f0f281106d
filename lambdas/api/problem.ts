import type { APIGatewayProxyResult } from 'aws-lambda';

/** RFC 9457's media type: every error answer of the API is one. */
export const problemMediaType = 'application/problem+json';

/** A field the caller has to fix, and why. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * An error answer as RFC 9457 problem details: `type`, `title`, `status`, `detail` and `instance`, with itv's
 * own members beside them (extension members, RFC 9457 §3.2): `error` (the stable error name clients match on),
 * `message` (= `detail`) and `issues` naming each field. `type` is a URN per error name: itv publishes no page
 * per problem, and RFC 9457 §3.1.1 lets a type be a non-resolvable URI.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  error: string;
  message: string;
  issues?: FieldIssue[];
  [extension: string]: unknown;
}

const titles: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** A 404 naming the part of the request that names what does not exist (`path.id` for an intent's id). */
export function notFound(message: string, field = 'path.id'): APIGatewayProxyResult {
  return problem(404, 'NotFound', message, { issues: [{ path: field, message }] });
}

/**
 * A 409: the request is sound but the resource's state refuses it (an intent not waiting for a review, one
 * that has concluded …); `issues` names `state` with the reason, `extra` adds members (`intentStatus`).
 */
export function conflict(
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
): APIGatewayProxyResult {
  return problem(409, error, message, { ...extra, issues: [{ path: 'state', message }] });
}

/** The 404 for a path no route declares, naming the path. */
export function noRouteProblem(path: string): APIGatewayProxyResult {
  return problem(404, 'NotFound', `no route ${path}`, {
    instance: path,
    issues: [{ path: 'path', message: `no route declares ${path}` }],
  });
}

/** The 405 for a method the path does not take, with `Allow` and the methods it does take named. */
export function methodNotAllowed(
  method: string,
  path: string,
  allowed: readonly string[],
): APIGatewayProxyResult {
  const allow = allowed.join(', ');
  return problem(
    405,
    'MethodNotAllowed',
    `${method} is not a method of ${path}; it takes ${allow}`,
    {
      instance: path,
      issues: [{ path: 'method', message: `must be ${allowed.join(' or ')}, not ${method}` }],
    },
    { allow },
  );
}

/**
 * `urn:itv:problem:invalid-input-error` for `InvalidInputError`: a word starts at each capital after a small
 * letter or digit, and at the last capital of a run followed by a small letter (`NotACheckReporterError` is
 * `not-a-check-reporter-error`, `HTTPError` is `http-error`).
 */
export function problemType(error: string): string {
  const kebab = error
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
  return `urn:itv:problem:${kebab}`;
}

/** A problem+json answer; `extra` adds members (`issues`, `field` …) and `headers` response headers. */
export function problem(
  status: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  const body: Problem = {
    type: problemType(error),
    title: titles[status] ?? 'Error',
    status,
    detail: message,
    error,
    message,
    ...extra,
  };
  return {
    statusCode: status,
    headers: { 'content-type': problemMediaType, ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Any error answer in problem+json, with `instance` the request's path (when it may be echoed): an answer a handler wrote as
 * `{error, message}` keeps its members and gains the standard ones, so no route answers an error otherwise.
 */
export function asProblem(
  result: APIGatewayProxyResult,
  instance: string | undefined,
  queryNames: readonly string[] = [],
): APIGatewayProxyResult {
  if (result.statusCode < 400) return result;
  let body: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(result.body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    body = { message: result.body };
  }
  const error =
    typeof body.error === 'string' ? body.error : (titles[result.statusCode] ?? 'Error').replace(/ /g, '');
  const message = typeof body.message === 'string' ? body.message : (titles[result.statusCode] ?? 'Error');
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-type'),
  ) as Record<string, string>;
  // Without an instance (a path that is not echoed back), none the handler set is kept either.
  const { instance: _set, ...members } = body;
  // A query parameter is named as one (`query.limit`), as one the route does not read is: the handlers and the core
  // name what they read by its name alone.
  if (Array.isArray(members.issues) && queryNames.length > 0) {
    members.issues = members.issues.map((issue: unknown) =>
      typeof issue === 'object' &&
      issue !== null &&
      queryNames.includes((issue as { path?: unknown }).path as string)
        ? { ...issue, path: `query.${(issue as { path: string }).path}` }
        : issue,
    );
  }
  return problem(
    result.statusCode,
    error,
    message,
    { ...members, ...(instance ? { instance } : {}) },
    headers,
  );
}
