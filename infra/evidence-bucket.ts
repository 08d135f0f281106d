import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectLockRetention } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface EvidenceBucketProps {
  /** COMPLIANCE-mode default retention: nobody, root included, can delete or shorten it. */
  retention: Duration;
}

/**
 * Write-once evidence archive with its access logs kept in a separate bucket. Object Lock COMPLIANCE keeps every
 * stored version; the bucket policy keeps a key from getting a second one: a write that would create an object
 * must carry `If-None-Match` (S3 then refuses it, 412, when the key exists), whoever sends it — "Enforce conditional
 * writes on Amazon S3 buckets", Amazon S3 User Guide. `s3:ObjectCreationOperation` exempts CreateMultipartUpload
 * and UploadPart, which take no conditional header (their CompleteMultipartUpload must carry it).
 */
export class EvidenceBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: EvidenceBucketProps) {
    super(scope, id);
    const common = {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
      versioned: true,
    };
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      ...common,
      lifecycleRules: [{ expiration: Duration.days(3653), noncurrentVersionExpiration: Duration.days(30) }],
    });
    this.bucket = new Bucket(this, 'Bucket', {
      ...common,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(props.retention),
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'evidence/',
    });
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyObjectWritesThatCouldReplace',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
        conditions: {
          Null: { 's3:if-none-match': 'true' },
          Bool: { 's3:ObjectCreationOperation': 'true' },
        },
      }),
    );
  }
}
