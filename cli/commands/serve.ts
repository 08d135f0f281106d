import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { bodyLimitOf, compressedBodyRefusal, tooLarge } from '../../lambdas/api/conventions.js';
import { errorResponse, unauthenticatedProblem } from '../../lambdas/api/http.js';
import { asProblem, noRouteProblem, problem } from '../../lambdas/api/problem.js';
import { matchRoute } from '../../lambdas/api/routes.js';
import { UnauthenticatedError } from '../../lambdas/core/errors.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { controlPlane } from '../control-plane/client.js';
import { announcesBody, readBody } from '../control-plane/read-body.js';
import { portOption } from '../port-option.js';
import { notAPath, requestTarget } from '../request-target.js';
import { bearerPrincipal, bearerToken, tokenPrincipal } from '../runtime/local-tokens.js';
import { logAccess } from './serve-access-log.js';
import { answerClientError } from './serve-client-error.js';

/** Headers `itv serve` passes on to the control plane: those the handlers read. */
const forwarded = ['authorization', 'content-type', 'idempotency-key'];

/**
 * Headers of the control plane's answer `itv serve` does not pass back: those of one connection (RFC 9110
 * §7.6.1), and those describing the body as it came over the wire, which this server frames anew. Every other
 * header the API answers with (Location, Retry-After, Idempotent-Replayed, Link …) reaches the client.
 */
const notReturned = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'content-encoding',
  'date',
]);

/**
 * `itv serve`: the API Gateway routes on 127.0.0.1, as a client of the home's control plane, which answers
 * them with the same handler functions. Where API Gateway verifies a SigV4 signature, the control plane
 * verifies a bearer token `itv token` issued; only its `/local/` routes are kept from outside callers.
 */
