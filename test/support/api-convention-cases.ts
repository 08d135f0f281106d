import { readFileSync } from 'node:fs';

/** Who sends a case: a principal of the catalog, somebody no principal is, or nobody (no credentials). */
export type CaseCaller = 'alice' | 'xavier' | 'stranger' | 'anonymous';

/** One request as a test target sends it, and the answer as it came back. */
export interface ConventionRequest {
  method: string;
  path: string;
  caller: CaseCaller;
  body?: string;
  contentType?: string;
  /** Sent with this Content-Encoding, the body compressed with it (`gzip`). */
  contentEncoding?: string;
}
export interface ConventionAnswer {
  status: number;
  header(name: string): string | undefined;
  body: Record<string, unknown>;
}
export type SendRequest = (request: ConventionRequest) => Promise<ConventionAnswer>;

const intentText = readFileSync(new URL('../../examples/01-low-risk-flag.json', import.meta.url), 'utf8');

/** The sample intent, declared at `now` (its own id left out, so it takes the derived one). */
export function sampleIntent(now: Date, change: Record<string, unknown> = {}): string {
  const { id: _id, ...intent } = JSON.parse(intentText) as Record<string, unknown>;
  return JSON.stringify({ ...intent, timestamp: now.toISOString(), ...change });
}

export interface ConventionCase {
  name: string;
  request: (now: Date) => ConventionRequest;
  status: number;
  /** Headers the answer must carry (a value, or `true` for any). */
  headers?: Record<string, string | true>;
  /** Members of the problem the answer must hold. */
  problem?: Record<string, unknown>;
  /** The field the problem must name in `issues`. */
  names?: string;
  /** Text the answer's body must not hold (what the caller sent, not to be echoed). */
  absent?: readonly string[];
  /** Why the deployed suite leaves this case out, where API Gateway's own handling is not what the emulator models. */
  localOnly?: string;
}

/**
 * The HTTP conventions both targets keep, as cases: the local API (`test/integration/api/conventions.test.ts`)
 * and API Gateway with the deployed functions (`test/deployed/scenarios/api-conventions.test.ts`) run each
 * and must answer alike. None of them records anything.
 */
/** A path of every read route, each as a client would first try it. */
export const readPaths = [
  '/intents',
  '/intents/some-intent',
  '/intents/some-intent/evidence',
  '/intents/some-intent/checks/e2e',
  '/delegations/bob~alice~2026-11-11T15:00:00.000Z',
  '/ledger',
  '/ledger/checkpoints',
  '/value',
  '/openapi.json',
] as const;

