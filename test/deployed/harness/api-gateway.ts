import AjvDraft04Module from 'ajv-draft-04';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { LambdaService } from './lambda-runtime.js';
import { deployedAccount, type StackTemplate } from './template.js';

// ajv-draft-04 is CommonJS: under NodeNext its default import is the module object.
const AjvDraft04 = AjvDraft04Module.default;

/**
 * API Gateway (REST API, Lambda proxy integration), emulated from the template: each request is routed by the
 * template's resources and methods to the function its integration URI names, refused without IAM
 * authentication where the method says AWS_IAM, its body checked against the method's request model (API
 * Gateway validates models as JSON Schema draft-04) when a validator asks for it, and handed to the function
 * as the proxy event API Gateway sends, `requestContext.identity` carrying the caller's IAM identity.
 */

interface Route {
  method: string;
  path: string;
  functionArn: string;
  authorization: string;
  model?: unknown;
  validateBody: boolean;
  validate?: (body: unknown) => boolean;
}

/** The IAM identity a signed request resolves to, as API Gateway puts it in `requestContext.identity`. */
export interface CallerIdentity {
  /** IAM user ARN or assumed-role session ARN (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`). */
  arn: string;
  accessKey?: string;
}

/** A gateway response of the template: what API Gateway answers itself for one response type. */
interface GatewayResponse {
  statusCode: number;
  headers: Record<string, string>;
  template?: string;
}

/** API Gateway's REST API payload limit (10 MB): a larger request is REQUEST_TOO_LARGE before any function. */
const requestLimitBytes = 10 * 1024 * 1024;

export class ApiGatewayEmulator {
  private readonly routes: Route[] = [];
  private readonly gatewayResponses = new Map<string, GatewayResponse>();
  private requestCounter = 0;

