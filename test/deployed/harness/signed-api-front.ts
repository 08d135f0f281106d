import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4 } from '../../support/sigv4-verify.js';
import type { CallerIdentity } from './api-gateway.js';
import type { DeployedStack } from './deployed-stack.js';

/** The stage API Gateway serves the API under (infra: `deployOptions.stageName`). */
const stage = '/v1';

/**
 * API Gateway's front door over HTTP, for clients that sign as AWS clients do (the `itv` CLI in a deployed
 * context): each request's SigV4 signature is checked against the secret of the access key it names, as IAM
 * does for an `AWS_IAM` method, and only then handed to the emulated API as that key's identity. An unsigned
 * request is refused as API Gateway refuses it (403 "Missing Authentication Token"), a bad signature with 403
 * and IAM's message.
 */
export class SignedApiFront {
  private readonly server: Server;
  private readonly keys = new Map<string, { secret: string; caller: CallerIdentity }>();
  /** Every request that arrived, with the verdict on its signature. */
  readonly requests: Array<{ method: string; path: string; signed: boolean }> = [];
  url = '';

  constructor(
    private readonly stack: DeployedStack,
    private readonly region: string,
  ) {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        this.answer(request.method ?? 'GET', request.url ?? '/', request.headers, body)
          .then(({ status, headers, text }) => response.writeHead(status, headers).end(text))
          .catch((error: unknown) => {
            response.writeHead(500, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ message: String(error) }));
          });
      });
    });
  }

  /** Access keys the front knows: requests signed with `accessKeyId` are made by `caller`. */
  credentialsFor(caller: CallerIdentity, name: string): { accessKeyId: string; secretAccessKey: string } {
    const accessKeyId = `AKIA${name
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .padEnd(16, '0')
      .slice(0, 16)}`;
    const secretAccessKey = `secret-of-${name}`;
    this.keys.set(accessKeyId, { secret: secretAccessKey, caller: { ...caller, accessKey: accessKeyId } });
    return { accessKeyId, secretAccessKey };
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${stage}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async answer(
    method: string,
    target: string,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    const refuse = (message: string) => ({
      status: 403,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'IncompleteSignatureException' },
      text: JSON.stringify({ message }),
    });
    const path = target.startsWith(`${stage}/`) ? target.slice(stage.length) : undefined;
    const verdict = verifySigV4({ method, target, headers, body }, (id) => this.keys.get(id)?.secret);
    this.requests.push({ method, path: target, signed: verdict.ok });
    if (!verdict.ok) {
      return headers.authorization
        ? refuse(
            `The request signature we calculated does not match the signature you provided (${verdict.reason}).`,
          )
        : refuse('Missing Authentication Token');
    }
    if (verdict.service !== 'execute-api' || verdict.region !== this.region)
      return refuse(`Credential should be scoped to a valid region and service execute-api, ${this.region}`);
    if (!path) return refuse('Missing Authentication Token');
    const caller = this.keys.get(verdict.accessKeyId)!.caller;
    const answer = await this.stack.clock.busy(() =>
      this.stack.api.request(method, path, {
        caller,
        ...(body.length > 0 ? { body: body.toString('utf8') } : {}),
        ...(typeof headers['content-type'] === 'string' ? { contentType: headers['content-type'] } : {}),
      }),
    );
    const back: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers ?? {}))
      back[name.toLowerCase()] = String(value);
    back['content-type'] ??= 'application/json';
    return { status: answer.statusCode, headers: back, text: answer.body };
  }
}
