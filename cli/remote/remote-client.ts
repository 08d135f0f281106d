import { ItvError } from '../../lambdas/core/errors.js';
import { bodyText } from '../api/json-text.js';
import type { ApiAnswer, ApiMethod, RawAnswer } from '../control-plane/client.js';
import type { DeployedContext } from './contexts.js';
import { type SigningTarget, signedRequest, standardCredentials, unreachable } from './signed-request.js';

/** How long one request to API Gateway may take: its integration timeout is 29 s. */
const requestTimeoutMs = 35_000;

/** The deployed API did not answer (name resolution, connection, TLS or a timeout). */
export class RemoteUnreachableError extends ItvError {}

/**
 * A client of a deployed stack's API Gateway: the same routes and bodies as the local control plane, each
 * request signed with SigV4 for `execute-api` by the caller's AWS credentials, which API Gateway authenticates
 * and the handlers resolve to a catalog principal. There is no `--as` here: you are who your credentials say.
 */
export class RemoteApiClient {
  private readonly target: SigningTarget;

  constructor(
    readonly name: string,
    readonly context: DeployedContext,
    credentials = standardCredentials(context.profile),
  ) {
    this.target = { region: context.region, service: 'execute-api', credentials };
  }

  async call<T = Record<string, unknown>>(
    method: ApiMethod,
    path: string,
    options: { body?: unknown } = {},
  ): Promise<ApiAnswer<T>> {
    const answer = await this.request(method, path, options.body);
    let body: unknown = {};
    try {
      body = answer.text ? JSON.parse(answer.text) : {};
    } catch {
      // API Gateway's own refusals are JSON, but a proxy in between may answer HTML.
      body = { message: answer.text.slice(0, 500) };
    }
    return {
      status: answer.status,
      body: body as T,
      ...(answer.retryAfterSeconds !== undefined ? { retryAfterSeconds: answer.retryAfterSeconds } : {}),
    };
  }

  async text(path: string): Promise<RawAnswer> {
    return this.request('GET', path, undefined);
  }

  private async request(method: ApiMethod, path: string, body: unknown): Promise<RawAnswer> {
    const url = new URL(`${this.context.endpoint}${path}`);
    const text = body === undefined ? undefined : bodyText(body);
    let answer: Awaited<ReturnType<typeof signedRequest>>;
    try {
      answer = await signedRequest(
        url,
        {
          method,
          headers: text === undefined ? {} : { 'content-type': 'application/json' },
          ...(text === undefined ? {} : { body: text }),
        },
        this.target,
        requestTimeoutMs,
      );
    } catch (error) {
      const why = unreachable(error);
      if (why === undefined) throw error;
      throw new RemoteUnreachableError(`${this.name} (${this.context.endpoint}) did not answer: ${why}`, {
        cause: error,
      });
    }
    const retryAfter = Number(answer.header('retry-after') ?? Number.NaN);
    return {
      ...answer,
      ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
    };
  }
}
