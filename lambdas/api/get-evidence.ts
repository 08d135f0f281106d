import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { NotFoundError } from '../core/errors.js';
import { recordedBundleFiles } from '../core/evidence/recorded-bundle.js';
import type { EvidenceStore } from '../ports/evidence-store.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { dynamoLedger } from '../wiring/aws/dynamodb.js';
import { onFirstUse } from '../wiring/aws/on-first-use.js';
import { s3Evidence } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { requiredEnv } from '../wiring/env.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { routeOf } from './routes.js';

/**
 * `GET /intents/{id}/evidence`: the intent's evidence bundle as the write-once store holds it, each file's
 * bytes in base64 by name — the manifest, the checkpoint its entries are proven against and the public key
 * included, so the bundle verifies offline (`itv evidence verify`) with nothing else. 404 before the intent
 * has one; 409 when what the store holds is not the bundle the ledger recorded for the intent (another
 * intent's, say, which would verify on its own).
 */
export async function getEvidence(
  event: APIGatewayProxyEvent,
  deps: { evidence: EvidenceStore; ledger: LedgerStore; ledgerName: string },
): Promise<APIGatewayProxyResult> {
  try {
    const id = event.pathParameters?.id ?? '';
    const files: Record<string, string> = {};
    for (const [name, body] of await recordedBundleFiles(deps, id)) {
      files[name] = Buffer.from(body).toString('base64');
    }
    if (Object.keys(files).length === 0) throw new NotFoundError(`no evidence bundle for intent ${id}`);
    return json(200, { intentId: id, files });
  } catch (error) {
    return errorResponse(error);
  }
}

// The S3 store and the ledger table alone (not `awsPipelineDeps`, which would load the catalog too).
const evidence: EvidenceStore = onFirstUse(() => s3Evidence(process.env));
const deps = {
  evidence,
  ledger: onFirstUse<LedgerStore>(() => dynamoLedger(process.env)),
  // Read when used, inside the route's own error answer.
  get ledgerName() {
    return requiredEnv('ITV_LEDGER_NAME', process.env);
  },
};

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('GetEvidence'))
  .handler(
    withConventions(routeOf('GET /intents/{id}/evidence'), (event: APIGatewayProxyEvent) =>
      getEvidence(event, deps),
    ),
  );
