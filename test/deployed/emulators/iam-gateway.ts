import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { refusalResponse } from './denial-responses.js';
import { UnknownCallerError, UnmappedOperationError } from './errors.js';
import { type GatewayRequest, type GatewayResponse, signingScopeOf } from './gateway-request.js';
import { IamCheckLog } from './iam-check-log.js';
import { type KmsKeyRegistration, RegisteredKmsKeys } from './kms-key-directory.js';
import type {
  IamService,
  MappedOperation,
  MappingContext,
  PolicyDocument,
} from './operations/authorization-check.js';
import { mapOperation, serviceOfSigningName } from './operations/map-operation.js';
import { accessDeniedMessage, type Caller, evaluateCheck } from './policy-evaluation.js';
import { unusedGrants } from './unused-grants.js';

/** Answers an allowed request itself (for what the upstream implements only partly), or leaves it (undefined). */
export type Interceptor = (
  request: GatewayRequest,
  call: { caller: Caller; operation: MappedOperation },
) => GatewayResponse | undefined | Promise<GatewayResponse | undefined>;

export interface IamGatewayOptions {
  /** Where allowed requests go: `default` (moto_server) and per-service overrides (`appconfig`, `states`, …). */
  upstreams: { default?: string } & Partial<Record<IamService, string>>;
  interceptors?: Partial<Record<IamService, Interceptor>>;
  account?: string;
  region?: string;
  /**
   * `aws:SecureTransport` as policies see it. The suite talks plain HTTP to the gateway, but a Lambda function
   * talks TLS to every AWS endpoint, so the default is `true`: a bucket policy denying insecure transport
   * must not refuse what AWS would accept.
   */
  secureTransport?: boolean;
  /** The time policies see as `aws:CurrentTime`. */
  clock?: () => Date;
}

/**
 * An AWS endpoint that enforces IAM: it identifies the caller from the SigV4 access key, maps each request to
 * the IAM actions and resources AWS authorizes for it, evaluates them with a real policy evaluator (identity
 * policies plus the KMS key policy or S3 bucket policy), answers a denial as AWS does for the protocol, and
 * forwards what is allowed to the service's upstream unchanged. Every check is logged.
 */
export class IamGateway {
  readonly log = new IamCheckLog();
  private readonly callers = new Map<string, Caller>();
  private readonly kmsKeys = new RegisteredKmsKeys();
  private readonly bucketPolicies = new Map<string, PolicyDocument>();
  private readonly eventBusPolicies = new Map<string, PolicyDocument>();
  private readonly taskTokenOwners = new Map<string, string>();
  private readonly account: string;
  private readonly region: string;
  private server: Server | undefined;
  private requests = 0;
  private baseUrl: string | undefined;

  constructor(private readonly options: IamGatewayOptions) {
    this.account = options.account ?? '123456789012';
    this.region = options.region ?? 'us-east-1';
  }

  /** Requests signed with `accessKeyId` are made by `caller`. */
  registerCaller(accessKeyId: string, caller: Caller): void {
    this.callers.set(accessKeyId, caller);
  }

  registerKmsKey(key: KmsKeyRegistration): void {
    this.kmsKeys.register(key);
  }

  setBucketPolicy(bucket: string, policy: PolicyDocument): void {
    this.bucketPolicies.set(bucket, policy);
  }

  /** The resource policy of the event bus `busArn`, evaluated with every PutEvents to it. */
  setEventBusPolicy(busArn: string, policy: PolicyDocument): void {
    this.eventBusPolicies.set(busArn, policy);
  }

  /** Told by the Step Functions runtime when it issues a task token, so SendTask* can be authorized. */
  registerTaskToken(taskToken: string, stateMachineArn: string): void {
    this.taskTokenOwners.set(taskToken, stateMachineArn);
  }

