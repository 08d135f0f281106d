import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { EvidenceConflictError, TransientError } from '../../core/errors.js';
import type { EvidenceStore } from '../../ports/evidence-store.js';

/**
 * Evidence in S3. The bucket has Object Lock (COMPLIANCE, default retention) and versioning, so stored
 * objects cannot be changed or deleted before retention ends; `If-None-Match: *` makes each key write-once.
 */
export class S3EvidenceStore implements EvidenceStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async putObject(key: string, body: Uint8Array, contentType: string): Promise<string> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          IfNoneMatch: '*',
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412) {
        const existing = await this.getObject(key);
        if (existing && Buffer.compare(Buffer.from(existing), Buffer.from(body)) === 0)
          return this.uriOf(key);
        throw new EvidenceConflictError(
          `evidence object ${key} is write-once and already holds different bytes`,
          {
            cause: error,
          },
        );
      }
      throw asTransient(error);
    }
    return this.uriOf(key);
  }

  async getObject(key: string): Promise<Uint8Array | undefined> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return result.Body ? await result.Body.transformToByteArray() : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw asTransient(error);
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }

  private uriOf(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }
}

function asTransient(error: unknown): unknown {
  if (
    error instanceof S3ServiceException &&
    (error.$retryable || (error.$metadata.httpStatusCode ?? 0) >= 500)
  ) {
    return new TransientError(`S3: ${error.message}`, { cause: error });
  }
  return error;
}
