import * as z from 'zod';
import { delegationStatuses } from '../core/pipeline/list-delegations.js';
import { checkNameSchema } from './request-bodies.js';
import type { ApiRouteKey } from './routes.js';

/**
 * The path and query parameters the handlers check, as schemas: the handlers read their bounds from here and the
 * OpenAPI document (`openapi.ts`) describes each parameter from the same schema, so what the document says a
 * parameter takes is what the server enforces. A query value travels as text; a whole number is described as an
 * integer, as OpenAPI serializes one.
 */
export interface ParameterContract {
  schema: z.ZodType;
  /** A query parameter without which the route answers 400 (a path parameter is always required). */
  required?: true;
  description?: string;
}

/** A page of `GET /intents` holds 1 to 200 intents; 50 without `limit`. */
export const intentPageLimit = { min: 1, max: 200, default: 50 } as const;

/** A page of `GET /ledger` holds 1 to 1000 entries, 1000 without `limit`. */
export const ledgerPageLimit = { min: 1, max: 1000, default: 1000 } as const;

/** Why a delegation is revoked: said on every revocation, in at most 500 characters once trimmed. */
export const revocationReasonSchema = z.string().trim().min(1).max(500);

const pageLimit = (bounds: { min: number; max: number; default: number }) =>
  z.number().int().min(bounds.min).max(bounds.max).default(bounds.default);

/** An intent's id, its own or an attempt's: what `isPossibleIntentId` admits (`intent-id-syntax.ts`). */
const intentIdParameter: ParameterContract = {
  schema: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,256}$/)
    .refine((id) => !/^\.+$/.test(id))
    .meta({ not: { pattern: '^\\.+$' } }),
  description: '1 to 256 of A-Z a-z 0-9 . _ : -, not dots alone',
};

/** The path parameters of every route that has them, by name. */
export const pathParameters: Readonly<Record<string, (route: ApiRouteKey) => ParameterContract>> = {
  id: (route) =>
    route.includes(' /delegations/')
      ? {
          schema: z.string().regex(/^[^~]+~[^~]+~[^~]+$/),
          description: 'GRANTEE~GRANTOR~EXPIRY, as granting the delegation answered',
        }
      : intentIdParameter,
  name: () => ({ schema: checkNameSchema, description: 'the name of a check the intent names' }),
};

/** The query parameters of each route whose values the handler checks beyond "text". */
export const queryParameters: Partial<Record<ApiRouteKey, Record<string, ParameterContract>>> = {
  'POST /intents': {
    dryRun: {
      schema: z.enum(['true', 'false']),
      description: 'true: declaration, structure and policy only; nothing is written',
    },
  },
  'GET /intents': {
    status: {
      schema: z.string().min(1).max(200),
      description: 'statuses, comma separated (in-flight for every intent that has not concluded)',
    },
    service: { schema: z.string().min(1).max(200), description: "one of the catalog's services" },
    team: { schema: z.string().min(1).max(200), description: "one of the catalog's teams" },
    tag: { schema: z.string().min(1).max(200), description: 'key=value pairs, comma separated (region=EU)' },
    since: { schema: z.string().min(1).max(200), description: 'an ISO-8601 date or instant' },
    limit: { schema: pageLimit(intentPageLimit), description: 'intents a page holds at most' },
    cursor: { schema: z.string(), description: 'the nextCursor of an earlier page, as it was given' },
  },
  'GET /intents/{id}': {
    include: {
      schema: z.string().regex(/^(entries|metrics)(,(entries|metrics))*$/),
      description: 'entries, metrics or both, comma separated',
    },
  },
  'GET /ledger': {
    after: {
      schema: z
        .number()
        .int()
        .min(0)
        .max(Number.MAX_SAFE_INTEGER - 1),
      description: 'the seq of the last entry read: the page starts after it (from seq 0 without it)',
    },
    limit: { schema: pageLimit(ledgerPageLimit), description: 'entries a page holds at most' },
  },
  'GET /delegations': {
    status: { schema: z.enum(delegationStatuses) },
    principal: { schema: z.string(), description: "a catalog principal's id or e-mail" },
  },
  'DELETE /delegations/{id}': {
    reason: { schema: revocationReasonSchema, required: true, description: 'why the delegation is revoked' },
  },
};
