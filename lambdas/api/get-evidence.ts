import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { NotFoundError } from '../core/errors.js';
import { storedBundleFiles } from '../core/evidence/bundle-archive.js';
import type { EvidenceStore } from '../ports/evidence-store.js';
import { onFirstUse } from '../wiring/aws/on-first-use.js';
import { s3Evidence } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { routeOf } from './routes.js';

/**
 * `GET /intents/{id}/evidence`: the intent's evidence bundle as the write-once store holds it, each file's
 * bytes in base64 by name — the manifest, the checkpoint its entries are proven against and the public key
 * included, so the bundle verifies offline (`itv evidence verify`) with nothing else. 404 before the intent
 * has one.
 */
export async function getEvidence(
  event: APIGatewayProxyEvent,
  evidence: EvidenceStore,
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    const files: Record<string, string> = {};
    for (const [name, body] of await storedBundleFiles(evidence, id)) {
      files[name] = Buffer.from(body).toString('base64');
    }
    if (Object.keys(files).length === 0) throw new NotFoundError(`no evidence bundle for intent ${id}`);
    return json(200, { intentId: id, files });
  } catch (error) {
    return errorResponse(error);
  }
}

// The S3 store alone (not `awsPipelineDeps`, which would bundle the DynamoDB client too).
const evidence: EvidenceStore = onFirstUse(() => s3Evidence(process.env));

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('GetEvidence'))
  .handler(
    withConventions(routeOf('GET /intents/{id}/evidence'), (event: APIGatewayProxyEvent) =>
      getEvidence(event, evidence),
    ),
  );