export const conventionCases: readonly ConventionCase[] = [
  {
    name: 'a JSON intent sent as text/plain is 415 naming content-type',
    request: (now) => ({
      method: 'POST',
      path: '/intents',
      caller: 'alice',
      body: sampleIntent(now),
      contentType: 'text/plain',
    }),
    status: 415,
    headers: { 'accept-post': 'application/json' },
    problem: { error: 'UnsupportedMediaType' },
    names: 'content-type',
  },
  {
    name: 'a body sent gzip-compressed is 415 naming content-encoding, accepting identity only',
    request: (now) => ({
      method: 'POST',
      path: '/intents',
      caller: 'alice',
      body: sampleIntent(now),
      contentEncoding: 'gzip',
    }),
    status: 415,
    headers: { 'accept-encoding': 'identity' },
    problem: { error: 'UnsupportedMediaType' },
    names: 'content-encoding',
    localOnly:
      "API Gateway may decompress a request body itself before the integration (payload compression), and whether a Lambda proxy integration then still sees the Content-Encoding header is not documented: the function's answer is held to it in test/unit/api/compressed-body.test.ts instead",
  },
  {
    name: 'a bad field is 400 naming it',
    request: (now) => ({
      method: 'POST',
      path: '/intents',
      caller: 'alice',
      body: sampleIntent(now, { timestamp: 'soon' }),
    }),
    status: 400,
    problem: { error: 'InvalidInputError', type: 'urn:itv:problem:invalid-input-error' },
    names: 'timestamp',
  },
  {
    name: 'a request without credentials is 401 asking for them',
    request: (now) => ({ method: 'POST', path: '/intents', caller: 'anonymous', body: sampleIntent(now) }),
    status: 401,
    headers: { 'www-authenticate': true },
    names: 'authorization',
  },
  ...readPaths.map(
    (path): ConventionCase => ({
      name: `a read of ${path} without credentials is 401 asking for them`,
      request: () => ({ method: 'GET', path, caller: 'anonymous' }),
      status: 401,
      headers: { 'www-authenticate': true },
      problem: { error: 'UnauthenticatedError' },
      names: 'authorization',
    }),
  ),
  {
    name: 'a caller no principal is is 401',
    request: (now) => ({ method: 'POST', path: '/intents', caller: 'stranger', body: sampleIntent(now) }),
    status: 401,
    headers: { 'www-authenticate': true },
    problem: { error: 'UnknownCallerError' },
    names: 'authorization',
  },
  {
    name: 'an intent naming somebody else as its requester is 403 naming the field',
    request: (now) => ({ method: 'POST', path: '/intents', caller: 'xavier', body: sampleIntent(now) }),
    status: 403,
    problem: { error: 'ImpersonationError', field: 'authority.requester' },
    names: 'authority.requester',
  },
  {
    name: 'a body over 1 MiB is 413 naming the body',
    request: () => ({
      method: 'POST',
      path: '/intents',
      caller: 'alice',
      body: JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }),
    }),
    status: 413,
    problem: { error: 'ContentTooLarge' },
    names: 'body',
  },
  {
    name: 'a method a path does not take is 405 with Allow',
    request: () => ({ method: 'DELETE', path: '/intents', caller: 'alice' }),
    status: 405,
    headers: { allow: 'POST, GET, HEAD' },
    problem: { error: 'MethodNotAllowed' },
    names: 'method',
  },
  {
    name: 'a method an id path does not take is 405 with Allow',
    request: () => ({ method: 'PUT', path: '/intents/some-intent', caller: 'alice', body: '{}' }),
    status: 405,
    headers: { allow: 'GET, HEAD' },
    names: 'method',
  },
  {
    name: 'a path no route declares is 404',
    request: () => ({ method: 'GET', path: '/no-such-route', caller: 'alice' }),
    status: 404,
    problem: { error: 'NotFound' },
    names: 'path',
  },
  {
    name: 'a check report with a status that is neither passed nor failed is 400 naming status',
    request: () => ({
      method: 'PUT',
      path: '/intents/never-submitted/checks/e2e',
      caller: 'alice',
      body: JSON.stringify({ status: 'green' }),
    }),
    status: 400,
    problem: { error: 'InvalidInputError' },
    names: 'status',
  },
  {
    name: 'a check report for an intent nobody submitted is 404',
    request: () => ({
      method: 'PUT',
      path: '/intents/never-submitted/checks/e2e',
      caller: 'alice',
      body: JSON.stringify({ status: 'passed' }),
    }),
    status: 404,
    problem: { error: 'NotFound' },
    names: 'path.id',
  },
  {
    name: 'a method a check path does not take is 405 with Allow',
    request: () => ({ method: 'DELETE', path: '/intents/some-intent/checks/e2e', caller: 'alice' }),
    status: 405,
    headers: { allow: 'PUT, GET, HEAD' },
    names: 'method',
  },
  {
    name: 'a review of an intent nobody submitted is 404',
    request: () => ({
      method: 'POST',
      path: '/intents/never-submitted/review',
      caller: 'xavier',
      body: JSON.stringify({ decision: 'approve' }),
    }),
    status: 404,
    problem: { error: 'NotFound' },
    names: 'path.id',
  },
  {
    name: 'a status of an intent nobody submitted is 404 naming its id',
    request: () => ({ method: 'GET', path: '/intents/never-submitted', caller: 'alice' }),
    status: 404,
    problem: { error: 'NotFound' },
    names: 'path.id',
  },
  {
    // A misspelt filter would otherwise answer every intent as if it had matched.
    name: 'a query parameter the route does not read is 400 naming it',
    request: () => ({ method: 'GET', path: '/intents?statuses=queued', caller: 'alice' }),
    status: 400,
    problem: { error: 'InvalidInputError' },
    names: 'query.statuses',
  },
  {
    // An id no intent can have is the caller's text: refused without being echoed (no control characters,
    // no right-to-left override, no 3,000 characters in a message a terminal will print).
    name: 'an intent id no intent can have is 400 naming path.id, not echoed',
    request: () => ({ method: 'GET', path: `/intents/${'x'.repeat(300)}%E2%80%AE`, caller: 'alice' }),
    status: 400,
    problem: { error: 'InvalidInputError' },
    names: 'path.id',
    absent: ['x'.repeat(300), '\u202e'],
  },
  {
    name: 'a review of an id no intent can have is 400 naming path.id',
    request: () => ({
      method: 'POST',
      path: '/intents/bad%00id/review',
      caller: 'xavier',
      body: JSON.stringify({ decision: 'approve' }),
    }),
    status: 400,
    problem: { error: 'InvalidInputError' },
    names: 'path.id',
    absent: ['\u0000'],
  },
  {
    // API Gateway hands a function the last of repeated values: the first would go unread.
    name: 'a query parameter given twice is 400 naming it',
    request: () => ({ method: 'GET', path: '/intents?status=queued&status=released', caller: 'alice' }),
    status: 400,
    problem: { error: 'InvalidInputError' },
    names: 'query.status',
  },
  {
    name: 'a query value whose bytes are not UTF-8 is 400 naming it',
    request: () => ({ method: 'GET', path: '/intents?service=launch%FFflag', caller: 'alice' }),
    status: 400,
    problem: { error: 'InvalidInputError' },
    names: 'query.service',
    absent: ['\uFFFD'],
  },
  {
    name: 'a query parameter on a route that reads none is 400 naming it',
    request: () => ({ method: 'GET', path: '/ledger/checkpoints?after=3', caller: 'alice' }),
    status: 400,
    problem: { error: 'InvalidInputError' },
    names: 'query.after',
  },
];

