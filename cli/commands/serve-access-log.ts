import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchRoute } from '../../lambdas/api/routes.js';
import { requestTarget } from '../request-target.js';

/**
 * One line of `itv serve`'s access log, written as JSON Lines to stderr: the fields of API Gateway's
 * `AccessLogFormat.jsonWithStandardFields()` that a local server has (`requestId`, `ip`, `requestTime`,
 * `httpMethod`, `resourcePath`, `status`, `responseLength`), with `path` (the request path, never its query
 * string, which may carry a cursor or other values a caller would not want kept), `durationMs` and the
 * `principal` the bearer token was issued to (null when the request names none, or one nobody issued).
 * The Authorization header and the body are never written. A request whose client closed the connection before
 * it was answered is logged once, with `status` 499 (nginx's "client closed request"): no answer was sent.
 * `error` is present only when `itv serve` could not relay the request (its 502), naming why. `warning` is present
 * only when `itv serve` no longer serves what it started with (cli/commands/serve.ts, `ServedBuild`): the sources
 * changed on disk since, or the control plane answering was built from other ones.
 */
export interface AccessLogLine {
  requestId: string;
  requestTime: string;
  ip: string | null;
  httpMethod: string;
  path: string;
  /** The route's template (`/intents/{id}`), null for a path no route declares. */
  resourcePath: string | null;
  status: number;
  responseLength: number;
  durationMs: number;
  principal: string | null;
  error?: string;
  warning?: string;
}

/**
 * Writes one access-log line for `request` once its answer is sent (or its connection closes first, as 499).
 * `principalOf` names who the request's credential belongs to, if anybody, and is asked only after the answer,
 * so a refused credential (401) is logged with none; `warningOf`, asked then too, what the line warns of, if
 * anything. Returns how to note why the request could not be relayed.
 */
export function logAccess(
  request: IncomingMessage,
  response: ServerResponse,
  principalOf: (authorization: string | undefined) => string | undefined,
  write: (line: string) => void = (line) => process.stderr.write(line),
  warningOf: () => string | undefined = () => undefined,
): (failure: string) => void {
  const started = process.hrtime.bigint();
  const requestTime = new Date().toISOString();
  // Read now: once the client hangs up, its socket no longer says where it was.
  const ip = request.socket.remoteAddress ?? null;
  let responseLength = 0;
  const end = response.end.bind(response);
  response.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) responseLength = Buffer.byteLength(chunk);
    return (end as (...args: unknown[]) => ServerResponse)(chunk, ...rest);
  }) as ServerResponse['end'];
  let written = false;
  let error: string | undefined;
  const once = () => {
    if (written) return;
    written = true;
    const path = pathOf(request.url);
    const matched = matchRoute(request.method ?? '', path);
    const principal =
      response.statusCode === 401 ? undefined : principalOf(request.headers.authorization ?? undefined);
    const warning = warningOf();
    const line: AccessLogLine = {
      requestId: randomUUID(),
      requestTime,
      ip,
      httpMethod: request.method ?? '',
      path,
      resourcePath:
        matched === undefined ? null : 'route' in matched ? matched.route.path : matched.resourcePath,
      // Closed before the answer was all sent: whatever status was set, the client was not answered.
      status: response.writableFinished ? response.statusCode : clientClosedRequest,
      responseLength,
      durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      principal: principal ?? null,
      ...(error === undefined ? {} : { error }),
      ...(warning === undefined ? {} : { warning }),
    };
    write(`${JSON.stringify(line)}\n`);
  };
  response.once('finish', once);
  response.once('close', once);
  return (failure) => {
    error = failure;
  };
}

/** The status an access-log line gives a request whose client closed the connection before it was answered. */
export const clientClosedRequest = 499;

/** The request's path without its query string (or fragment). */
function pathOf(url: string | undefined): string {
  return requestTarget(url)?.pathname ?? (url ?? '').slice(0, 200);
}