export async function serveCommand(options: { port?: string; json?: boolean }): Promise<number> {
  const port = portOption(options.port, 8787, 'itv serve');
  const home = itvHome();
  await controlPlane(home);
  const principalOf = (authorization: string | undefined) => {
    const token = bearerToken(authorization);
    return token === undefined ? undefined : tokenPrincipal(home, token);
  };
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const noteFailure = logAccess(request, response, principalOf);
    relay(home, request, response).catch((error: unknown) => {
      // Said in the request's access-log line, which stays one JSON line: never a stack on the log stream.
      noteFailure(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      if (response.destroyed) return;
      const failed = problem(502, 'BadGateway', 'the control plane did not answer', {
        instance: requestTarget(request.url)?.pathname ?? '/',
      });
      if (!response.headersSent)
        response.writeHead(failed.statusCode, failed.headers as Record<string, string>);
      response.end(failed.body);
    });
  };
  const server = createServer(handle);
  // README: every error is application/problem+json, those Node's parser answers before `handle` among them.
  server.on('clientError', answerClientError);
  // A client that asks before sending its body (Expect: 100-continue) is invited only when the body it announces
  // fits the route; one over the limit gets its 413 before it uploads a byte (Node would invite it first).
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (!bodyLimitFor(request).over && unauthenticated(home, request) === undefined) response.writeContinue();
    handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    // A port in use is the caller's to change: said as such (cli/main.ts), not thrown as an unhandled event.
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  if (options.json) console.log(JSON.stringify({ url: `http://127.0.0.1:${bound}` }));
  else {
    console.log(
      `itv API on http://127.0.0.1:${bound}  (every route: GET http://127.0.0.1:${bound}/openapi.json describes them)`,
    );
    console.log(
      'every request names its caller with Authorization: Bearer <token>; `itv token PRINCIPAL` issues one.',
    );
    console.log('access log: one JSON line per request on stderr. Ctrl-C stops.');
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return 0;
}

async function relay(home: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = requestTarget(request.url);
  if (url === undefined) {
    const refused = notAPath();
    response.writeHead(refused.statusCode, refused.headers as Record<string, string>);
    response.end(refused.body);
    return;
  }
  if (url.pathname.startsWith('/local/')) {
    const hidden = noRouteProblem(url.pathname);
    response.writeHead(hidden.statusCode, hidden.headers as Record<string, string>);
    response.end(hidden.body);
    return;
  }
  // Refused here too, before a byte is read or relayed: Content-Encoding is not passed on.
  const compressed = announcesBody(request)
    ? compressedBodyRefusal(request.headers['content-encoding'])
    : undefined;
  if (compressed !== undefined) {
    const refused = asProblem(compressed, url.pathname);
    response.writeHead(refused.statusCode, refused.headers as Record<string, string>);
    response.end(refused.body);
    request.resume();
    return;
  }
  // Who asks comes before what they send, as API Gateway's IAM auth and the control plane answer: a request
  // without a live token is 401 before its body is read, however large it says it is.
  const refusal = announcesBody(request) ? unauthenticated(home, request) : undefined;
  if (refusal !== undefined) {
    // Answered without the function log's audit line: the access log's line (401, no principal) records it, and
    // stderr stays one JSON line per request.
    const answer =
      refusal instanceof UnauthenticatedError ? unauthenticatedProblem(refusal) : errorResponse(refusal);
    const refused = asProblem(answer, url.pathname);
    response.writeHead(refused.statusCode, refused.headers as Record<string, string>);
    response.end(refused.body);
    request.resume();
    return;
  }
  // The body limit holds here too, before a byte is read when Content-Length says it is over.
  const { route, limit, over } = bodyLimitFor(request);
  const read = over ? undefined : await readBody(request, limit).catch((error: unknown) => error as Error);
  // The client went away before its body ended: nobody is left to answer (the access log says 499).
  if (read instanceof Error && !request.complete) return;
  if (read instanceof Error) {
    const refused = asProblem(errorResponse(read), url.pathname);
    response.writeHead(refused.statusCode, refused.headers as Record<string, string>);
    response.end(refused.body);
    return;
  }
  const body = read;
  if (body === undefined) {
    const refused = asProblem(tooLarge(`more than ${limit} bytes`, route), url.pathname);
    response.writeHead(refused.statusCode, refused.headers as Record<string, string>);
    response.end(refused.body);
    request.resume();
    return;
  }
  // fetch cannot send a body on GET or HEAD, and no route of either reads one: refused, not relayed.
  if (body.length > 0 && (request.method === 'GET' || request.method === 'HEAD')) {
    const message = `a ${request.method} request carries no body`;
    const refused = problem(400, 'InvalidInputError', message, {
      instance: url.pathname,
      issues: [{ path: 'body', message }],
    });
    response.writeHead(refused.statusCode, refused.headers as Record<string, string>);
    response.end(refused.body);
    return;
  }
  // Started again if it stopped while idle; found at once while it runs.
  const target = await controlPlane(home);
  const headers: Record<string, string> = {};
  for (const name of forwarded) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const answer = await fetch(`${target.address.url}${url.pathname}${url.search}`, {
    method: request.method,
    headers,
    // As bytes: a string body would have fetch add `text/plain;charset=UTF-8` where the client sent no type.
    body: body.length > 0 ? Buffer.from(body, 'utf8') : undefined,
  });
  const back: Record<string, string> = { 'content-type': 'application/json' };
  answer.headers.forEach((value, name) => {
    if (!notReturned.has(name)) back[name] = value;
  });
  response.writeHead(answer.status, back);
  response.end(Buffer.from(await answer.arrayBuffer()));
}

/** Why `request` is refused as unauthenticated (no live bearer token), or undefined when it carries one. */
function unauthenticated(home: string, request: IncomingMessage): Error | undefined {
  try {
    bearerPrincipal(home, request.headers.authorization);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** The route a request is for, its body limit, and whether the Content-Length it declares is over that limit. */
function bodyLimitFor(request: IncomingMessage) {
  const matched = matchRoute(request.method ?? 'GET', requestTarget(request.url)?.pathname ?? '');
  const route = matched && 'route' in matched ? matched.route : {};
  const limit = bodyLimitOf(route);
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  return { route, limit, over: declared > limit };
}
