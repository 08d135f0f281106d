import { intentLimits, payloadLimits } from '../core/intake/limits.js';

/**
 * The API's routes, declared once: API Gateway's resources and methods (`infra/intent-api.ts`), the local
 * control plane's router (`cli/control-plane/api.ts`), the 404/405 answers and the OpenAPI document are all
 * derived from this table, and tests hold each of them to it.
 */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway's resource path, `{name}` for a path parameter. */
  path: string;
  /** The function that answers it on AWS, `lambdas/api/<fn>.ts`. */
  fn: string;
  /** Whether the route reads a JSON body: a body of another media type is 415. */
  body: boolean;
  /** Query parameters the route reads; API Gateway declares them optional and the handler checks them. */
  query?: readonly string[];
  /** The most its body may hold, when not `maxRequestBodyBytes` (`conventions.ts`). */
  maxBodyBytes?: number;
  /** Why its body is limited, and what to do instead: said in the 413. */
  bodyLimitReason?: string;
  /** Whether it honours `Idempotency-Key` (`idempotency.ts`): a test holds its handler to this. */
  idempotencyKey?: true;
}

export const apiRoutes = [
  {
    method: 'POST',
    path: '/intents',
    fn: 'submit-intent',
    idempotencyKey: true,
    body: true,
    query: ['dryRun'],
    bodyLimitReason: `an intent holds at most ${intentLimits.bytes} bytes of JSON; a larger payload goes by reference (POST /payloads, then change.payloadRef)`,
  },
  {
    method: 'GET',
    path: '/intents',
    fn: 'list-intents',
    body: false,
    query: ['status', 'service', 'team', 'tag', 'since', 'limit', 'cursor'],
  },
  {
    method: 'GET',
    path: '/intents/{id}',
    fn: 'get-intent',
    body: false,
    query: ['include'],
  },
  {
    method: 'POST',
    path: '/intents/{id}/review',
    fn: 'review-intent',
    body: true,
  },
  {
    method: 'POST',
    path: '/intents/{id}/release-decision',
    fn: 'release-decision',
    body: true,
  },
  {
    method: 'POST',
    path: '/intents/{id}/stop',
    fn: 'stop-intent',
    idempotencyKey: true,
    body: true,
  },
  {
    method: 'POST',
    path: '/intents/{id}/retry',
    fn: 'retry-intent',
    idempotencyKey: true,
    body: true,
  },
  {
    method: 'PUT',
    path: '/intents/{id}/checks/{name}',
    fn: 'report-check',
    idempotencyKey: true,
    body: true,
  },
  {
    method: 'GET',
    path: '/intents/{id}/checks/{name}',
    fn: 'get-check-report',
    body: false,
  },
  {
    method: 'GET',
    path: '/intents/{id}/evidence',
    fn: 'get-evidence',
    body: false,
  },
  {
    method: 'GET',
    path: '/ledger',
    fn: 'export-ledger',
    body: false,
    query: ['after', 'limit'],
  },
  {
    method: 'GET',
    path: '/ledger/checkpoints',
    fn: 'get-checkpoints',
    body: false,
  },
  {
    method: 'GET',
    path: '/value',
    fn: 'report-value',
    body: false,
    query: ['by', 'since', 'until', 'curveBy'],
  },
  {
    method: 'POST',
    path: '/delegations',
    fn: 'grant-delegation',
    body: true,
  },
  {
    method: 'GET',
    path: '/delegations',
    fn: 'list-delegations',
    body: false,
    query: ['principal', 'status'],
  },
  {
    method: 'GET',
    path: '/delegations/{id}',
    fn: 'get-delegation',
    body: false,
  },
  {
    method: 'DELETE',
    path: '/delegations/{id}',
    fn: 'revoke-delegation',
    body: false,
    query: ['reason'],
  },
  {
    method: 'POST',
    path: '/payloads',
    fn: 'put-payload',
    body: true,
    maxBodyBytes: payloadLimits.bytes,
    bodyLimitReason:
      'a payload is released as one AppConfig hosted configuration version, which holds at most 2 MB (its default quota): a larger one could never be released',
  },
  {
    method: 'GET',
    path: '/openapi.json',
    fn: 'get-openapi',
    body: false,
  },
] as const satisfies readonly ApiRoute[];

type KeyOf<R> = R extends { method: infer M extends string; path: infer P extends string }
  ? `${M} ${P}`
  : never;
/** `POST /intents`, … : one per route of the table. */
export type ApiRouteKey = KeyOf<(typeof apiRoutes)[number]>;

export function routeKey(route: Pick<ApiRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/**
 * The route of a method and a concrete path, or the methods the path takes (405), or nothing (404). HEAD is
 * answered by the path's GET route (RFC 9110 §9.3.2: the same status and headers, no body), so a path that takes
 * GET takes HEAD too and its `Allow` says so.
 */
export function matchRoute(
  method: string,
  path: string,
  routes: readonly ApiRoute[] = apiRoutes,
):
  | { route: ApiRoute; parameters: Record<string, string> }
  | { allowed: string[]; resourcePath: string }
  | undefined {
  const allowed: string[] = [];
  let resourcePath = '';
  const asked = method === 'HEAD' ? 'GET' : method;
  for (const route of routes) {
    const parameters = matchPath(route.path, path);
    if (!parameters) continue;
    if (route.method === asked) return { route, parameters };
    allowed.push(...(route.method === 'GET' ? ['GET', 'HEAD'] : [route.method]));
    resourcePath ||= route.path;
  }
  // A method the path does not take: the declared path is still what the request addressed (an access log's).
  return allowed.length > 0 ? { allowed, resourcePath } : undefined;
}

/** The raw (still percent-encoded) parameters of `path` under `template`, or undefined when it does not match. */
function matchPath(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    })}$`,
  );
  const found = pattern.exec(path);
  if (!found) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, found[i + 1]!]));
}

/** The declared route of a key; throws for a key the table lacks (a typo caught at start). */
export function routeOf(key: ApiRouteKey): ApiRoute {
  const route = (apiRoutes as readonly ApiRoute[]).find((r) => routeKey(r) === key);
  if (!route) throw new Error(`no route ${key} in lambdas/api/routes.ts`);
  return route;
}
