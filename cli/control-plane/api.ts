import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Admit, Authenticate } from '../../lambdas/api/caller.js';
import {
  bodyLimitOf,
  compressedBodyRefusal,
  type Route,
  tooLarge,
  withConventions,
} from '../../lambdas/api/conventions.js';
import { exportLedger } from '../../lambdas/api/export-ledger.js';
import { getCheckReport } from '../../lambdas/api/get-check-report.js';
import { getCheckpoints } from '../../lambdas/api/get-checkpoints.js';
import { getDelegationRoute } from '../../lambdas/api/get-delegation.js';
import { getEvidence } from '../../lambdas/api/get-evidence.js';
import { getIntent } from '../../lambdas/api/get-intent.js';
import { getOpenApi } from '../../lambdas/api/get-openapi.js';
import { grantDelegationRoute } from '../../lambdas/api/grant-delegation.js';
import { errorResponse, internalErrorMessage } from '../../lambdas/api/http.js';
import { listDelegationsRoute } from '../../lambdas/api/list-delegations.js';
import { listIntentsRoute } from '../../lambdas/api/list-intents.js';
import { asProblem, methodNotAllowed, noRouteProblem, problem } from '../../lambdas/api/problem.js';
import { putPayload } from '../../lambdas/api/put-payload.js';
import { decideRelease } from '../../lambdas/api/release-decision.js';
import { reportCheckRoute } from '../../lambdas/api/report-check.js';
import { reportValue } from '../../lambdas/api/report-value.js';
import { retryIntent } from '../../lambdas/api/retry-intent.js';
import { reviewIntent } from '../../lambdas/api/review-intent.js';
import { revokeDelegationRoute } from '../../lambdas/api/revoke-delegation.js';
import {
  type ApiRoute,
  type ApiRouteKey,
  apiRoutes,
  matchRoute,
  routeKey,
} from '../../lambdas/api/routes.js';
import { stopIntent } from '../../lambdas/api/stop-intent.js';
import { submitIntent } from '../../lambdas/api/submit-intent.js';
import type { LocalStack } from '../../lambdas/wiring/local/local-stack.js';
import { notAPath, requestTarget } from '../request-target.js';
import type { LocalExecutions } from '../runtime/local-executions.js';
import { maxInFlightVariable } from './capacity.js';
import { collectGarbage } from './collect-garbage.js';
import { homeIdentity } from './home-owner.js';
import { ownSecretIn } from './own-secret.js';
import type { ProgressLog } from './progress-log.js';
import { announcesBody, readBody } from './read-body.js';
import { sameSecret } from './same-secret.js';

export interface LocalApiOptions {
  authenticate: Authenticate;
  /**
   * Whether a request carries a credential this server knows, checked before any route runs (where API
   * Gateway's IAM auth stands): throws `UnauthenticatedError` (401) when not. By default `authenticate`.
   */
  admit?: Admit;
  /**
   * Where this process writes its errors (the control plane's `control-plane.log`): a 500 names it, rather than
   * the function logs a deployed stack's answer points to, and so does an intent's progress.
   */
  logFile?: string;
  /** The control plane's own routes under `/local/`; absent for a plain API server. */
  local?: {
    progress: ProgressLog;
    /**
     * This start of the control plane, named in each progress answer: a follower whose client started the next
     * one (this one died) reads that one's events from 0.
     */
    instance: string;
    stop: () => void;
    secret: string;
    /** The virtual clock's executions (`DiscreteEventScheduler.load`), for the health route; absent on wall time. */
    clockLoad?: () => { members: number; sleeping: number; outside: number };
    /** The clock its executions wait on, as ITV_CLOCK chose when it started: what reports of its times name. */
    clockMode: 'virtual' | 'wall';
    /**
     * The identity of the sources it runs (cli/build-identity.ts), which the health route names: a command built
     * from others restarts it, or says why not (cli/control-plane/client.ts). Absent where unknown.
     */
    build?: string;
  };
}

