import * as z from 'zod';
import { submittedIntentSchema } from '../core/intent.js';
import { problemMediaType } from './problem.js';
import {
  checkReportBodySchema,
  decisionBodySchema,
  grantBodySchema,
  retryBodySchema,
  reviewBodySchema,
  stopBodySchema,
} from './request-bodies.js';
import { type ApiRoute, type ApiRouteKey, apiRoutes, routeKey } from './routes.js';

/** RFC 9457 problem details, as every error answer carries them (`problem.ts`). */
const problemSchema = z.looseObject({
  type: z.string().describe('urn:itv:problem:<error>'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  error: z.string().describe('a stable error name to match on'),
  message: z.string().describe('the same text as detail'),
  issues: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe('each field to fix, and why'),
});

/** Request bodies by route, from the schemas the handlers parse with. */
const requestBodies: Partial<Record<ApiRouteKey, { schema: string }>> = {
  'POST /intents': { schema: 'Intent' },
  'POST /intents/{id}/review': { schema: 'Review' },
  'POST /intents/{id}/release-decision': { schema: 'ReleaseDecision' },
  'POST /intents/{id}/stop': { schema: 'Stop' },
  'POST /intents/{id}/retry': { schema: 'Retry' },
  'PUT /intents/{id}/checks/{name}': { schema: 'CheckReport' },
  'POST /delegations': { schema: 'DelegationGrant' },
};

/** What a route answers when it succeeds, beyond `200`. */
const successes: Partial<Record<ApiRouteKey, Record<string, string>>> = {
  'POST /intents': {
    '202': 'the intent is accepted and its execution started; Location names its status',
    '200':
      'a resubmission of an intent already running or released; or, with dryRun=true, the dry-run report',
  },
  'POST /delegations': { '201': 'the delegation, its id; Location names it' },
  'POST /intents/{id}/stop': {
    '202': 'the stop is recorded and the intent resumed to honour it; Location names its status',
  },
  'POST /intents/{id}/retry': {
    '202': 'the next attempt started; Location names its status',
    '200': 'another retry started this attempt a moment before',
  },
  'PUT /intents/{id}/checks/{name}': {
    '201': 'the result is recorded (check.reported); Verify counts it when it runs',
    '200': 'the same result was reported before: answered as then, nothing new written',
  },
  'GET /ledger': { '200': 'the ledger export, application/x-ndjson; Link rel=next while more follow' },
};

/** Errors every route may answer, and those only routes with a body or an id add. */
function errorsOf(route: ApiRoute): Record<string, string> {
  return {
    '400': 'a bad field or parameter, named in issues',
    '401': 'no credentials, or an identity no catalog principal claims',
    ...(route.method !== 'GET' ? { '403': 'the caller may not do this' } : {}),
    ...(route.path.includes('{') ? { '404': 'what the path names does not exist' } : {}),
    '405': 'a method the path does not take (Allow lists those it does)',
    ...(route.method === 'POST' && route.path !== '/intents' && route.path !== '/delegations'
      ? {
          '409':
            'the intent is not waiting for this (a stop: it concluded; a retry: in flight or not retryable)',
        }
      : {}),
    ...(route.method === 'POST' && route.path === '/intents'
      ? {
          '409':
            'the intent id already names another change that stands (in flight, or concluded without a new attempt due): give this change an id of its own; issues name id',
        }
      : {}),
    ...(route.method === 'POST' && route.path === '/delegations'
      ? {
          '409':
            'the same delegation (grantee, grantor, expiry) was revoked, which it stays, or is granted already with other terms',
        }
      : {}),
    ...(route.path === '/intents/{id}/evidence'
      ? {
          '409':
            'a stored object of the bundle fails its integrity check (changed or deleted after it was written): not served; key names it',
        }
      : {}),
    ...(route.method === 'PUT'
      ? {
          '409':
            'the result cannot count: another was reported for the check first, or Verify concluded before it arrived',
        }
      : {}),
    '413': 'a body over 1 MiB',
    ...(route.body ? { '415': 'a body that is not application/json' } : {}),
    '429': 'the runtime is at its limit of executions; Retry-After says when to try again',
  };
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

/**
 * The API as an OpenAPI 3.1 document, generated from the route table and the zod schemas the handlers parse
 * with: nothing is written twice. `docs/openapi.json` is this document (`npm run openapi:export`), and
 * `GET /openapi.json` serves it.
 */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of apiRoutes as readonly ApiRoute[]) {
    const key = routeKey(route) as ApiRouteKey;
    const parameters = [
      ...[...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
        name,
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...(route.query ?? []).map((name) => ({
        name,
        in: 'query',
        required: false,
        schema: { type: 'string' },
      })),
      ...(key === 'POST /intents'
        ? [
            {
              name: 'dryRun',
              in: 'query',
              required: false,
              description: 'true: declaration, structure and policy only; nothing is written',
              schema: { type: 'string', enum: ['true', 'false'] },
            },
          ]
        : []),
    ];
    const body = requestBodies[key];
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(successes[key] ?? { '200': route.summary })) {
      responses[status] = {
        description,
        content: {
          [key === 'GET /ledger' ? 'application/x-ndjson' : 'application/json']: {
            schema: { type: key === 'GET /ledger' ? 'string' : 'object' },
          },
        },
      };
    }
    for (const [status, description] of Object.entries(errorsOf(route))) {
      responses[status] = {
        description,
        content: { [problemMediaType]: { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: camel(route.fn),
      summary: route.summary,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { $ref: `#/components/schemas/${body.schema}` } } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'itv',
      version: '1',
      description:
        'Intents to value: submit, follow, review and decide changes; read the ledger, evidence and value. ' +
        'The same routes on API Gateway (SigV4, IAM auth) and on the local control plane and itv serve (bearer token).',
    },
    paths,
    components: {
      schemas: {
        Intent: jsonSchemaOf(submittedIntentSchema),
        Review: jsonSchemaOf(reviewBodySchema),
        ReleaseDecision: jsonSchemaOf(decisionBodySchema),
        Stop: jsonSchemaOf(stopBodySchema),
        Retry: jsonSchemaOf(retryBodySchema),
        CheckReport: jsonSchemaOf(checkReportBodySchema),
        DelegationGrant: jsonSchemaOf(grantBodySchema),
        Problem: jsonSchemaOf(problemSchema),
      },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'AWS Signature Version 4 (API Gateway IAM auth)',
        },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'a token `itv token PRINCIPAL` issued (itv serve)',
        },
      },
    },
    security: [{ sigv4: [] }, { bearer: [] }],
  };
}
