import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { isOnlyDots, isPossibleIntentId } from '../core/intent-id-syntax.js';
import { asProblem, problem } from './problem.js';
import type { ApiRoute } from './routes.js';

export type Route = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/**
 * The most a request body may hold, on every route and both runtimes. The largest body any route takes is an
 * intent, at most 128 KiB (`intentLimits.bytes`); a megabyte leaves room for a payload's escaping while staying
 * far below what would hurt: Lambda's 6 MB invocation payload and API Gateway's 10 MB request limit.
 */
export const maxRequestBodyBytes = 1024 * 1024;

/** The most a route's body may hold: its own limit (a payload upload's), or `maxRequestBodyBytes`. */
export function bodyLimitOf(route: Pick<ApiRoute, 'maxBodyBytes'>): number {
  return route.maxBodyBytes ?? maxRequestBodyBytes;
}

/** A header of the request, whatever case the client (or API Gateway, which keeps the client's) gave it. */
export function requestHeader(
  event: Pick<APIGatewayProxyEvent, 'headers'>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  }
  return undefined;
}

/** `application/json` or a `+json` type (RFC 6839), with any parameters. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** The size of the body the function was handed, in bytes (API Gateway base64-encodes binary bodies). */
function bodyBytes(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): number {
  if (!event.body) return 0;
  return event.isBase64Encoded
    ? Buffer.from(event.body, 'base64').length
    : Buffer.byteLength(event.body, 'utf8');
}

/**
 * The 415 a body sent with a Content-Encoding other than `identity` earns (`encoding` as the request names it),
 * or undefined for a body to read as sent. itv reads bodies as sent: a compressed one is refused, on every entry
 * point alike, rather than read as bytes that are not its JSON.
 */
export function compressedBodyRefusal(encoding: string | undefined): APIGatewayProxyResult | undefined {
  const named = encoding?.trim().toLowerCase();
  if (!named || named === 'identity') return undefined;
  const sent = shortened(named);
  return problem(
    415,
    'UnsupportedMediaType',
    `the request body must be sent uncompressed, not with Content-Encoding ${sent}`,
    {
      issues: [{ path: 'content-encoding', message: `must be identity (an uncompressed body), not ${sent}` }],
    },
    { 'accept-encoding': 'identity' },
  );
}

/**
 * What every route checks before its handler reads anything, and how every route answers an error: a body sent
 * compressed (a Content-Encoding other than identity) is 415, a body over
 * `maxRequestBodyBytes` is 413 and a body that is not JSON is 415, both before parsing or authenticating, and a
 * query parameter the route does not read is 400 naming it; every error answer is problem+json naming the request
 * path. The local control plane refuses an oversized body earlier still, from its Content-Length, before reading it.
 */
export function withConventions(
  route: Pick<ApiRoute, 'path' | 'body' | 'maxBodyBytes' | 'bodyLimitReason' | 'query'>,
  handle: Route,
): Route {
  return async (event) => {
    const refused = refuseRequest(route, event);
    // The query parameters its issues may name: all the route reads, or, where a body's fields could share a name
    // with one, those the request sent.
    const queryNames = (route.query ?? []).filter(
      (name) => !route.body || event.queryStringParameters?.[name] !== undefined,
    );
    return asProblem(refused ?? (await handle(event)), instanceOf(event), queryNames);
  };
}

/**
 * The request's path as a problem's `instance`, unless a path parameter in it is one no resource can have (over
 * 256 characters, or holding a space, a control or a non-ASCII character): that text is the caller's, and is not
 * echoed back, as the issue that names it does not echo it either.
 */
function instanceOf(event: Pick<APIGatewayProxyEvent, 'path' | 'pathParameters'>): string | undefined {
  const parameters = Object.values(event.pathParameters ?? {});
  return parameters.every((value) => value === undefined || /^[\x21-\x7e]{1,256}$/.test(value))
    ? event.path
    : undefined;
}

/**
 * The 415 (a compressed body, a body that is not JSON), 413 or 400 (an intent id no intent can have, a query
 * parameter the route does not read) a request earns before its handler runs, if any.
 */
export function refuseRequest(
  route: Pick<ApiRoute, 'path' | 'body' | 'maxBodyBytes' | 'bodyLimitReason' | 'query'>,
  event: Pick<
    APIGatewayProxyEvent,
    | 'body'
    | 'isBase64Encoded'
    | 'headers'
    | 'queryStringParameters'
    | 'multiValueQueryStringParameters'
    | 'pathParameters'
  >,
): APIGatewayProxyResult | undefined {
  const size = bodyBytes(event);
  const compressed = size > 0 ? compressedBodyRefusal(requestHeader(event, 'content-encoding')) : undefined;
  if (compressed) return compressed;
  if (size > bodyLimitOf(route)) return tooLarge(`${size} bytes`, route);
  if (size > 0 && route.body && !isJsonMediaType(requestHeader(event, 'content-type'))) {
    const sent = requestHeader(event, 'content-type');
    const why = !sent?.trim() ? '; the request names no content type' : `, not ${sent}`;
    return problem(
      415,
      'UnsupportedMediaType',
      `the request body must be application/json${why}`,
      { issues: [{ path: 'content-type', message: `must be application/json${why}` }] },
      { 'accept-post': 'application/json' },
    );
  }
  return impossibleIntentId(route, event) ?? unreadQuery(route, event) ?? unclearQuery(event);
}

