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

export class ApiGatewayEmulator {
  private readonly routes: Route[] = [];
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
    options: { body?: unknown; caller?: CallerIdentity; contentType?: string } = {},
  ): Promise<APIGatewayProxyResult & { json: () => unknown }> {
    const respond = (statusCode: number, body: unknown) =>
      withJson({ statusCode, body: JSON.stringify(body) });
    const url = new URL(target, 'https://itvapi0001.execute-api.amazonaws.com');
    const path = url.pathname;
    const query = [...url.searchParams.keys()];
    const match = this.match(method, path);
    if (!match) return respond(403, { message: 'Missing Authentication Token' });
    const { route, pathParameters } = match;
    if (route.authorization === 'AWS_IAM' && !options.caller)
      return respond(403, { message: 'Missing Authentication Token' });
    const body =
      options.body === undefined
        ? null
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body);
    if (route.validateBody && route.model) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body ?? '');
      } catch {
        return respond(400, { message: 'Invalid request body' });
      }
      route.validate ??= new AjvDraft04({ strict: false, validateFormats: false }).compile(
        route.model as object,
      );
      if (!route.validate(parsed)) return respond(400, { message: 'Invalid request body' });
    }
    const caller = options.caller;
    const requestId = `request-${++this.requestCounter}`;
    const event: APIGatewayProxyEvent = {
      resource: route.path,
      path,
      httpMethod: method,
      headers: { 'content-type': options.contentType ?? 'application/json' },
      multiValueHeaders: { 'content-type': [options.contentType ?? 'application/json'] },
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

  private match(
    method: string,
    path: string,
  ): { route: Route; pathParameters: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const names: string[] = [];
      const pattern = new RegExp(
        `^${route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
          names.push(name);
          return '([^/]+)';
        })}$`,
      );
      const found = pattern.exec(path);
      if (found) {
        return {
          route,
          pathParameters: Object.fromEntries(
            names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)]),
          ),
        };
      }
    }
    return undefined;
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
