import { UnmappedOperationError } from '../errors.js';
import { type GatewayRequest, headerOf } from '../gateway-request.js';
import type { AuthorizationCheck, MappedOperation, MappingContext } from './authorization-check.js';

/** Bucket subresources (`?versioning`, …) and the actions that read and write them. */
const bucketSubresources: Record<string, { GET?: string; PUT?: string; DELETE?: string }> = {
  versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
  'object-lock': { GET: 'GetBucketObjectLockConfiguration', PUT: 'PutBucketObjectLockConfiguration' },
  policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  location: { GET: 'GetBucketLocation' },
  tagging: { GET: 'GetBucketTagging', PUT: 'PutBucketTagging' },
};

/** Object subresources and their actions. */
const objectSubresources: Record<string, { GET?: string; PUT?: string }> = {
  retention: { GET: 'GetObjectRetention', PUT: 'PutObjectRetention' },
  'legal-hold': { GET: 'GetObjectLegalHold', PUT: 'PutObjectLegalHold' },
  tagging: { GET: 'GetObjectTagging', PUT: 'PutObjectTagging' },
  acl: { GET: 'GetObjectAcl', PUT: 'PutObjectAcl' },
  attributes: { GET: 'GetObjectAttributes' },
};

/**
 * S3, REST XML. With a custom endpoint on an IP address the SDK addresses buckets path-style,
 * `/<bucket>/<key>`; the object ARN is `arn:aws:s3:::<bucket>/<key>` with the key decoded. Writes that carry
 * Object Lock, ACL or tagging headers also need the action for that part, as S3 requires.
 */
export function mapS3(request: GatewayRequest, context: MappingContext): MappedOperation {
  const host = headerOf(request, 'host') ?? '';
  if (!context.endpointHosts.includes(host)) {
    // A virtual-hosted request (`<bucket>.<host>`) would be mapped to the wrong bucket as path-style: refuse it.
    throw new UnmappedOperationError(
      `S3 request to host ${host}: only path-style requests to ${context.endpointHosts.join(' or ')} are mapped (the SDK sends them for an IP endpoint; set forcePathStyle otherwise)`,
    );
  }
  const [bucket, ...keyParts] = request.path.split('?')[0]!.split('/').slice(1);
  const key = keyParts.map(decodeURIComponent).join('/');
  if (!bucket) {
    if (request.method === 'GET')
      return mapped('ListBuckets', [{ action: 's3:ListAllMyBuckets', resource: '*' }]);
    throw new UnmappedOperationError(`S3 ${request.method} / is not mapped to IAM actions by the gateway`);
  }
  const bucketName = decodeURIComponent(bucket);
  const resourcePolicy = context.bucketPolicyOf(bucketName);
  const bucketArn = `arn:aws:s3:::${bucketName}`;
  const check = (
    action: string,
    resource: string,
    extra: Record<string, string> = {},
  ): AuthorizationCheck => ({
    action: `s3:${action}`,
    resource,
    context: extra,
    ...(resourcePolicy ? { resourcePolicy } : {}),
  });
  return key === '' ? mapBucket(request, bucketArn, check) : mapObject(request, `${bucketArn}/${key}`, check);
}

type CheckOf = (action: string, resource: string, extra?: Record<string, string>) => AuthorizationCheck;

function mapped(operation: string, checks: AuthorizationCheck[]): MappedOperation {
  return { service: 's3', operation, checks };
}

function mapBucket(request: GatewayRequest, bucketArn: string, check: CheckOf): MappedOperation {
  const { method, query } = request;
  for (const [name, actions] of Object.entries(bucketSubresources)) {
    const action = actions[method as keyof typeof actions];
    if (query.has(name) && action) return mapped(action, [check(action, bucketArn)]);
  }
  if (method === 'GET' && query.has('versions')) {
    return mapped('ListObjectVersions', [check('ListBucketVersions', bucketArn, listContext(query))]);
  }
  if (method === 'GET' && query.has('uploads')) {
    return mapped('ListMultipartUploads', [check('ListBucketMultipartUploads', bucketArn)]);
  }
  if (method === 'GET' && [...query.keys()].every((name) => listParameters.has(name))) {
    const operation = query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    return mapped(operation, [check('ListBucket', bucketArn, listContext(query))]);
  }
  if (method === 'HEAD' && [...query.keys()].length === 0) {
    return mapped('HeadBucket', [check('ListBucket', bucketArn)]);
  }
  if (method === 'PUT' && [...query.keys()].length === 0) {
    return mapped('CreateBucket', [check('CreateBucket', bucketArn)]);
  }
  if (method === 'DELETE' && [...query.keys()].length === 0) {
    return mapped('DeleteBucket', [check('DeleteBucket', bucketArn)]);
  }
  throw new UnmappedOperationError(
    `S3 ${method} on bucket ${bucketArn} with ?${[...query.keys()].join('&')} is not mapped to IAM actions by the gateway`,
  );
}

const listParameters = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'marker',
  'x-id',
]);

function listContext(query: URLSearchParams): Record<string, string> {
  const context: Record<string, string> = {};
  for (const name of ['prefix', 'delimiter', 'max-keys']) {
    const value = query.get(name);
    if (value !== null) context[`s3:${name}`] = value;
  }
  return context;
}

