import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { NotFoundError } from '../core/errors.js';
import { recordedBundleFiles } from '../core/evidence/recorded-bundle.js';
import { intentStatus } from '../core/pipeline/status.js';
import type { EvidenceStore } from '../ports/evidence-store.js';
import type { LedgerStore } from '../ports/ledger-store.js';
import { dynamoLedger } from '../wiring/aws/dynamodb.js';
import { onFirstUse } from '../wiring/aws/on-first-use.js';
import { s3Evidence } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { requiredEnv } from '../wiring/env.js';
import { admitted } from './admitted.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { notFound, problem } from './problem.js';
import { routeOf } from './routes.js';

/**
 * `GET /intents/{id}/evidence`: the intent's evidence bundle as the write-once store holds it, each file's
 * bytes in base64 by name — the manifest, the checkpoint its entries are proven against and the public key
 * included, so the bundle verifies offline (`itv evidence verify`) with nothing else. 404 before the intent
 * has one (for an intent in flight, saying it is sealed when the intent concludes, with `intentStatus`); 409 when what the store holds is not the bundle the ledger recorded for the intent (another
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
    if (Object.keys(files).length === 0) return await noBundleYet(id, deps);
    return json(200, { intentId: id, files });
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * The 404 of an intent without a bundle, saying why: none is on the ledger, or it has not concluded yet (a bundle
 * is sealed when it does), naming the status it has now; read only on this path, never before a bundle is served.
 */
async function noBundleYet(
  id: string,
  deps: { ledger: LedgerStore; ledgerName: string },
): Promise<APIGatewayProxyResult> {
  const status = intentStatus(id, await deps.ledger.forIntent(deps.ledgerName, id));
  if (!status) return notFound(`no evidence bundle for intent ${id}: no intent ${id} on the ledger`);
  if (status.outcome === null && status.status !== 'failed') {
    const message = `intent ${id} has no evidence bundle yet: its bundle is sealed when the intent concludes, and it is ${status.status} now (itv status ${id})`;
    return problem(404, 'NotFound', message, {
      intentStatus: status.status,
      issues: [{ path: 'path.id', message }],
    });
  }
  throw new NotFoundError(`no evidence bundle for intent ${id}`);
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
    admitted(
      withConventions(routeOf('GET /intents/{id}/evidence'), (event: APIGatewayProxyEvent) =>
        getEvidence(event, deps),
      ),
    ),
  );
