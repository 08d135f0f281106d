import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../../lambdas/ports/clock.js';
import type { AlarmStateSource } from '../alarm-state-source.js';
import { AppConfigService, type HostedVersion, NotEmulatedError } from './appconfig-service.js';
import { AppConfigServiceError, BadRequestException } from './errors.js';

/**
 * AWS AppConfig's control-plane REST API (restJson1) on 127.0.0.1, for the real `@aws-sdk/client-appconfig`:
 * routes, status codes and header members as the SDK's operation schemas give them (CreateX 201, StopDeployment
 * 202, hosted versions with `Version-Number` and friends in headers and the content as the body), errors with
 * `x-amzn-ErrorType`. Operations: CreateApplication, GetApplication, CreateEnvironment, GetEnvironment,
 * CreateConfigurationProfile, GetConfigurationProfile, CreateDeploymentStrategy, GetDeploymentStrategy,
 * CreateHostedConfigurationVersion, GetHostedConfigurationVersion, StartDeployment, GetDeployment,
 * ListDeployments, StopDeployment. Anything else answers 501 naming it.
 */

export interface AppConfigEndpointOptions {
  clock: Clock;
  alarms: AlarmStateSource;
}

type Reply = { status: number; headers?: Record<string, string>; body?: Buffer | Record<string, unknown> };

interface Request {
  method: string;
  segments: string[];
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function json(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new BadRequestException('The request body is not JSON');
  }
}

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function hostedVersionReply(status: number, version: HostedVersion): Reply {
  return {
    status,
    headers: {
      'application-id': version.ApplicationId,
      'configuration-profile-id': version.ConfigurationProfileId,
      'version-number': String(version.VersionNumber),
      'content-type': version.ContentType,
      ...(version.Description ? { description: version.Description } : {}),
      ...(version.VersionLabel ? { versionlabel: version.VersionLabel } : {}),
    },
    body: version.content,
  };
}

function deploymentNumber(text: string | undefined): number {
  const number = Number(text);
  if (!Number.isInteger(number) || number < 1)
    throw new BadRequestException(`Invalid deployment number ${text}`);
  return number;
}

export class AppConfigEndpoint {
  readonly service: AppConfigService;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    service: AppConfigService,
  ) {
    this.service = service;
  }

  /** Listens on a free port of 127.0.0.1. */
  static async start(options: AppConfigEndpointOptions): Promise<AppConfigEndpoint> {
    const service = new AppConfigService(options.clock, options.alarms);
    const server = createServer((request, response) => {
      void handle(service, request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new AppConfigEndpoint(server, `http://127.0.0.1:${port}`, service);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }
}

async function handle(
  service: AppConfigService,
  incoming: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  let reply: Reply;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const url = new URL(incoming.url ?? '/', 'http://localhost');
    const request: Request = {
      method: incoming.method ?? 'GET',
      segments: url.pathname.split('/').filter(Boolean).map(decodeURIComponent),
      headers: incoming.headers,
      body: Buffer.concat(chunks),
    };
    reply = await route(service, request);
  } catch (error) {
    if (error instanceof AppConfigServiceError) {
      reply = { status: error.status, headers: { 'x-amzn-errortype': error.name }, body: error.body() };
    } else if (error instanceof NotEmulatedError) {
      reply = {
        status: error.status,
        headers: { 'x-amzn-errortype': error.name },
        body: { Message: error.message },
      };
    } else {
      reply = {
        status: 500,
        headers: { 'x-amzn-errortype': 'InternalServerException' },
        body: { Message: (error as Error).message },
      };
    }
  }
  const body = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(JSON.stringify(reply.body ?? {}));
  response.writeHead(reply.status, {
    'content-type': 'application/json',
    'x-amzn-requestid': randomUUID(),
    ...reply.headers,
    'content-length': String(body.length),
  });
  response.end(body);
}

async function route(service: AppConfigService, request: Request): Promise<Reply> {
  const { method, segments: s } = request;
  const path = s.join('/');
  const at = (pattern: string) => {
    const parts = pattern.split('/');
    return parts.length === s.length && parts.every((part, i) => part.startsWith(':') || part === s[i]);
  };
  if (method === 'POST' && at('applications'))
    return { status: 201, body: service.createApplication(json(request.body)) };
  if (method === 'GET' && at('applications/:app'))
    return { status: 200, body: service.getApplication(s[1]!) };
  if (method === 'POST' && at('applications/:app/environments')) {
    return { status: 201, body: service.createEnvironment(s[1]!, json(request.body)) };
  }
  if (method === 'GET' && at('applications/:app/environments/:env')) {
    return { status: 200, body: await service.getEnvironment(s[1]!, s[3]!) };
  }
  if (method === 'POST' && at('applications/:app/configurationprofiles')) {
    return { status: 201, body: service.createConfigurationProfile(s[1]!, json(request.body)) };
  }
  if (method === 'GET' && at('applications/:app/configurationprofiles/:profile')) {
    return { status: 200, body: service.getConfigurationProfile(s[1]!, s[3]!) };
  }
  if (method === 'POST' && at('deploymentstrategies')) {
    return { status: 201, body: service.createDeploymentStrategy(json(request.body)) };
  }
  if (method === 'GET' && at('deploymentstrategies/:strategy')) {
    return { status: 200, body: service.getDeploymentStrategy(s[1]!) };
  }
  if (
    method === 'POST' &&
    at('applications/:app/configurationprofiles/:profile/hostedconfigurationversions')
  ) {
    const latest = header(request, 'latest-version-number');
    const version = service.createHostedConfigurationVersion(s[1]!, s[3]!, request.body, {
      contentType: header(request, 'content-type'),
      description: header(request, 'description'),
      versionLabel: header(request, 'versionlabel'),
      ...(latest !== undefined ? { latestVersionNumber: Number(latest) } : {}),
    });
    return hostedVersionReply(201, version);
  }
  if (
    method === 'GET' &&
    at('applications/:app/configurationprofiles/:profile/hostedconfigurationversions/:n')
  ) {
    return hostedVersionReply(200, service.getHostedConfigurationVersion(s[1]!, s[3]!, Number(s[5])));
  }
  if (method === 'POST' && at('applications/:app/environments/:env/deployments')) {
    return { status: 201, body: await service.startDeployment(s[1]!, s[3]!, json(request.body)) };
  }
  if (method === 'GET' && at('applications/:app/environments/:env/deployments')) {
    return { status: 200, body: await service.listDeployments(s[1]!, s[3]!) };
  }
  if (method === 'GET' && at('applications/:app/environments/:env/deployments/:n')) {
    return { status: 200, body: await service.getDeployment(s[1]!, s[3]!, deploymentNumber(s[5])) };
  }
  if (method === 'DELETE' && at('applications/:app/environments/:env/deployments/:n')) {
    const allowRevert = header(request, 'allow-revert') === 'true';
    return {
      status: 202,
      body: await service.stopDeployment(s[1]!, s[3]!, deploymentNumber(s[5]), allowRevert),
    };
  }
  throw new NotEmulatedError(`${method} /${path} is not emulated`);
}