/**
 * Routes of the API Gateway stack, answered by the same handler functions over local HTTP; the control
 * plane adds what only a local client needs under `/local/`: an intent's stage-by-stage progress, its health
 * and a stop.
 */
export function localApi(
  stack: Pick<LocalStack, 'deps'> & { home?: string },
  executions: LocalExecutions,
  options: LocalApiOptions,
) {
  const { deps } = stack;
  const { authenticate, local } = options;
  // The home the health route names, so that a client of another home (a copy, a moved one) sends nothing here.
  const servedHome = stack.home === undefined ? undefined : homeIdentity(stack.home);
  const admit: Admit = options.admit ?? ((event, catalog) => void authenticate(event, catalog));
  const handlers: Record<ApiRouteKey, Route> = {
    'POST /intents': (event) => submitIntent(event, executions, deps, deps.clock.now(), authenticate),
    'GET /intents': (event) => listIntentsRoute(event, deps),
    'GET /intents/{id}': (event) => getIntent(event, deps),
    'POST /intents/{id}/review': withSlot(executions, (event) =>
      reviewIntent(event, deps, executions, authenticate),
    ),
    'POST /intents/{id}/release-decision': withSlot(executions, (event) =>
      decideRelease(event, deps, executions, authenticate),
    ),
    'POST /intents/{id}/stop': withSlot(executions, (event) =>
      stopIntent(event, deps, executions, authenticate),
    ),
    'POST /intents/{id}/retry': (event) =>
      retryIntent(event, executions, deps, deps.clock.now(), authenticate),
    'PUT /intents/{id}/checks/{name}': (event) =>
      reportCheckRoute(event, { ...deps, laneWake: executions.checksWake }, authenticate),
    'GET /intents/{id}/evidence': (event) => getEvidence(event, deps),
    'GET /ledger': (event) => exportLedger(event, deps.ledger, deps.ledgerName),
    'GET /ledger/checkpoints': () => getCheckpoints(deps.evidence, deps.ledgerName, deps.publicKey),
    'GET /value': (event) => reportValue(event, deps),
    'POST /delegations': (event) => grantDelegationRoute(event, deps, deps.clock.now(), authenticate),
    'GET /delegations': (event) => listDelegationsRoute(event, deps, deps.clock.now()),
    'GET /delegations/{id}': (event) => getDelegationRoute(event, deps, deps.clock.now()),
    'GET /intents/{id}/checks/{name}': (event) => getCheckReport(event, deps),
    'GET /openapi.json': () => getOpenApi(),
    'POST /payloads': (event) => putPayload(event, deps, authenticate),
    'DELETE /delegations/{id}': (event) => revokeDelegationRoute(event, deps, deps.clock.now(), authenticate),
  };
  // An execution that failed without recording it (`followIntent` says so, and where the log is).
  const unrecordedOf = (id: string) => {
    const unrecorded = executions.unrecordedFailure(id);
    return {
      ...(unrecorded ? { unrecorded } : {}),
      ...(options.logFile ? { log: options.logFile } : {}),
    };
  };
  const routes: ApiRoute[] = apiRoutes.map((route) => ({ ...route }));
  const localRoutes: Array<[string, RegExp, Route]> = [];
  if (local) {
    localRoutes.push(
      [
        'GET',
        /^\/local\/intents\/([^/]+)\/progress$/,
        async (event) => {
          const id = event.pathParameters?.id ?? '';
          const after = Number(event.queryStringParameters?.after ?? 0);
          return json(200, {
            // The events after `after` it keeps, and `skipped`: how many before them it no longer does.
            ...local.progress.since(id, Number.isInteger(after) ? after : 0),
            running: executions.isRunning(id),
            instance: local.instance,
            ...unrecordedOf(id),
          });
        },
      ],
      [
        'GET',
        /^\/local\/health$/,
        async (event) => {
          // `?collect=1`: the heap figure after a full collection, to measure what the work left behind.
          if (event.queryStringParameters?.collect === '1') collectGarbage();
          return json(200, {
            pid: process.pid,
            ...(servedHome === undefined ? {} : { home: servedHome }),
            now: deps.clock.now(),
            clockMode: local.clockMode,
            running: executions.inFlight,
            // Those at work, less those parked on others: what keeps it from stopping when idle.
            working: executions.working,
            limit: executions.maxInFlight,
            ...(local.build === undefined ? {} : { build: local.build }),
            ...(local.clockLoad ? { clock: local.clockLoad() } : {}),
            heapUsedBytes: process.memoryUsage().heapUsed,
          });
        },
      ],
      [
        'POST',
        /^\/local\/stop$/,
        async () => {
          local.stop();
          // Those running stop at their next safe point and resume at the next start.
          return json(202, {
            stopping: true,
            running: executions.inFlight,
            resumeAtNextStart: executions.runningIntents,
          });
        },
      ],
    );
  }
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = requestTarget(request.url);
    let result = !url
      ? notAPath()
      : url.pathname.startsWith('/local/')
        ? await answerLocal(request, url)
        : await answerApi(request, url);
    if (options.logFile) result = pointingToLog(result, options.logFile);
    response.writeHead(result.statusCode, { 'content-type': 'application/json', ...(result.headers ?? {}) });
    response.end(result.body);
    // Whatever of the body was left unread (a refused upload) is read and dropped, never held.
    request.resume();
  };

  async function answerLocal(request: IncomingMessage, url: URL): Promise<APIGatewayProxyResult> {
    // In constant time, as every other secret of the home is compared.
    if (!local || !sameSecret(request.headers.authorization, `ItvLocal ${local.secret}`)) {
      // Only the CLI, which reads the secret from ITV_HOME, may follow, probe or stop the control plane.
      return problem(
        401,
        'Unauthorized',
        'the /local/ routes are for the itv CLI of this home',
        { issues: [{ path: 'authorization', message: 'must be ItvLocal <the secret in ITV_HOME>' }] },
        {
          'www-authenticate': 'ItvLocal',
        },
      );
    }
    const route = localRoutes.find(([method, path]) => method === request.method && path.test(url.pathname));
    if (!route) return noRouteProblem(url.pathname);
    // Decoded as the API's own routes decode theirs: an attempt's id (`<id>:attempt-<n>`) arrives as `%3A`.
    const raw = route[1].exec(url.pathname)?.[1];
    const id = raw === undefined ? undefined : decodePathParameter(raw);
    if (id === null) {
      return problem(
        400,
        'InvalidInputError',
        `the path ${url.pathname} holds a malformed percent-encoding`,
        {
          issues: [{ path: 'path.id', message: 'is not valid percent-encoded UTF-8' }],
          instance: url.pathname,
        },
      );
    }
    return route[2](apiEvent(request, url, '', id === undefined ? {} : { id }));
  }

  async function answerApi(request: IncomingMessage, url: URL): Promise<APIGatewayProxyResult> {
    // Every route, a read as much as a write, and an unknown path too: as API Gateway's IAM auth answers 401
    // before it routes, a request without a credential learns nothing of what is here.
    try {
      admit(apiEvent(request, url, '', {}), deps.catalog);
    } catch (error) {
      return asProblem(errorResponse(error), url.pathname);
    }
    const matched = matchRoute(request.method ?? '', url.pathname, routes);
    if (!matched) return noRouteProblem(url.pathname);
    if ('allowed' in matched) return methodNotAllowed(request.method ?? '', url.pathname, matched.allowed);
    const { route, parameters } = matched;
    const handle = withConventions(route, handlers[routeKey(route) as ApiRouteKey]);
    const decoded: Record<string, string> = {};
    for (const [name, raw] of Object.entries(parameters)) {
      const value = decodePathParameter(raw);
      if (value === null) {
        return problem(
          400,
          'InvalidInputError',
          `the path ${url.pathname} holds a malformed percent-encoding`,
          {
            issues: [{ path: `path.${name}`, message: 'is not valid percent-encoded UTF-8' }],
            instance: url.pathname,
          },
        );
      }
      decoded[name] = value;
    }
    // A compressed body is refused before a byte of it is read (as withConventions refuses it on Lambda).
    const compressed = announcesBody(request)
      ? compressedBodyRefusal(request.headers['content-encoding'])
      : undefined;
    if (compressed) return asProblem(compressed, url.pathname);
    // Refused from its Content-Length before a byte of it is read.
    const limit = bodyLimitOf(route);
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (declared > limit) return asProblem(tooLarge(`${declared} bytes`, route), url.pathname);
    let body: string | undefined;
    try {
      body = await readBody(request, limit);
    } catch (error) {
      return asProblem(errorResponse(error), url.pathname);
    }
    if (body === undefined) return asProblem(tooLarge(`more than ${limit} bytes`, route), url.pathname);
    const leaked = local === undefined ? undefined : ownSecretIn(body, local.secret);
    if (leaked !== undefined) {
      // Never recorded, never echoed: the secret acts as anyone, and the ledger is read by every token holder.
      return problem(400, 'InvalidInputError', "the request holds this control plane's own secret", {
        issues: [
          {
            path: leaked,
            message:
              "holds this control plane's own secret (the ItvLocal credential in ITV_HOME, which acts as any principal): a credential is never recorded",
          },
        ],
        instance: url.pathname,
      });
    }
    return handle(apiEvent(request, url, body, decoded));
  }
}

