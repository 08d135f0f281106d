import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { EvidenceConflictError, EvidenceIntegrityError, TransientError } from '../../core/errors.js';
import type { EvidenceStore } from '../../ports/evidence-store.js';

/**
 * Evidence in S3.
 *
 * Guarantees:
 * - The bucket has Object Lock (COMPLIANCE, default retention) and versioning, so stored versions cannot be
 *   changed or deleted before retention ends; `If-None-Match: *` makes each key write-once for this store.
 * - Every write asks S3 to record the object's SHA-256 (`ChecksumAlgorithm: SHA256`), the digest the local
 *   store keeps in its key file. Every read asks for it back (`ChecksumMode: ENABLED`) and hashes the bytes
 *   again: bytes that do not hash to it, or an object with no SHA-256 recorded (this store never writes one),
 *   fail the read with `EvidenceIntegrityError` naming the key and both digests — never served as evidence.
 * - A writer that loses a race for a key leaves nothing behind: the put S3 refuses (412) stores no version.
 *
 * - The bucket policy (infra/evidence-bucket.ts) denies every principal a put without `If-None-Match`, so no key
 *   gets a second version that reads would serve.
 *
 * What it cannot stop: a principal who may change the bucket policy removing that deny, then writing a new
 * version of a key (with its own checksum), which reads then serve; the locked first version stays, and the
 * signed manifest and ledger that name the bytes catch the change (`itv ledger verify --bundles`,
 * `itv evidence verify`).
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
    let body: Uint8Array;
    let recorded: string | undefined;
    try {
      const result = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }),
      );
      if (!result.Body) return undefined;
      recorded = result.ChecksumType === 'COMPOSITE' ? undefined : result.ChecksumSHA256;
      body = await result.Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      // The SDK checks the body against the recorded checksum as it streams, and says so in these words.
      if (error instanceof Error && /checksum mismatch/i.test(error.message)) {
        throw new EvidenceIntegrityError(
          `evidence object ${key} does not hash to the SHA-256 recorded when it was written: ${error.message}`,
          { key, cause: error },
        );
      }
      throw asTransient(error);
    }
    const actual = createHash('sha256').update(body).digest('hex');
    if (recorded === undefined) {
      throw new EvidenceIntegrityError(
        `evidence object ${key} has no SHA-256 recorded at its write, which this store always asks for: another writer put these bytes (sha256:${actual})`,
        { key },
      );
    }
    const expected = Buffer.from(recorded, 'base64').toString('hex');
    if (expected !== actual) {
      throw new EvidenceIntegrityError(
        `evidence object ${key} was changed after it was written: stored as sha256:${expected}, it now hashes to sha256:${actual}`,
        { key },
      );
    }
    return body;
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

  uriOf(key: string): string {
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