function mapObject(request: GatewayRequest, objectArn: string, check: CheckOf): MappedOperation {
  const { method, query } = request;
  const versioned = query.has('versionId');
  for (const [name, actions] of Object.entries(objectSubresources)) {
    const action = actions[method as keyof typeof actions];
    if (!query.has(name) || !action) continue;
    const checks = [check(action, objectArn, lockContext(request))];
    if (
      action === 'PutObjectRetention' &&
      headerOf(request, 'x-amz-bypass-governance-retention') === 'true'
    ) {
      checks.push(check('BypassGovernanceRetention', objectArn));
    }
    return mapped(action, checks);
  }
  if ((method === 'GET' || method === 'HEAD') && query.has('uploadId')) {
    return mapped('ListParts', [check('ListMultipartUploadParts', objectArn)]);
  }
  if (method === 'GET' || method === 'HEAD') {
    return mapped(method === 'GET' ? 'GetObject' : 'HeadObject', [
      check(versioned ? 'GetObjectVersion' : 'GetObject', objectArn),
    ]);
  }
  if (method === 'DELETE' && query.has('uploadId')) {
    return mapped('AbortMultipartUpload', [check('AbortMultipartUpload', objectArn)]);
  }
  if (method === 'DELETE') {
    const checks = [check(versioned ? 'DeleteObjectVersion' : 'DeleteObject', objectArn)];
    if (headerOf(request, 'x-amz-bypass-governance-retention') === 'true') {
      checks.push(check('BypassGovernanceRetention', objectArn));
    }
    return mapped('DeleteObject', checks);
  }
  // Parts and completion are PutObject; the lock and ACL headers come with CreateMultipartUpload.
  if ((method === 'PUT' && query.has('uploadId')) || (method === 'POST' && query.has('uploadId'))) {
    const operation = method === 'PUT' ? 'UploadPart' : 'CompleteMultipartUpload';
    return mapped(operation, [check('PutObject', objectArn, creationContext(request, operation))]);
  }
  if (
    (method === 'PUT' && [...query.keys()].every((name) => name === 'x-id')) ||
    (method === 'POST' && query.has('uploads'))
  ) {
    const operation =
      method === 'POST' ? 'CreateMultipartUpload' : copySourceOf(request) ? 'CopyObject' : 'PutObject';
    return mapped(operation, writeChecks(request, operation, objectArn, check));
  }
  throw new UnmappedOperationError(
    `S3 ${method} on object ${objectArn} with ?${[...query.keys()].join('&')} is not mapped to IAM actions by the gateway`,
  );
}

function writeChecks(
  request: GatewayRequest,
  operation: string,
  objectArn: string,
  check: CheckOf,
): AuthorizationCheck[] {
  const context = lockContext(request);
  const checks = [check('PutObject', objectArn, { ...context, ...creationContext(request, operation) })];
  if (
    headerOf(request, 'x-amz-object-lock-mode') ||
    headerOf(request, 'x-amz-object-lock-retain-until-date')
  ) {
    checks.push(check('PutObjectRetention', objectArn, context));
  }
  if (headerOf(request, 'x-amz-object-lock-legal-hold'))
    checks.push(check('PutObjectLegalHold', objectArn, context));
  const grants = [
    'x-amz-acl',
    'x-amz-grant-read',
    'x-amz-grant-read-acp',
    'x-amz-grant-write-acp',
    'x-amz-grant-full-control',
  ];
  if (grants.some((name) => headerOf(request, name))) checks.push(check('PutObjectAcl', objectArn));
  if (headerOf(request, 'x-amz-tagging')) checks.push(check('PutObjectTagging', objectArn));
  const source = copySourceOf(request);
  if (source) checks.push(check(source.versioned ? 'GetObjectVersion' : 'GetObject', source.arn));
  return checks;
}

/** `x-amz-copy-source: /<bucket>/<key>[?versionId=…]`, percent-encoded. */
function copySourceOf(request: GatewayRequest): { arn: string; versioned: boolean } | undefined {
  const source = headerOf(request, 'x-amz-copy-source');
  if (!source) return undefined;
  const [path, query = ''] = source.split('?');
  return {
    arn: `arn:aws:s3:::${decodeURIComponent(path!.replace(/^\//, ''))}`,
    versioned: new URLSearchParams(query).has('versionId'),
  };
}

/**
 * The keys a bucket policy enforcing conditional writes reads, for the operations S3 authorizes as
 * `s3:PutObject`: `s3:if-none-match` and `s3:if-match` carry the request's headers, and `s3:ObjectCreationOperation`
 * is true for the operations that create an object (PutObject, CopyObject, CompleteMultipartUpload), false for
 * CreateMultipartUpload and UploadPart, which take no conditional header ("Enforce conditional writes on Amazon
 * S3 buckets", Amazon S3 User Guide).
 */
function creationContext(request: GatewayRequest, operation: string): Record<string, string> {
  const context: Record<string, string> = {
    's3:ObjectCreationOperation': String(operation !== 'CreateMultipartUpload' && operation !== 'UploadPart'),
  };
  const ifNoneMatch = headerOf(request, 'if-none-match');
  const ifMatch = headerOf(request, 'if-match');
  if (ifNoneMatch !== undefined) context['s3:if-none-match'] = ifNoneMatch;
  if (ifMatch !== undefined) context['s3:if-match'] = ifMatch;
  return context;
}

function lockContext(request: GatewayRequest): Record<string, string> {
  const context: Record<string, string> = {};
  const mode = headerOf(request, 'x-amz-object-lock-mode');
  const until = headerOf(request, 'x-amz-object-lock-retain-until-date');
  const hold = headerOf(request, 'x-amz-object-lock-legal-hold');
  if (mode) context['s3:object-lock-mode'] = mode;
  if (until) context['s3:object-lock-retain-until-date'] = until;
  if (hold) context['s3:object-lock-legal-hold'] = hold;
  return context;
}
