import { randomBytes } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { loadCatalog } from '../../catalog/index.js';
import type { Catalog } from '../core/catalog-schema.js';
import { InvalidInputError } from '../core/errors.js';
import { checkPayloadBytes } from '../core/intake/payload-content.js';
import type { PayloadStore } from '../ports/payload-store.js';
import { onFirstUse } from '../wiring/aws/on-first-use.js';
import { s3Payloads } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { type Authenticate, iamCaller } from './caller.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { routeOf } from './routes.js';

export interface PayloadDeps {
  catalog: Catalog;
  payloads: PayloadStore;
}

let deps: PayloadDeps | undefined;

/**
 * `POST /payloads`: stores a payload too large to travel inline, as a known caller, under the SHA-256 of the
 * exact bytes sent, and answers 201 with the reference an intent names in `change.payloadRef`. The bytes pass
 * the door first — a JSON object within `payloadLimits.bytes`, every check an inline payload gets, secrets
 * included — since what is stored here is write-once: a refused payload is a 400 naming each field, and
 * nothing is stored. Sending the same bytes again stores nothing new and answers the same reference.
 */
export async function putPayload(
  event: APIGatewayProxyEvent,
  deps: PayloadDeps,
  authenticate: Authenticate = iamCaller,
): Promise<APIGatewayProxyResult> {
  try {
    authenticate(event, deps.catalog);
    const bytes = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64')
      : Buffer.from(event.body ?? '', 'utf8');
    const checked = checkPayloadBytes(bytes, randomBytes(8).toString('hex'));
    if (checked.issues.length > 0) {
      throw new InvalidInputError('the payload is refused; nothing was stored', checked.issues);
    }
    await deps.payloads.put(checked.ref.sha256, bytes);
    return json(201, { payloadRef: checked.ref });
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('PutPayload'))
  .handler(
    withConventions(routeOf('POST /payloads'), (event: APIGatewayProxyEvent) => {
      deps ??= { catalog: loadCatalog(), payloads: onFirstUse(() => s3Payloads(process.env)) };
      return putPayload(event, deps);
    }),
  );
