import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Authenticate } from '../../lambdas/api/caller.js';
import { exportLedger } from '../../lambdas/api/export-ledger.js';
import { getCheckpoints } from '../../lambdas/api/get-checkpoints.js';
import { getEvidence } from '../../lambdas/api/get-evidence.js';
import { getIntent } from '../../lambdas/api/get-intent.js';
import { grantDelegationRoute } from '../../lambdas/api/grant-delegation.js';
import { decideRelease } from '../../lambdas/api/release-decision.js';
import { reportValue } from '../../lambdas/api/report-value.js';
import { reviewIntent } from '../../lambdas/api/review-intent.js';
import { revokeDelegationRoute } from '../../lambdas/api/revoke-delegation.js';
import { submitIntent } from '../../lambdas/api/submit-intent.js';
import type { LocalStack } from '../../lambdas/wiring/local/local-stack.js';
import type { LocalExecutions } from '../runtime/local-executions.js';
import { maxInFlightVariable } from './capacity.js';
import { collectGarbage } from './collect-garbage.js';
import type { ProgressLog } from './progress-log.js';

type Route = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface LocalApiOptions {
  authenticate: Authenticate;
  /** The control plane's own routes under `/local/`; absent for a plain API server. */
  local?: { progress: ProgressLog; stop: () => void; secret: string };
}

/**
 * Routes of the API Gateway stack, answered by the same handler functions over local HTTP; the control
 * plane adds what only a local client needs under `/local/`: an intent's stage-by-stage progress, its health
 * and a stop.
 */
export function localApi(
  stack: Pick<LocalStack, 'deps'>,
  executions: LocalExecutions,
  options: LocalApiOptions,
) {
  const { deps } = stack;
  const { authenticate, local } = options;
  const routes: Array<[string, RegExp, Route]> = [
    ['POST', /^\/intents$/, (event) => submitIntent(event, executions, deps, deps.clock.now(), authenticate)],
    ['GET', /^\/intents\/([^/]+)$/, (event) => getIntent(event, deps.ledger, deps.ledgerName)],
    [
      'POST',
      /^\/intents\/([^/]+)\/review$/,
      withSlot(executions, (event) => reviewIntent(event, deps, executions, authenticate)),
    ],
    ['GET', /^\/intents\/([^/]+)\/evidence$/, (event) => getEvidence(event, deps.evidence)],
    ['GET', /^\/ledger$/, (event) => exportLedger(event, deps.ledger, deps.ledgerName)],
    ['GET', /^\/ledger\/checkpoints$/, () => getCheckpoints(deps.evidence, deps.ledgerName, deps.publicKey)],
    ['GET', /^\/value$/, (event) => reportValue(event, deps.ledger, deps.ledgerName)],
    ['POST', /^\/delegations$/, (event) => grantDelegationRoute(event, deps, deps.clock.now(), authenticate)],
    [
      'DELETE',
      /^\/delegations\/([^/]+)$/,
      (event) => revokeDelegationRoute(event, deps, deps.clock.now(), authenticate),
    ],
    [
      'POST',
      /^\/intents\/([^/]+)\/release-decision$/,
      withSlot(executions, (event) => decideRelease(event, deps, executions, authenticate)),
    ],
  ];
  if (local) {
    routes.push(
      [
        'GET',
        /^\/local\/intents\/([^/]+)\/progress$/,
        async (event) => {
          const id = event.pathParameters?.id ?? '';
          const after = Number(event.queryStringParameters?.after ?? 0);
          return json(200, {
            events: local.progress.since(id, Number.isInteger(after) ? after : 0),
            running: executions.isRunning(id),
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
            now: deps.clock.now(),
            running: executions.inFlight,
            limit: executions.maxInFlight,
            heapUsedBytes: process.memoryUsage().heapUsed,
          });
        },
      ],
      [
        'POST',
        /^\/local\/stop$/,
        async () => {
          local.stop();
          return json(202, { stopping: true, running: executions.inFlight });
        },
      ],
    );
  }
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = routes.find(([method, path]) => method === request.method && path.test(url.pathname));
    let result: APIGatewayProxyResult;
    if (url.pathname.startsWith('/local/') && request.headers.authorization !== `ItvLocal ${local?.secret}`) {
      // Only the CLI, which reads the secret from ITV_HOME, may follow, probe or stop the control plane.
      result = json(401, {
        error: 'Unauthorized',
        message: 'the /local/ routes are for the itv CLI of this home',
      });
    } else if (!route) {
      result = json(404, { error: 'NotFound', message: `${request.method} ${url.pathname}` });
    } else {
      const id = route[1].exec(url.pathname)?.[1];
      const decoded = id === undefined ? undefined : decodePathParameter(id);
      const body = decoded === null ? '' : await readBody(request, maxBodyBytes);
      if (decoded === null) {
        result = json(400, {
          error: 'InvalidInputError',
          message: `the path ${url.pathname} holds a malformed percent-encoding`,
          issues: [{ path: 'path.id', message: 'is not valid percent-encoded UTF-8' }],
        });
      } else if (body === undefined) {
        result = json(413, {
          error: 'PayloadTooLarge',
          message: `the request body is larger than ${maxBodyBytes} bytes, the most this API reads (API Gateway's limit is 10 MB)`,
        });
      } else {
        result = await route[2](apiEvent(request, url, body, decoded));
      }
    }
    response.writeHead(result.statusCode, { 'content-type': 'application/json', ...(result.headers ?? {}) });
    response.end(result.body);
  };
}

/** API Gateway's request limit is 10 MB; a little more lets a 10 MB field be refused by its own limit. */
const maxBodyBytes = 16 * 1024 * 1024;

/** A path parameter decoded as API Gateway decodes it; null for a malformed percent-encoding (400, not 500). */
function decodePathParameter(id: string): string | null {
  try {
    return decodeURIComponent(id);
  } catch {
    return null;
  }
}

/** The request as API Gateway's proxy integration hands it to a function (only what the handlers read). */
function apiEvent(
  request: IncomingMessage,
  url: URL,
  body: string,
  id: string | undefined,
): APIGatewayProxyEvent {
  return {
    httpMethod: request.method,
    path: url.pathname,
    body,
    isBase64Encoded: false,
    pathParameters: id ? { id } : null,
    queryStringParameters: Object.fromEntries(url.searchParams),
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

/**
 * The body as text; undefined once it passes `limit` bytes: the rest is read and dropped (ending the stream
 * early would reset the connection before the client reads the answer), so no request holds the memory.
 */
async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks).toString('utf8');
}
