import * as z from 'zod';
import { submittedIntentSchema } from '../core/intent.js';
import { bodyLimitOf } from './conventions.js';
import { headersOf, type ResponseHeader } from './openapi-headers.js';
import { type ParameterContract, pathParameters, queryParameters } from './parameters.js';
import { problemMediaType } from './problem.js';
import {
  checkReportBodySchema,
  decisionBodySchema,
  grantBodySchema,
  retryBodySchema,
  reviewBodySchema,
  stopBodySchema,
} from './request-bodies.js';
import {
  intentPageBodySchema,
  intentStatusBodySchema,
  submissionAcceptedBodySchema,
  submissionRepeatedBodySchema,
} from './response-bodies.js';
import { routeSummaries } from './route-summaries.js';
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
  'POST /payloads': { schema: 'Payload' },
};

/**
 * What `POST /payloads` stores: any JSON object, which the door then checks as it checks an inline payload
 * (`checkPayloadBytes`): no schema of its own beyond that, since a payload is the service's configuration.
 */
const payloadSchema = z
  .looseObject({})
  .describe(
    'the payload, a JSON object, as change.payload would hold it inline; checked as an inline payload is (secrets included)',
  );

/** A success a route answers, whether it names what it created or started in `Location`, and its next page in `Link`. */
interface Success {
  description: string;
  location?: true;
  link?: true;
  /** The component its body is (`response-bodies.ts`); a JSON object without one. */
  schema?: string;
}

/** What a route answers when it succeeds, beyond `200`. */
const successes: Partial<Record<ApiRouteKey, Record<string, Success>>> = {
  'POST /intents': {
    '202': {
      description: 'the intent is accepted and its execution started; Location names its status',
      location: true,
      schema: 'SubmissionAccepted',
    },
    '200': {
      description:
        'a resubmission of an intent already running or released (Location names its status); or, with dryRun=true, the dry-run report',
      location: true,
      schema: 'SubmissionRepeated',
    },
  },
  'POST /delegations': {
    '201': { description: 'the delegation, its id; Location names it', location: true },
  },
  'POST /intents/{id}/stop': {
    '202': {
      description:
        'the stop is recorded and the intent resumed to honour it; Location names its status. A stop sent while another is honoured answers the first (repeated, stop: who, as what, why, when); one whose caller or reason differs is told its reason was not recorded (reasonRecorded false, note)',
      location: true,
    },
  },
  'POST /intents/{id}/retry': {
    '202': { description: 'the next attempt started; Location names its status', location: true },
    '200': { description: 'another retry started this attempt a moment before' },
  },
  'PUT /intents/{id}/checks/{name}': {
    '201': {
      description:
        "the result is recorded (check.reported); Verify counts it when it runs; Location names the check's path",
      location: true,
    },
    '200': {
      description:
        "the same result (status and reporter) was reported before: answered as then, nothing new written; a differing detail or url keeps the first report's, named in kept",
    },
  },
  'POST /payloads': {
    '201': {
      description:
        'the payload is stored under its SHA-256 (or was already): payloadRef is what an intent names in change.payloadRef. No Location: no route reads a payload back',
    },
  },
  'GET /ledger': {
    '200': {
      description: 'the ledger export, application/x-ndjson; Link rel=next while more follow',
      link: true,
    },
  },
  'GET /intents': {
    '200': {
      description: 'a page of intents, newest first; nextCursor and Link rel=next while more follow',
      link: true,
      schema: 'IntentPage',
    },
  },
  'GET /intents/{id}': {
    '200': { description: "the intent's status and its ledger steps", schema: 'IntentStatus' },
  },
};

/** What each route answers 409 for, when it can: its own reasons, not another route's. */
const conflicts: Partial<Record<ApiRouteKey, string>> = {
  'POST /intents':
    'the intent id already names another change that stands (in flight, or concluded without a new attempt due): give this change an id of its own; issues name id',
  'POST /intents/{id}/review':
    'the intent is not waiting for a review (NotAwaitingReviewError: it never did, was decided otherwise, or has ended or is ending; nothing is recorded), or its wait ended as the review was recorded (ReviewWaitEndedError)',
  'POST /intents/{id}/release-decision':
    'nothing to decide: the release was never held, is decided already, its wait expired, or a roll-back has no earlier configuration to go back to',
  'POST /intents/{id}/stop':
    'the intent concluded or failed: nothing is in flight to stop; intentStatus names its status',
  'POST /intents/{id}/retry':
    'the intent is in flight, or its outcome is not one a retry runs again; intentStatus names its status',
  'PUT /intents/{id}/checks/{name}':
    'the result cannot count: another was reported for the check first, or Verify (or the intent) concluded before it arrived (CheckReportConflictError)',
  'GET /intents/{id}/evidence':
    'a stored object of the bundle fails its integrity check (changed or deleted after it was written): not served; key names it',
  'POST /delegations':
    'the same delegation (grantee, grantor, expiry) was revoked, which it stays, or is granted already with other terms',
};

/** Answers beyond the shared ones that a route gives, and the headers they carry. */
const otherErrors: Partial<Record<ApiRouteKey, Record<string, { description: string; retryAfter?: true }>>> =
  {
    'POST /intents/{id}/review': {
      '503': {
        description:
          'the review is recorded, but resuming the execution failed: send the same review again (after Retry-After) to resume it; nothing new is written',
        retryAfter: true,
      },
    },
  };

