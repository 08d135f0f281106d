import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { bodyLimitOf, compressedBodyRefusal, tooLarge } from '../../lambdas/api/conventions.js';
import { errorResponse, unauthenticatedProblem } from '../../lambdas/api/http.js';
import { asProblem, noRouteProblem, problem } from '../../lambdas/api/problem.js';
import { matchRoute } from '../../lambdas/api/routes.js';
import { UnauthenticatedError } from '../../lambdas/core/errors.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { buildIdentity, sourcesNow } from '../build-identity.js';
import { controlPlane } from '../control-plane/client.js';
import { announcesBody, readBody } from '../control-plane/read-body.js';
import { listenLocally, portOption } from '../port-option.js';
import { dotSegmentProblem, notAPath, requestTarget } from '../request-target.js';
import { bearerPrincipal, bearerToken, checkTokensFile, tokenPrincipal } from '../runtime/local-tokens.js';
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
  // A tokens file another user could have written is refused before anything listens.
  checkTokensFile(home);
  // As any command: a control plane built from other sources is restarted on this one's when idle, else refused.
  const first = await controlPlane(home);
  const served = await ServedBuild.start(first.build);
  const principalOf = (authorization: string | undefined) => {
    const token = bearerToken(authorization);
    return token === undefined ? undefined : tokenPrincipal(home, token);
  };
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    served.checkSources();
    const noteFailure = logAccess(request, response, principalOf, undefined, () => served.warning());
    relay(home, request, response, served).catch((error: unknown) => {
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
  // docs/API.md: every error is application/problem+json, those Node's parser answers before `handle` among them.
  server.on('clientError', answerClientError);
  // A client that asks before sending its body (Expect: 100-continue) is invited only when the body it announces
  // fits the route; one over the limit gets its 413 before it uploads a byte (Node would invite it first).
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (!bodyLimitFor(request).over && unauthenticated(home, request) === undefined) response.writeContinue();
    handle(request, response);
  });
  // A port in use is the caller's to change: refused naming --port, not thrown as an unhandled event.
  const bound = await listenLocally(server, port, 'itv serve');
  const sources = served.own === undefined ? {} : { build: served.own };
  if (options.json) {
    console.log(
      JSON.stringify({
        url: `http://127.0.0.1:${bound}`,
        home,
        controlPlanePid: first.address.pid,
        ...sources,
      }),
    );
  } else {
    console.log(
      `itv API on http://127.0.0.1:${bound}  (every route: GET http://127.0.0.1:${bound}/openapi.json describes them)`,
    );
    console.log(
      `serving ${home} through its control plane (pid ${first.address.pid})${served.own === undefined ? '' : `, built from sources ${served.own}`}; ` +
        'after an edit of the catalog, policies or code, restart itv serve to serve them (each access-log line warns until then)',
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

/**
 * What `itv serve` serves: the sources it was started from, which the control plane it started with runs too.
 * Either may change while it runs: the sources on disk (the catalog, policies or code edited: the control plane
 * goes on answering from the old ones until it stops, which constant traffic may never let it) and the control
 * plane answering (one a command of another build restarted, or one started after the last stopped idle, from the
 * sources as they are then). `itv serve` restarts nothing itself — it would go on relaying with its own, older
 * code, and a server restarting its control plane under its clients' in-flight releases is no less a surprise — it
 * says so on every access-log line, until it is restarted.
 */
class ServedBuild {
  /** How often, at most, the sources on disk are read again (~40 ms each time), when requests come. */
  static readonly checkEveryMs = 5000;
  private answering: string | undefined;
  private changedTo: string | undefined;
  private lastCheck = Date.now();
  private checking = false;

  private constructor(
    /** The identity of the sources this process runs; undefined when it was not started by `bin/itv.js`. */
    readonly own: string | undefined,
    /** Those on disk as it started: ITV_BUILD_IDENTITY may name `own` otherwise, for tests. */
    private readonly atStart: string | undefined,
    answering: string | undefined,
  ) {
    this.answering = answering;
  }

  static async start(answering: string | undefined): Promise<ServedBuild> {
    const own = await buildIdentity();
    return new ServedBuild(own, own === undefined ? undefined : await sourcesNow(), answering);
  }

  /** The control plane that answered a request names the build it runs. */
  answeredBy(build: string | undefined): void {
    this.answering = build;
  }

  /** Reads the sources on disk again, in the background, when the last reading is old enough. */
  checkSources(): void {
    if (this.atStart === undefined || this.checking) return;
    if (Date.now() - this.lastCheck < ServedBuild.checkEveryMs) return;
    this.checking = true;
    this.lastCheck = Date.now();
    (sourcesNow() ?? Promise.resolve(undefined))
      .then((now) => {
        this.changedTo = now !== undefined && now !== this.atStart ? now : undefined;
      })
      .catch(() => undefined)
      .finally(() => {
        this.checking = false;
      });
  }

  /** What each access-log line warns of: undefined while it serves what it started with. */
  warning(): string | undefined {
    if (this.own === undefined) return undefined;
    const restart = 'restart itv serve (Ctrl-C, then itv serve) to serve the sources as they are now';
    if (this.answering !== this.own) {
      const theirs = this.answering === undefined ? 'an earlier itv' : `sources ${this.answering}`;
      return `itv serve runs the build of sources ${this.own}, and the control plane that answers was built from other ones (${theirs}): the catalog, policies or code changed since itv serve started; ${restart}`;
    }
    if (this.changedTo !== undefined) {
      return `itv serve and its control plane run the build of sources ${this.own}, and the sources changed since (${this.changedTo} now): answers still follow the old catalog, policies and code; ${restart}`;
    }
    return undefined;
  }
}

async function relay(
  home: string,
  request: IncomingMessage,
  response: ServerResponse,
  served: ServedBuild,
): Promise<void> {
  const url = requestTarget(request.url);
  if (url === undefined) {
    const refused = notAPath();
    response.writeHead(refused.statusCode, refused.headers as Record<string, string>);
    response.end(refused.body);
    return;
  }
  // A segment of dots alone reaches the API as sent, as through API Gateway, not as the step up a URL reads it as.
  const dots = dotSegmentProblem(request.method ?? 'GET', request.url);
  if (dots !== undefined && unauthenticated(home, request) === undefined) {
    response.writeHead(dots.statusCode, dots.headers as Record<string, string>);
    response.end(dots.body);
    request.resume();
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
  // Started again if it stopped while idle; found at once while it runs, whatever it was built from (said in the
  // access log: restarting it here would fight every command of another build that restarts it on its own).
  const target = await controlPlane(home, { otherBuild: 'accept' });
  served.answeredBy(target.build);
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