  constructor(
    template: StackTemplate,
    private readonly lambda: LambdaService,
  ) {
    const resources = new Map<string, { path: string }>();
    const apis = template.ofType('AWS::ApiGateway::RestApi');
    for (const [logicalId] of apis)
      resources.set(template.physicalOf(logicalId).attributes.RootResourceId!, { path: '' });
    const pending = template.ofType('AWS::ApiGateway::Resource');
    while (pending.length > 0) {
      const index = pending.findIndex(([, r]) =>
        resources.has(template.resolveString(r.Properties?.ParentId)),
      );
      if (index < 0) throw new Error('api: a resource has no parent in the template');
      const [logicalId, resource] = pending.splice(index, 1)[0]!;
      const parent = resources.get(template.resolveString(resource.Properties?.ParentId))!;
      resources.set(template.physicalOf(logicalId).ref, {
        path: `${parent.path}/${resource.Properties?.PathPart}`,
      });
    }
    for (const [, response] of template.ofType('AWS::ApiGateway::GatewayResponse')) {
      const p = response.Properties ?? {};
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries((p.ResponseParameters ?? {}) as Record<string, string>)) {
        // Static header values are single-quoted in the mapping.
        const header = /^gatewayresponse\.header\.(.+)$/.exec(name)?.[1];
        if (header) headers[header.toLowerCase()] = value.replace(/^'(.*)'$/, '$1');
      }
      this.gatewayResponses.set(String(p.ResponseType), {
        statusCode: Number(p.StatusCode),
        headers,
        template: (p.ResponseTemplates as Record<string, string> | undefined)?.['application/json'],
      });
    }
    for (const [, method] of template.ofType('AWS::ApiGateway::Method')) {
      const p = method.Properties ?? {};
      const uri = template.resolveString((p.Integration as { Uri: unknown }).Uri);
      const functionArn = /functions\/(arn:[^/]+)\/invocations$/.exec(uri)?.[1];
      if (!functionArn) throw new Error(`api: integration ${uri} is not a Lambda proxy`);
      const modelRef = (p.RequestModels as Record<string, unknown> | undefined)?.['application/json'];
      const modelId = modelRef ? template.logicalIdOf(template.resolveString(modelRef)) : undefined;
      const validatorId = p.RequestValidatorId
        ? template.logicalIdOf(template.resolveString(p.RequestValidatorId))
        : undefined;
      const validator = validatorId ? template.resource(validatorId).Properties : undefined;
      this.routes.push({
        method: String(p.HttpMethod),
        path: resources.get(template.resolveString(p.ResourceId))!.path,
        functionArn,
        authorization: String(p.AuthorizationType ?? 'NONE'),
        ...(modelId ? { model: template.resource(modelId).Properties?.Schema } : {}),
        validateBody: validator?.ValidateRequestBody === true,
      });
    }
  }

  /**
   * Sends one request through API Gateway; `caller` is the SigV4-authenticated identity, if any. A query string
   * on `target` reaches the function as API Gateway hands it over: decoded, in `queryStringParameters`.
   */
  async request(
    method: string,
    target: string,
    options: {
      body?: unknown;
      caller?: CallerIdentity;
      contentType?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<APIGatewayProxyResult & { json: () => unknown }> {
    const url = new URL(target, 'https://itvapi0001.execute-api.amazonaws.com');
    const path = url.pathname;
    const query = [...url.searchParams.keys()];
    const body =
      options.body === undefined
        ? null
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    if (body !== null && Buffer.byteLength(body, 'utf8') > requestLimitBytes) {
      return this.gatewayAnswer('REQUEST_TOO_LARGE', 413, 'Request Too Long', path);
    }
    const match = this.match(method, path);
    // An unmatched request is MISSING_AUTHENTICATION_TOKEN, as on AWS, whatever the caller signed.
    if (!match)
      return this.gatewayAnswer('MISSING_AUTHENTICATION_TOKEN', 403, 'Missing Authentication Token', path);
    const { route, pathParameters } = match;
    if (route.authorization === 'AWS_IAM' && !options.caller)
      return this.gatewayAnswer('MISSING_AUTHENTICATION_TOKEN', 403, 'Missing Authentication Token', path);
    if (route.validateBody && route.model) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body ?? '');
      } catch {
        return this.gatewayAnswer('BAD_REQUEST_BODY', 400, 'Invalid request body', path);
      }
      route.validate ??= new AjvDraft04({ strict: false, validateFormats: false }).compile(
        route.model as object,
      );
      if (!route.validate(parsed))
        return this.gatewayAnswer('BAD_REQUEST_BODY', 400, 'Invalid request body', path);
    }
    const contentType = options.contentType ?? 'application/json';
    // API Gateway hands headers over as the client spelled them.
    const headers: Record<string, string> = { 'Content-Type': contentType, ...(options.headers ?? {}) };
    const caller = options.caller;
    const requestId = `request-${++this.requestCounter}`;
    const event: APIGatewayProxyEvent = {
      resource: route.path,
      path,
      httpMethod: method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      queryStringParameters:
        query.length > 0
          ? Object.fromEntries(query.map((name) => [name, url.searchParams.getAll(name).at(-1)!]))
          : null,
      multiValueQueryStringParameters:
        query.length > 0
          ? Object.fromEntries(query.map((name) => [name, url.searchParams.getAll(name)]))
          : null,
      pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
      stageVariables: null,
      body,
      isBase64Encoded: false,
      requestContext: {
        accountId: deployedAccount,
        apiId: 'itvapi0001',
        authorizer: null,
        protocol: 'HTTP/1.1',
        httpMethod: method,
        path: `/prod${path}`,
        stage: 'prod',
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: 'resource',
        resourcePath: route.path,
        identity: {
          accessKey: caller?.accessKey ?? null,
          accountId: caller ? deployedAccount : null,
          apiKey: null,
          apiKeyId: null,
          caller: caller ? callerId(caller.arn) : null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp: '127.0.0.1',
          user: caller ? callerId(caller.arn) : null,
          userAgent: 'itv-deployed-suite',
          userArn: caller?.arn ?? null,
        },
      },
    };
    const result = (await this.lambda.invoke(route.functionArn, event)) as APIGatewayProxyResult;
    return withJson(result);
  }

  /**
   * The method API Gateway chooses: the most specific resource the path matches (static parts over `{name}`
   * over a greedy `{proxy+}`), then the method itself over that resource's ANY.
   */
  private match(
    method: string,
    path: string,
  ): { route: Route; pathParameters: Record<string, string> } | undefined {
    const candidates: Array<{ route: Route; pathParameters: Record<string, string>; rank: number[] }> = [];
    for (const route of this.routes) {
      if (route.method !== method && route.method !== 'ANY') continue;
      const names: string[] = [];
      const pattern = new RegExp(
        `^${route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
          const greedy = name.endsWith('+');
          names.push(greedy ? name.slice(0, -1) : name);
          return greedy ? '(.+)' : '([^/]+)';
        })}$`,
      );
      const found = pattern.exec(path);
      if (!found) continue;
      const parts = route.path.split('/').slice(1);
      candidates.push({
        route,
        pathParameters: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)])),
        // Greedy last, then fewer variables first, then the method before ANY.
        rank: [
          parts.some((part) => part.endsWith('+}')) ? 1 : 0,
          parts.filter((part) => part.startsWith('{')).length,
          route.method === 'ANY' ? 1 : 0,
        ],
      });
    }
    candidates.sort((a, b) => a.rank[0]! - b.rank[0]! || a.rank[1]! - b.rank[1]! || a.rank[2]! - b.rank[2]!);
    const best = candidates[0];
    return best ? { route: best.route, pathParameters: best.pathParameters } : undefined;
  }

  /**
   * What API Gateway answers itself: the template's gateway response for `type` (its status, headers and
   * body template, by simple substitution), or AWS's default answer when the template sets none.
   */
  private gatewayAnswer(
    type: string,
    defaultStatus: number,
    message: string,
    path: string,
  ): APIGatewayProxyResult & { json: () => unknown } {
    const configured =
      this.gatewayResponses.get(type) ??
      this.gatewayResponses.get(defaultStatus >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
    const body = configured?.template
      ? configured.template
          .replaceAll('$context.error.messageString', JSON.stringify(message))
          .replaceAll('$context.path', `/prod${path}`)
      : JSON.stringify({ message });
    return withJson({
      statusCode: this.gatewayResponses.get(type)?.statusCode ?? defaultStatus,
      headers: { 'content-type': 'application/json', ...(configured?.headers ?? {}) },
      body,
    });
  }
}

/** API Gateway's `caller`/`user`: the principal id, e.g. `AROA…:session` for an assumed role. */
function callerId(arn: string): string {
  const session = /:assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  return session
    ? `AROA${session[1]!.toUpperCase().slice(0, 17)}:${session[2]}`
    : `AIDA${arn.split('/').at(-1)?.toUpperCase()}`;
}

function withJson(result: APIGatewayProxyResult): APIGatewayProxyResult & { json: () => unknown } {
  return { ...result, json: () => JSON.parse(result.body) };
}