const idempotentConflict =
  'or a request with the same Idempotency-Key is still being answered (IdempotentRequestInProgressError; Retry-After says when to ask again)';

/** Errors every route may answer, and those only routes with a body, an id or an idempotency key add. */
function errorsOf(route: ApiRoute): Record<string, { description: string; retryAfter?: true }> {
  const key = routeKey(route) as ApiRouteKey;
  const conflict = conflicts[key];
  const limit = `a body over ${bodyLimitOf(route)} bytes${route.bodyLimitReason ? ` (${route.bodyLimitReason})` : ''}`;
  const idempotent = route.idempotencyKey === true;
  return {
    '400': {
      description: `a bad field or parameter, named in issues${idempotent ? ', an Idempotency-Key that is not 1–255 of A-Z a-z 0-9 -_.:~+/= among them' : ''}`,
    },
    '401': { description: 'no credentials, or an identity no catalog principal claims' },
    ...(route.method !== 'GET' ? { '403': { description: 'the caller may not do this' } } : {}),
    ...(route.path.includes('{') ? { '404': { description: 'what the path names does not exist' } } : {}),
    '405': { description: 'a method the path does not take (Allow lists those it does)' },
    ...(conflict || idempotent
      ? {
          '409': {
            description: conflict
              ? idempotent
                ? `${conflict}; ${idempotentConflict}`
                : conflict
              : idempotentConflict,
            ...(idempotent ? { retryAfter: true as const } : {}),
          },
        }
      : {}),
    '413': { description: limit },
    ...(route.body
      ? {
          '415': {
            description:
              'a body that is not application/json, or sent compressed (a Content-Encoding other than identity)',
          },
        }
      : {}),
    ...(idempotent
      ? {
          '422': {
            description:
              'the Idempotency-Key was used before for a different request (method, path, query or body): IdempotencyKeyReusedError; send a new key for a new request',
          },
        }
      : {}),
    '429': {
      description: 'the runtime is at its limit of executions; Retry-After says when to try again',
      retryAfter: true,
    },
    ...otherErrors[key],
  };
}

/** The headers an error answer of `status` carries on every route; a replayed one says so where it can be. */
function errorHeaders(status: string, error: { retryAfter?: true }, replayable: boolean): ResponseHeader[] {
  const named: Record<string, ResponseHeader[]> = {
    '401': ['WWW-Authenticate'],
    '405': ['Allow'],
    '415': ['Accept-Post', 'Accept-Encoding'],
  };
  // An idempotent route keeps the answers its handler gave (not a 429, a 5xx or a refusal before it ran).
  const replayed = replayable && ['400', '403', '404', '409'].includes(status);
  return [
    ...(named[status] ?? []),
    ...(error.retryAfter ? (['Retry-After'] as const) : []),
    ...(replayed ? (['Idempotent-Replayed'] as const) : []),
  ];
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** A parameter as OpenAPI declares it: required when the route answers 400 without it, as a path's always is. */
function parameterOf(name: string, place: 'path' | 'query', contract: ParameterContract | undefined) {
  return {
    name,
    in: place,
    required: place === 'path' || contract?.required === true,
    ...(contract?.description ? { description: contract.description } : {}),
    schema: contract ? jsonSchemaOf(contract.schema) : { type: 'string' },
  };
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
      ...[...route.path.matchAll(/\{([^}]+)\}/g)].map(([, name]) =>
        parameterOf(name!, 'path', pathParameters[name!]?.(key)),
      ),
      ...(route.query ?? []).map((name) => parameterOf(name, 'query', queryParameters[key]?.[name])),
      ...(route.idempotencyKey
        ? [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description:
                'the same key with the same request answers the first answer again (Idempotent-Replayed: true) and runs it once; kept 24 hours per caller',
              schema: { type: 'string', pattern: '^[A-Za-z0-9\\-_.:~+/=]{1,255}$' },
            },
          ]
        : []),
    ];
    const body = requestBodies[key];
    const responses: Record<string, unknown> = {};
    for (const [status, success] of Object.entries(
      successes[key] ?? { '200': { description: routeSummaries[key] } },
    )) {
      responses[status] = {
        description: success.description,
        ...headersOf([
          ...(success.location ? (['Location'] as const) : []),
          ...(success.link ? (['Link'] as const) : []),
          ...(route.idempotencyKey ? (['Idempotent-Replayed'] as const) : []),
        ]),
        content: {
          [key === 'GET /ledger' ? 'application/x-ndjson' : 'application/json']: {
            schema: success.schema
              ? { $ref: `#/components/schemas/${success.schema}` }
              : { type: key === 'GET /ledger' ? 'string' : 'object' },
          },
        },
      };
    }
    for (const [status, error] of Object.entries(errorsOf(route))) {
      responses[status] = {
        description: error.description,
        ...headersOf(errorHeaders(status, error, route.idempotencyKey === true)),
        content: { [problemMediaType]: { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: camel(route.fn),
      summary: routeSummaries[key],
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
        Payload: jsonSchemaOf(payloadSchema),
        Problem: jsonSchemaOf(problemSchema),
        IntentStatus: jsonSchemaOf(intentStatusBodySchema),
        IntentPage: jsonSchemaOf(intentPageBodySchema),
        SubmissionAccepted: jsonSchemaOf(submissionAcceptedBodySchema),
        SubmissionRepeated: jsonSchemaOf(submissionRepeatedBodySchema),
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