/** What a problem says in words — its title, detail, message and issues — as a client would print it. */
function said(body: Record<string, unknown>): string {
  const issues = (body.issues ?? []) as Array<{ path?: unknown; message?: unknown }>;
  return [body.title, body.detail, body.message, ...issues.flatMap((issue) => [issue.path, issue.message])]
    .filter((text): text is string => typeof text === 'string')
    .join('\n');
}

/** Checks one answer against its case; throws naming what differs. */
export function expectConvention(kase: ConventionCase, answer: ConventionAnswer): void {
  const seen = {
    status: answer.status,
    contentType: answer.header('content-type'),
    headers: Object.fromEntries(
      Object.entries(kase.headers ?? {}).map(([name, value]) => [
        name,
        value === true ? answer.header(name) !== undefined : answer.header(name),
      ]),
    ),
    problem: Object.fromEntries(Object.keys(kase.problem ?? {}).map((key) => [key, answer.body[key]])),
    status_member: answer.body.status,
    names: kase.names
      ? ((answer.body.issues ?? []) as Array<{ path: string }>).some((issue) => issue.path === kase.names)
      : undefined,
    echoed: (kase.absent ?? []).filter((text) => said(answer.body).includes(text)),
  };
  const wanted = {
    status: kase.status,
    contentType: 'application/problem+json',
    headers: kase.headers ?? {},
    problem: kase.problem ?? {},
    status_member: kase.status,
    names: kase.names ? true : undefined,
    echoed: [],
  };
  if (JSON.stringify(seen) !== JSON.stringify(wanted)) {
    throw new Error(
      `${kase.name}:\n  wanted ${JSON.stringify(wanted)}\n  got    ${JSON.stringify(seen)}\n  body   ${JSON.stringify(answer.body).slice(0, 600)}`,
    );
  }
}
