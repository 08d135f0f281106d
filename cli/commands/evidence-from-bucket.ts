import { join } from 'node:path';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import {
  bundleFromBucket,
  bundlesWritten,
  type EvidenceBucket,
  instantOption,
} from '../remote/bucket-bundles.js';
import { currentContext } from '../remote/contexts.js';
import { writeBundleDir } from './bundle-folder.js';

/**
 * `itv evidence pull --bucket`: bundles read straight from the stack's evidence bucket with the caller's AWS
 * credentials (s3:ListBucket, s3:GetObject), for compliance staff who need no API access: one intent's, or
 * every bundle whose manifest was written in `[--since, --until)`, each into a folder of its own, to verify
 * offline with `itv evidence verify --public-key`.
 */
export async function pullFromBucket(
  intentId: string | undefined,
  options: { out?: string; json?: boolean; bucket?: string | boolean; since?: string; until?: string },
): Promise<number> {
  const bucket = evidenceBucket(options.bucket);
  const since = instantOption(options.since, '--since');
  const until = instantOption(options.until, '--until');
  if (intentId !== undefined) {
    if (since || until) {
      throw new InvalidInputError('one bundle or a date range, not both', [
        { path: '--since', message: 'pulls every bundle in a range: leave the intent id out' },
      ]);
    }
    const out = options.out ?? `evidence-${intentId}`;
    const names = writeBundleDir(await bundleFromBucket(bucket, intentId), out);
    report(options.json, [{ intentId, out, files: names }], bucket);
    return 0;
  }
  if (!since && !until) {
    throw new InvalidInputError('say which bundles to pull', [
      { path: '--since', message: 'give --since and/or --until (ISO 8601), or an intent id' },
    ]);
  }
  const root = options.out ?? 'evidence-bundles';
  const pulled: Array<{ intentId: string; out: string; files: string[]; writtenAt?: string }> = [];
  for (const bundle of await bundlesWritten(bucket, { since, until })) {
    const out = join(root, bundle.intentId);
    const files = writeBundleDir(await bundleFromBucket(bucket, bundle.intentId), out);
    pulled.push({ intentId: bundle.intentId, out, files, writtenAt: bundle.writtenAt.toISOString() });
  }
  report(options.json, pulled, bucket);
  return 0;
}

function report(
  json: boolean | undefined,
  pulled: Array<{ intentId: string; out: string; files: string[] }>,
  bucket: EvidenceBucket,
): void {
  if (json) {
    console.log(JSON.stringify({ bucket: bucket.bucket, bundles: pulled }, null, 2));
    return;
  }
  for (const bundle of pulled)
    console.log(`pulled ${bundle.files.length} files of intent ${bundle.intentId} into ${bundle.out}`);
  console.log(
    pulled.length === 0
      ? `no bundle in s3://${bucket.bucket} in that range`
      : `check them offline with: itv evidence verify --public-key KEY.pem ${pulled.map((b) => b.out).join(' ')}`,
  );
}

/** The bucket named by `--bucket NAME`, else the current context's; its region, the context's or AWS_REGION. */
function evidenceBucket(option: string | boolean | undefined): EvidenceBucket {
  const chosen = currentContext();
  const bucket = typeof option === 'string' ? option : chosen?.context.evidenceBucket;
  const region = chosen?.context.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const issues: Array<{ path: string; message: string }> = [];
  if (!bucket)
    issues.push({
      path: '--bucket',
      message:
        'name the evidence bucket (--bucket NAME), or use a context added with --stack, which knows it',
    });
  // S3's rules for a bucket name (general purpose buckets): a name it cannot have is never sent.
  if (bucket && !/^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    issues.push({
      path: '--bucket',
      message: `is not an S3 bucket name: ${JSON.stringify(bucket.slice(0, 70))} (3 to 63 lower-case letters, digits, dots and hyphens, beginning and ending with a letter or digit)`,
    });
  if (!region) issues.push({ path: 'AWS_REGION', message: 'is required outside a deployed context' });
  if (issues.length > 0) {
    throw new InvalidInputError(
      bucket ? `cannot read the evidence bucket ${bucket.slice(0, 70)}` : 'no evidence bucket to read',
      issues,
    );
  }
  return {
    bucket: bucket!,
    region: region!,
    ...(chosen?.context.profile ? { profile: chosen.context.profile } : {}),
  };
}
