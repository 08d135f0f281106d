import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { checkpointObjects } from '../core/evidence/audit-stores.js';
import { spkiToPem } from '../core/evidence/pem.js';
import type { EvidenceStore } from '../ports/evidence-store.js';
import type { Signer } from '../ports/signer.js';
import { kmsSigner } from '../wiring/aws/kms.js';
import { onFirstUse } from '../wiring/aws/on-first-use.js';
import { s3Evidence } from '../wiring/aws/s3.js';
import { telemetry } from '../wiring/aws/telemetry.js';
import { requiredEnv } from '../wiring/env.js';
import { admitted } from './admitted.js';
import { withConventions } from './conventions.js';
import { errorResponse, json } from './http.js';
import { routeOf } from './routes.js';

/**
 * `GET /ledger/checkpoints`: every signed checkpoint the evidence store keeps write-once for the ledger, as
 * stored (untrusted until checked), and the signing key's public key in PEM: what goes beside an export so
 * that a truncated one is caught. A client that pins its own key (`--public-key`) need not believe this one.
 */
export async function getCheckpoints(
  evidence: EvidenceStore,
  ledgerName: string,
  publicKey: () => Promise<Uint8Array>,
): Promise<APIGatewayProxyResult> {
  try {
    const checkpoints = await checkpointObjects(evidence, ledgerName);
    return json(200, {
      ledger: ledgerName,
      publicKeyPem: spkiToPem(await publicKey()),
      // An object the store cannot serve as written is named with why, for the client's audit to report.
      checkpoints: checkpoints.map(({ value, source, damage }) =>
        damage === undefined ? { key: source, value } : { key: source, value, damaged: damage },
      ),
    });
  } catch (error) {
    return errorResponse(error);
  }
}

// Composed from its two adapters alone (not `awsPipelineDeps`, which would bundle the DynamoDB client too).
const evidence: EvidenceStore = onFirstUse(() => s3Evidence(process.env));
const signer: Signer = onFirstUse(() => kmsSigner(process.env));

export const handler = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
  .use(telemetry('GetCheckpoints'))
  .handler(
    admitted(
      withConventions(routeOf('GET /ledger/checkpoints'), (_event: APIGatewayProxyEvent) =>
        getCheckpoints(evidence, requiredEnv('ITV_LEDGER_NAME'), () => signer.publicKeySpkiDer()),
      ),
    ),
  );