/**
 * An `{id}` no intent can have is 400 naming `path.id`, and not echoed: the text is the caller's (control
 * characters, a right-to-left override, thousands of characters), and a message is printed where people read it.
 */
function impossibleIntentId(
  route: Pick<ApiRoute, 'path'>,
  event: Pick<APIGatewayProxyEvent, 'pathParameters'>,
): APIGatewayProxyResult | undefined {
  if (!route.path.startsWith('/intents/{id}')) return undefined;
  return refusedIntentId(event.pathParameters?.id ?? '');
}

/** The 400 naming `path.id` for an `{id}` no intent can have; undefined for one it can. */
export function refusedIntentId(id: string): APIGatewayProxyResult | undefined {
  if (isPossibleIntentId(id)) return undefined;
  return problem(400, 'InvalidInputError', 'the path names an intent id no intent can have', {
    issues: [
      {
        path: 'path.id',
        message: `must be 1 to 256 of A-Z a-z 0-9 . _ : -; this one ${whatIsWrongWith(id)}`,
      },
    ],
  });
}

/** What keeps `id` from being an intent's: its length, dots alone, or a character it holds (which is not repeated). */
function whatIsWrongWith(id: string): string {
  if (id.length === 0) return 'is empty';
  if (id.length > 256) return `is ${id.length} characters long`;
  if (isOnlyDots(id)) return 'is only dots, a path step rather than a name';
  return 'holds a character other than these';
}

/**
 * A query parameter given more than once, or whose value is not UTF-8 text, is refused rather than read one way:
 * API Gateway hands a function the last of repeated values in `queryStringParameters` (all of them, in order, in
 * `multiValueQueryStringParameters`), so `?status=queued&status=released` would answer for `released` alone; and
 * percent-encoded bytes that are not UTF-8 (`%FF`) decode to U+FFFD, a value nobody sent. Where a route takes
 * several values they go comma separated in one parameter.
 */
function unclearQuery(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>,
): APIGatewayProxyResult | undefined {
  const repeated = Object.entries(event.multiValueQueryStringParameters ?? {})
    .filter(([, values]) => (values?.length ?? 0) > 1)
    .map(([name, values]) => ({
      path: `query.${shortened(name)}`,
      message: `is given ${values?.length} times: give it once (several values go comma separated, where the route takes several)`,
    }));
  const undecodable = Object.entries(event.queryStringParameters ?? {})
    .filter(([, value]) => value?.includes('\uFFFD'))
    .map(([name]) => ({
      path: `query.${shortened(name)}`,
      message: 'is not UTF-8 text: percent-encoded bytes in it decode to no character',
    }));
  const issues = [...repeated, ...undecodable];
  if (issues.length === 0) return undefined;
  return problem(
    400,
    'InvalidInputError',
    `the query parameter${issues.length > 1 ? 's' : ''} ${issues.map((issue) => issue.path.slice('query.'.length)).join(', ')} cannot be read: ${issues[0]?.message}`,
    { issues },
  );
}

/**
 * A query parameter the route does not read is refused, not ignored: a misspelt filter (`?statuses=queued`)
 * would otherwise answer as if it had matched everything, and a cursor sent to the wrong route as if it were read.
 */
function unreadQuery(
  route: Pick<ApiRoute, 'query'>,
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters'>,
): APIGatewayProxyResult | undefined {
  const reads = route.query ?? [];
  const unread = Object.keys(event.queryStringParameters ?? {}).filter((name) => !reads.includes(name));
  if (unread.length === 0) return undefined;
  const takes = reads.length > 0 ? `it reads ${reads.join(', ')}` : 'it reads none';
  return problem(
    400,
    'InvalidInputError',
    `this route does not read the query parameter${unread.length > 1 ? 's' : ''} ${unread.map((name) => JSON.stringify(shortened(name))).join(', ')}: ${takes}`,
    {
      issues: unread.map((name) => ({
        path: `query.${shortened(name)}`,
        message: `is not a parameter of this route (${takes})`,
      })),
    },
  );
}

/** A parameter's name as sent, cut short: it is the caller's text, echoed. */
function shortened(name: string): string {
  return name.length > 64 ? `${name.slice(0, 64)}…` : name;
}

/** The 413 answer for `route`; `size` says what was sent, as far as it is known. */
export function tooLarge(
  size: string,
  route: Pick<ApiRoute, 'maxBodyBytes' | 'bodyLimitReason'> = {},
): APIGatewayProxyResult {
  const limit = bodyLimitOf(route);
  const why = route.bodyLimitReason ? `: ${route.bodyLimitReason}` : '';
  return problem(
    413,
    'ContentTooLarge',
    `the request body is ${size}; this route reads at most ${limit} bytes${why}`,
    { issues: [{ path: 'body', message: `must be at most ${limit} bytes` }] },
  );
}

/**
 * The path a `Location` header gives for `path`: behind API Gateway the request's own path carries the stage
 * (`/v1/intents` in `requestContext.path` for `/intents`), which the client must keep.
 */
export function locationOf(
  event: Pick<APIGatewayProxyEvent, 'path' | 'requestContext'>,
  path: string,
): string {
  const full = (event.requestContext as { path?: string } | undefined)?.path;
  const prefix =
    full && event.path && full.endsWith(event.path) ? full.slice(0, full.length - event.path.length) : '';
  return `${prefix}${path}`;
}
