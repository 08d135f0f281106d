import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  type IResource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type Model,
  type RequestValidator,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import * as z from 'zod';
import { maxRequestBodyBytes } from '../lambdas/api/conventions.js';
import { problemType } from '../lambdas/api/problem.js';
import { type ApiRoute, apiRoutes } from '../lambdas/api/routes.js';
import { submittedIntentSchema } from '../lambdas/core/intent.js';
import { toApiGatewaySchema } from './api-model-schema.js';

/** Steady requests a second and burst the stage admits across all its methods; past them API Gateway answers 429. */
export interface ApiThrottling {
  rateLimit: number;
  burstLimit: number;
}

/**
 * The stage's default throttle: far above what CI systems and a few teams send, far below the account's
 * regional 10,000 requests a second that every API in the account shares, so a runaway client of itv cannot
 * starve the account's other APIs (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
 */
export const defaultApiThrottling: ApiThrottling = { rateLimit: 50, burstLimit: 100 };

export interface IntentApiProps {
  /** The API functions by name: each route's `fn` (`lambdas/api/routes.ts`), and `no-route`. */
  functions: Readonly<Record<string, IFunction>>;
  logRetention: RetentionDays;
  /** Default: `defaultApiThrottling`. */
  throttling?: ApiThrottling;
}

/**
 * Every route's body limit, as the functions enforce it (`bodyLimitOf`, `lambdas/api/conventions.ts`): a gateway
 * response is the API's, not a route's, so API Gateway's 413 names the default and each route's own limit.
 */
function bodyLimitsInWords(): string {
  const own = (apiRoutes as readonly ApiRoute[]).flatMap((route) =>
    route.maxBodyBytes === undefined
      ? []
      : [`${route.method} ${route.path}: at most ${route.maxBodyBytes} bytes`],
  );
  return `must be at most ${maxRequestBodyBytes} bytes${own.length > 0 ? ` (${own.join('; ')})` : ''}`;
}

/**
 * Error answers API Gateway gives itself, before any function runs, in the problem+json the functions answer
 * with (RFC 9457): a request without a SigV4 signature, or with a bad or expired one, is 401 asking for one
 * (API Gateway's default is 403); a signed caller IAM refuses is 403; a body past API Gateway's 10 MB is 413.
 * A gateway response template is simple variable substitution, not VTL: only `$context.error.messageString`
 * comes quoted for JSON, so no answer embeds the validator's unquoted `validationErrorString`.
 */
const gatewayProblems: ReadonlyArray<{
  type: ResponseType;
  status: number;
  error: string;
  issues?: string;
  headers?: Record<string, string>;
}> = [
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: 401,
    error: 'UnauthenticatedError',
    issues: '[{"path":"authorization","message":"sign the request with SigV4 (IAM auth)"}]',
    headers: { 'WWW-Authenticate': "'AWS4-HMAC-SHA256'" },
  },
  {
    type: ResponseType.INVALID_SIGNATURE,
    status: 401,
    error: 'UnauthenticatedError',
    issues: '[{"path":"authorization","message":"the SigV4 signature does not verify"}]',
    headers: { 'WWW-Authenticate': "'AWS4-HMAC-SHA256'" },
  },
  {
    type: ResponseType.EXPIRED_TOKEN,
    status: 401,
    error: 'UnauthenticatedError',
    issues: '[{"path":"authorization","message":"the credentials have expired"}]',
    headers: { 'WWW-Authenticate': "'AWS4-HMAC-SHA256'" },
  },
  {
    type: ResponseType.ACCESS_DENIED,
    status: 403,
    error: 'AccessDenied',
    issues: '[{"path":"authorization","message":"IAM does not allow this caller the route"}]',
  },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    status: 413,
    error: 'ContentTooLarge',
    issues: JSON.stringify([{ path: 'body', message: bodyLimitsInWords() }]),
  },
  { type: ResponseType.BAD_REQUEST_PARAMETERS, status: 400, error: 'InvalidInputError' },
  { type: ResponseType.THROTTLED, status: 429, error: 'TooManyRequests' },
  { type: ResponseType.DEFAULT_4XX, status: 400, error: 'BadRequest' },
  { type: ResponseType.DEFAULT_5XX, status: 500, error: 'InternalError' },
];

/** A gateway response's problem+json body, in API Gateway's template language. */
function gatewayProblemTemplate(status: number, error: string, issues?: string): string {
  return [
    '{',
    `"type":"${problemType(error)}",`,
    `"status":${status},`,
    '"detail":$context.error.messageString,',
    `"error":"${error}",`,
    '"message":$context.error.messageString,',
    '"instance":"$context.path"',
    issues ? `,"issues":${issues}` : '',
    '}',
  ].join('');
}

/** The teams' REST surface, derived from the route table: IAM-authorized, access-logged and traced. */
export class IntentApi extends Construct {
  readonly api: RestApi;
  readonly intentModel: Model;
  readonly validator: RequestValidator;

