import { S3Client } from '@aws-sdk/client-s3';
import { S3EvidenceStore } from '../../adapters/aws/s3-evidence-store.js';
import type { EvidenceStore } from '../../ports/evidence-store.js';
import { requiredEnv } from '../env.js';

/** Write-once evidence in the Object Lock bucket named by `ITV_EVIDENCE_BUCKET`. */
export function s3Evidence(env: NodeJS.ProcessEnv): EvidenceStore {
  return new S3EvidenceStore(new S3Client({}), requiredEnv('ITV_EVIDENCE_BUCKET', env));
}
