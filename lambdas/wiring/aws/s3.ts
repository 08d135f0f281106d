import { S3Client } from '@aws-sdk/client-s3';
import { S3EvidenceStore } from '../../adapters/aws/s3-evidence-store.js';
import { S3PayloadStore } from '../../adapters/aws/s3-payload-store.js';
import type { EvidenceStore } from '../../ports/evidence-store.js';
import type { PayloadStore } from '../../ports/payload-store.js';
import { requiredEnv } from '../env.js';

/** Write-once evidence in the Object Lock bucket named by `ITV_EVIDENCE_BUCKET`. */
export function s3Evidence(env: NodeJS.ProcessEnv): EvidenceStore {
  return new S3EvidenceStore(new S3Client({}), requiredEnv('ITV_EVIDENCE_BUCKET', env));
}

/** Payloads by reference, `payloads/sha256/<hex>` in the same bucket; the role's grant covers that prefix alone. */
export function s3Payloads(env: NodeJS.ProcessEnv): PayloadStore {
  return new S3PayloadStore(new S3Client({}), requiredEnv('ITV_EVIDENCE_BUCKET', env));
}
