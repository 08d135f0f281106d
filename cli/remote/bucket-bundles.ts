import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { isNetworkFailure } from '../../lambdas/adapters/aws/transient-errors.js';
import { InvalidInputError, ItvError } from '../../lambdas/core/errors.js';
import { bundleFilesOf, storeLocation } from '../../lambdas/core/evidence/bundle-archive.js';
import { bundlePrefix, MANIFEST_FILE } from '../../lambdas/core/evidence/bundle-layout.js';
import { standardCredentials } from './signed-request.js';

/** Where bundles are read from: the evidence bucket, its region, and whose credentials read it. */
export interface EvidenceBucket {
  bucket: string;
  region: string;
  profile?: string;
}

/** An intent's bundle in the bucket, dated by when its signed manifest was written. */
export interface StoredBundle {
  intentId: string;
  writtenAt: Date;
}

/**
 * The evidence bucket could not be reached: no network, a name that does not resolve, an endpoint nothing
 * answers on. Names the bucket, and the endpoint and region tried, in words rather than the SDK's socket error.
 */
export class EvidenceBucketUnreachableError extends ItvError {}

/** Where requests for `bucket` go, and what chose it: an endpoint the environment names, or AWS's own. */
function endpointOf(bucket: EvidenceBucket): string {
  for (const variable of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']) {
    const named = process.env[variable];
    if (named) return `${named} (region ${bucket.region}, from ${variable})`;
  }
  return `https://${bucket.bucket}.s3.${bucket.region}.amazonaws.com (region ${bucket.region})`;
}

/** What `request` answers; a failure to connect is said as the bucket out of reach, any other error left as it is. */
async function reaching<Output>(bucket: EvidenceBucket, request: () => Promise<Output>): Promise<Output> {
  try {
    return await request();
  } catch (error) {
    if (!isNetworkFailure(error)) throw error;
    throw new EvidenceBucketUnreachableError(
      `the evidence bucket ${bucket.bucket} could not be reached at ${endpointOf(bucket)}: ${(error as Error).message}; check the network, or the endpoint`,
      { cause: error },
    );
  }
}

function s3(bucket: EvidenceBucket): S3Client {
  return new S3Client({
    region: bucket.region,
    credentials: standardCredentials(bucket.profile),
    // An endpoint named by AWS_ENDPOINT_URL(_S3) is an S3-compatible service addressed by path, as the AWS CLI
    // does with --endpoint-url; AWS's own endpoints keep virtual-hosted addressing.
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL),
  });
}

/**
 * The bundles in the evidence bucket whose manifest was written in `[since, until)`: one listing of
 * `bundles/` (paged), each bundle dated by the LastModified of its `manifest.intoto.json`, the file Observe
 * writes last. Reading needs only `s3:ListBucket` and `s3:GetObject` on the bucket: no API, no itv role.
 */
export async function bundlesWritten(
  bucket: EvidenceBucket,
  range: { since?: Date; until?: Date },
): Promise<StoredBundle[]> {
  const client = s3(bucket);
  const found: StoredBundle[] = [];
  let token: string | undefined;
  do {
    const page = await reaching(bucket, () =>
      client.send(
        new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: 'bundles/', ContinuationToken: token }),
      ),
    );
    for (const object of page.Contents ?? []) {
      const match = /^bundles\/([^/]+)\/(.+)$/.exec(object.Key ?? '');
      if (!match || match[2] !== MANIFEST_FILE || !object.LastModified) continue;
      const writtenAt = object.LastModified;
      if (range.since && writtenAt < range.since) continue;
      if (range.until && writtenAt >= range.until) continue;
      found.push({ intentId: match[1]!, writtenAt });
    }
    token = page.NextContinuationToken;
  } while (token);
  return found.sort((a, b) => a.writtenAt.getTime() - b.writtenAt.getTime());
}

/** The files of one intent's bundle in the bucket, by name (flat names only; nothing is trusted here). */
export async function bundleFromBucket(
  bucket: EvidenceBucket,
  intentId: string,
): Promise<Map<string, Uint8Array>> {
  const client = s3(bucket);
  const prefix = bundlePrefix(intentId);
  const files = new Map<string, Uint8Array>();
  let token: string | undefined;
  do {
    const page = await reaching(bucket, () =>
      client.send(
        new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: prefix, ContinuationToken: token }),
      ),
    );
    for (const object of page.Contents ?? []) {
      const name = object.Key!.slice(prefix.length);
      if (name.includes('/')) continue;
      const body = await reaching(bucket, () =>
        client.send(new GetObjectCommand({ Bucket: bucket.bucket, Key: object.Key! })),
      );
      if (body.Body) files.set(name, await body.Body.transformToByteArray());
    }
    token = page.NextContinuationToken;
  } while (token);
  if (files.size === 0)
    throw new ItvError(`no evidence bundle for intent ${intentId} in s3://${bucket.bucket}`);
  return bundleFilesOf(files, storeLocation(intentId));
}

/** An ISO 8601 date or instant given on the command line, or a clear refusal naming the option. */
export function instantOption(value: string | undefined, option: string): Date | undefined {
  if (value === undefined) return undefined;
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) {
    throw new InvalidInputError(`${option} is not a date`, [
      { path: option, message: `must be an ISO 8601 date or instant such as 2026-11-01, got ${value}` },
    ]);
  }
  return instant;
}
