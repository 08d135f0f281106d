import { type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { EvidencePayloadStore } from '../evidence-payload-store.js';
import { S3EvidenceStore } from './s3-evidence-store.js';

/**
 * Payloads in the evidence bucket under `payloads/sha256/<hex>`. The roles that read them are granted
 * s3:GetObject on that prefix and no s3:ListBucket (which would let them list every evidence key), so S3 answers
 * a missing object 403, not 404 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html,
 * Permissions): 403 on a read is taken for absence, which the door reports as "no payload is stored under
 * <digest>". A role missing its grant shows as a denied call in the deployed-stack suite, not as a missing object.
 */
export class S3PayloadStore extends EvidencePayloadStore {
  constructor(client: S3Client, bucket: string) {
    super(new S3EvidenceStore(client, bucket));
  }

  override async get(sha256: string): Promise<Uint8Array | undefined> {
    try {
      return await super.get(sha256);
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 403) return undefined;
      throw error;
    }
  }
}
