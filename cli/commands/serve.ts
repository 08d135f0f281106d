import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { getIntent } from '../../lambdas/api/get-intent.js';
import { reviewIntent } from '../../lambdas/api/review-intent.js';
import { submitIntent } from '../../lambdas/api/submit-intent.js';
import { LocalExecutions } from '../runtime/local-executions.js';
import { bearerCaller } from '../runtime/local-tokens.js';
import { type Session, withSession } from '../session.js';

type Route = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/**
 * Routes of the API Gateway stack, answered by the same handler functions over local HTTP. Where API
 * Gateway verifies a SigV4 signature, `itv serve` verifies a bearer token `itv token` issued; the handlers
 * then apply the same rules to the principal either resolves to.
 */
export function localApi(session: Session, executions: LocalExecutions) {
  const { deps } = session.stack;
  const authenticate = bearerCaller(session.stack.home);
  const routes: Array<[string, RegExp, Route]> = [
    ['POST', /^\/intents$/, (event) => submitIntent(event, executions, deps, deps.clock.now(), authenticate)],
    ['GET', /^\/intents\/([^/]+)$/, (event) => getIntent(event, deps.ledger, deps.ledgerName)],
    ['POST', /^\/intents\/([^/]+)\/review$/, (event) => reviewIntent(event, deps, executions, authenticate)],
  ];
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = routes.find(([method, path]) => method === request.method && path.test(url.pathname));
    let result: APIGatewayProxyResult;
    if (!route) {
      result = {
        statusCode: 404,
        body: JSON.stringify({ error: 'NotFound', message: `${request.method} ${url.pathname}` }),
      };
    } else {
      const id = route[1].exec(url.pathname)?.[1];
      const authorization = request.headers.authorization;
      const event = {
        httpMethod: request.method,
        path: url.pathname,
        body: await readBody(request),
        isBase64Encoded: false,
        pathParameters: id ? { id: decodeURIComponent(id) } : null,
        headers: authorization ? { authorization } : {},
        requestContext: { identity: { userArn: null } },
      } as unknown as APIGatewayProxyEvent;
      result = await route[2](event);
    }
    response.writeHead(result.statusCode, { 'content-type': 'application/json', ...(result.headers ?? {}) });
    response.end(result.body);
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `itv serve`: the API on 127.0.0.1 until interrupted. */
export async function serveCommand(options: { port?: string }): Promise<number> {
  const port = Number(options.port ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, got ${options.port}`);
    return 1;
  }
  return withSession({}, async (session) => {
    const executions = new LocalExecutions(
      session.pipeline,
      session.stack.deps.ledger,
      session.stack.deps.ledgerName,
    );
    const server = createServer((request, response) => {
      localApi(session, executions)(request, response).catch((error: unknown) => {
        console.error(error);
        response.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    console.log(
      `itv API on http://127.0.0.1:${bound}  (POST /intents, GET /intents/{id}, POST /intents/{id}/review)`,
    );
    console.log(
      'every request names its caller with Authorization: Bearer <token>; `itv token PRINCIPAL` issues one. Ctrl-C stops.',
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await executions.idle();
    return 0;
  });
}