  constructor(scope: Construct, id: string, props: IntentApiProps) {
    super(scope, id);
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    const throttling = props.throttling ?? defaultApiThrottling;
    this.api = new RestApi(this, 'Api', {
      restApiName: 'itv',
      description:
        'itv: intents (submit, status, review, release decisions, evidence), the ledger, value, delegations',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Execution logging needs the region's API Gateway account setting (AWS::ApiGateway::Account) to name a
      // role that may write to CloudWatch Logs: one per account and region, shared by every REST API there, so
      // CDK retains it and its role when the stack is deleted (docs/DEPLOY.md, "Tearing down").
      cloudWatchRole: true,
      defaultMethodOptions: { authorizationType: AuthorizationType.IAM },
      deployOptions: {
        stageName: 'v1',
        tracingEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        metricsEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        // Every method of the stage (`/*/*`); a throttled request gets the THROTTLED problem below.
        throttlingRateLimit: throttling.rateLimit,
        throttlingBurstLimit: throttling.burstLimit,
      },
    });
    // RestApi always adds an `Endpoint` output (the stage's URL): the stack outputs the same URL as `ApiUrl`, the
    // name docs/DEPLOY.md lists and `itv context add` reads, so the duplicate is dropped.
    this.api.node.tryRemoveChild('Endpoint');
    this.validator = this.api.addRequestValidator('Validator', {
      requestValidatorName: 'itv-body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    // The intent's contract as an API model, for SDKs and documentation generated from the stage; requests
    // are checked by the handler (see below).
    this.intentModel = this.api.addModel('IntentModel', {
      modelName: 'Intent',
      contentType: 'application/json',
      description: 'itv/v1 Intent, generated from the zod intent schema',
      schema: toApiGatewaySchema(z.toJSONSchema(submittedIntentSchema, { io: 'input' })),
    });
    for (const { type, status, error, issues, headers } of gatewayProblems) {
      this.api.addGatewayResponse(`Problem${type.responseType}`, {
        type,
        statusCode: String(status),
        responseHeaders: { 'Content-Type': "'application/problem+json'", ...(headers ?? {}) },
        templates: { 'application/json': gatewayProblemTemplate(status, error, issues) },
      });
    }

    const fn = (name: string): IFunction => {
      const found = props.functions[name];
      if (!found) throw new Error(`IntentApi: no function ${name} for the API`);
      return found;
    };
    // Every declared resource also takes ANY, answered by no-route with 405 and the methods it does take;
    // a path no resource declares reaches the root's greedy {proxy+}, answered 404.
    // `allowTestInvoke: false`: Lambda permits API Gateway the `v1` stage's methods only, not the console's
    // TestInvokeMethod (`test-invoke-stage`), which bypasses IAM auth for whoever may call it, and whose
    // permissions, one per method, count toward CloudFormation's 500 resources a stack.
    const integrationOf = (name: string) => new LambdaIntegration(fn(name), { allowTestInvoke: false });
    const noRoute = integrationOf('no-route');
    const resources = new Map<string, IResource>([['', this.api.root]]);
    const resourceOf = (path: string): IResource => {
      const known = resources.get(path);
      if (known) return known;
      const cut = path.lastIndexOf('/');
      const resource = resourceOf(path.slice(0, cut)).addResource(path.slice(cut + 1));
      resource.addMethod('ANY', noRoute, { requestValidator: this.validator });
      resources.set(path, resource);
      return resource;
    };
    for (const route of apiRoutes as readonly ApiRoute[]) {
      const parameters: Record<string, boolean> = {};
      for (const [, name] of route.path.matchAll(/\{([^}]+)\}/g))
        parameters[`method.request.path.${name}`] = true;
      // Query parameters are declared optional: the handlers check their values and name a bad one.
      for (const name of route.query ?? []) parameters[`method.request.querystring.${name}`] = false;
      const integration = integrationOf(route.fn);
      // HEAD is answered by a GET route's function (RFC 9110 §9.3.2), as the local API answers it
      // (`matchRoute`); API Gateway sends the answer's status and headers without its body.
      for (const method of route.method === 'GET' ? ['GET', 'HEAD'] : [route.method]) {
        resourceOf(route.path).addMethod(method, integration, {
          requestValidator: this.validator,
          ...(Object.keys(parameters).length > 0 ? { requestParameters: parameters } : {}),
          // No body model: the handlers name each bad field in problem+json, as on the local API; API Gateway's
          // validator would answer 400 in words its gateway response cannot quote into JSON.
        });
      }
    }
    this.api.root.addMethod('ANY', noRoute, { requestValidator: this.validator });
    this.api.root.addResource('{proxy+}').addMethod('ANY', noRoute, { requestValidator: this.validator });
  }
}