  /** Per registered caller, the granted actions no allowed call used. */
  unusedGrants(): { caller: string; unused: string[] }[] {
    return [...this.callers.values()].map((caller) => ({
      caller: caller.principalArn,
      unused: unusedGrants(caller, this.log.checks),
    }));
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('the IAM gateway is not started');
    return this.baseUrl;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`IAM gateway failure: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await readRequest(req);
    const requestNumber = ++this.requests;
    const scope = signingScopeOf(request);
    const service = scope ? serviceOfSigningName(scope.signingName) : undefined;
    const refuse = (refusal: Parameters<typeof refusalResponse>[2]) =>
      send(res, refusalResponse(service, request, refusal));
    const record = (
      caller: string,
      operation: string,
      action: string,
      resource: string,
      allowed: boolean,
      reason: string,
    ) =>
      this.log.record({
        caller,
        service: service ?? scope?.signingName ?? 'unknown',
        operation,
        action,
        resource,
        allowed,
        reason,
        requestNumber,
      });

    if (!scope) {
      record(
        'anonymous',
        'unknown',
        '(unsigned)',
        '(unknown)',
        false,
        'the request carries no SigV4 signature',
      );
      return refuse({ kind: 'unsigned', message: 'Missing Authentication Token' });
    }
    const caller = this.callers.get(scope.accessKeyId);
    if (!caller) {
      const error = new UnknownCallerError(`no caller is registered under access key ${scope.accessKeyId}`);
      record(scope.accessKeyId, 'unknown', '(unknown caller)', '(unknown)', false, error.message);
      return refuse({
        kind: 'unknown-access-key',
        message: 'The security token included in the request is invalid.',
      });
    }
    let operation: MappedOperation;
    try {
      if (!service)
        throw new UnmappedOperationError(`service ${scope.signingName} is not known to the gateway`);
      operation = mapOperation(service, request, this.mappingContext());
    } catch (error) {
      if (!(error instanceof UnmappedOperationError)) throw error;
      record(caller.principalArn, 'unmapped', '(unmapped)', '(unmapped)', false, error.message);
      return refuse({
        kind: 'access-denied',
        message: `Request refused by the IAM gateway: ${error.message}`,
      });
    }

    const setting = {
      account: this.account,
      region: this.region,
      now: this.options.clock?.() ?? new Date(),
      secureTransport: this.options.secureTransport ?? true,
    };
    let firstDenial: string | undefined;
    for (const check of operation.checks) {
      const verdict = await evaluateCheck(caller, check, setting);
      record(
        caller.principalArn,
        operation.operation,
        check.action,
        check.resource,
        verdict.allowed,
        verdict.reason,
      );
      if (!verdict.allowed) firstDenial ??= accessDeniedMessage(caller, check, verdict);
    }
    if (firstDenial) return refuse({ kind: 'access-denied', message: firstDenial });

    const intercepted = await this.options.interceptors?.[operation.service]?.(request, {
      caller,
      operation,
    });
    if (intercepted) return send(res, intercepted);
    await this.forward(operation.service, request, res);
  }

  private mappingContext(): MappingContext {
    const port = new URL(this.url).port;
    return {
      account: this.account,
      region: this.region,
      endpointHosts: [`127.0.0.1:${port}`, `localhost:${port}`],
      kmsKeys: this.kmsKeys,
      bucketPolicyOf: (bucket) => this.bucketPolicies.get(bucket),
      eventBusPolicyOf: (busArn) => this.eventBusPolicies.get(busArn),
      taskTokenOwnerOf: (token) => this.taskTokenOwners.get(token),
    };
  }

  private forward(service: IamService, request: GatewayRequest, res: ServerResponse): Promise<void> {
    const base = this.options.upstreams[service] ?? this.options.upstreams.default;
    if (!base) {
      send(res, {
        status: 502,
        headers: { 'content-type': 'text/plain' },
        body: `no upstream for ${service}`,
      });
      return Promise.resolve();
    }
    const target = new URL(base);
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        {
          hostname: target.hostname,
          port: target.port,
          method: request.method,
          path: request.rawUrl,
          headers: { ...request.headers, host: target.host },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
          answer.pipe(res);
          answer.on('end', resolve);
          answer.on('error', reject);
        },
      );
      upstream.on('error', (error) => {
        send(res, {
          status: 502,
          headers: { 'content-type': 'text/plain' },
          body: `upstream ${base}: ${error.message}`,
        });
        resolve();
      });
      upstream.end(request.body);
    });
  }
}

async function readRequest(req: IncomingMessage): Promise<GatewayRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawUrl = req.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart),
    query: new URLSearchParams(queryStart < 0 ? '' : rawUrl.slice(queryStart + 1)),
    headers: req.headers,
    body: Buffer.concat(chunks),
    rawUrl,
  };
}

function send(res: ServerResponse, response: GatewayResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}