/** A path parameter decoded as API Gateway decodes it; null for a malformed percent-encoding (400, not 500). */
function decodePathParameter(id: string): string | null {
  try {
    return decodeURIComponent(id);
  } catch {
    return null;
  }
}

/** Every value of each query parameter, in order, as API Gateway's `multiValueQueryStringParameters` holds them. */
function multiValuesOf(parameters: URLSearchParams): Record<string, string[]> | null {
  const names = [...new Set(parameters.keys())];
  return names.length > 0 ? Object.fromEntries(names.map((name) => [name, parameters.getAll(name)])) : null;
}

/** The request as API Gateway's proxy integration hands it to a function (only what the handlers read). */
/** A 500 of the API's routes, naming the log this process writes its errors to. */
function pointingToLog(result: APIGatewayProxyResult, logFile: string): APIGatewayProxyResult {
  if (result.statusCode !== 500) return result;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(result.body) as Record<string, unknown>;
  } catch {
    return result;
  }
  if (body.message !== internalErrorMessage) return result;
  const message = `the request failed; see the control plane's log, ${logFile}`;
  return { ...result, body: JSON.stringify({ ...body, message, detail: message }) };
}

function apiEvent(
  request: IncomingMessage,
  url: URL,
  body: string,
  parameters: Record<string, string>,
): APIGatewayProxyEvent {
  return {
    httpMethod: request.method,
    path: url.pathname,
    body,
    isBase64Encoded: false,
    pathParameters: Object.keys(parameters).length > 0 ? parameters : null,
    queryStringParameters: Object.fromEntries(url.searchParams),
    multiValueQueryStringParameters: multiValuesOf(url.searchParams),
    headers: headersOf(request),
    requestContext: { identity: { userArn: null } },
  } as unknown as APIGatewayProxyEvent;
}

/**
 * The review and release-decision routes resume an execution, so each runs only with a slot among the executions in flight; when
 * none is free it answers 429 with Retry-After before authenticating or reading the ledger, so a refused
 * review is not recorded and its client tries again later, as API Gateway throttling answers. (A submission
 * is checked in `LocalExecutions.start`, where a resubmission is known to need no place.)
 */
function withSlot(executions: LocalExecutions, route: Route): Route {
  return async (event) => {
    const slot = executions.reserve();
    if (!slot) {
      const seconds = executions.retryAfterSeconds;
      return {
        ...json(429, {
          error: 'TooManyRequests',
          message: `${executions.maxInFlight} executions are in flight, the control plane's limit (${maxInFlightVariable}); retry after ${seconds} s`,
        }),
        headers: { 'retry-after': String(seconds) },
      };
    }
    try {
      return await route(event);
    } finally {
      slot.release();
    }
  };
}

function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, body: JSON.stringify(body) };
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  }
  return headers;
}
