import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks an AWS Signature Version 4 `Authorization` header the way the receiving service does, written here
 * from AWS's specification (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)
 * with node:crypto alone, independently of the signer the CLI uses: canonical request, string to sign,
 * signing key derived from the secret by the HMAC chain date → region → service → "aws4_request".
 */
export interface SignedRequest {
  method: string;
  /** Path and query as sent, e.g. `/v1/intents?limit=5`. */
  target: string;
  /** Header names in any case. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | string;
}

export type Verification =
  | { ok: true; accessKeyId: string; region: string; service: string; signedHeaders: string[] }
  | { ok: false; reason: string };

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, upper-case hex. */
const uriEncode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function verifySigV4(
  request: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
): Verification {
  const headers = new Map(
    Object.entries(request.headers).map(([name, value]) => [
      name.toLowerCase(),
      Array.isArray(value) ? value.join(',') : (value ?? ''),
    ]),
  );
  const authorization = headers.get('authorization') ?? '';
  const parsed =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!parsed) return { ok: false, reason: 'no SigV4 Authorization header' };
  const [, accessKeyId, day, region, service, signedList, signature] = parsed as unknown as string[];
  const secret = secretFor(accessKeyId!);
  if (secret === undefined) return { ok: false, reason: `unknown access key ${accessKeyId}` };
  const amzDate = headers.get('x-amz-date') ?? '';
  if (!amzDate.startsWith(day!))
    return { ok: false, reason: 'x-amz-date does not match the credential scope' };
  const signedHeaders = signedList!.split(';');
  if (!signedHeaders.includes('host')) return { ok: false, reason: 'host is not signed' };

  const url = new URL(request.target, 'http://signed.invalid');
  // Every service but S3 encodes each segment of the path twice: once by the client that sent it, once here.
  const canonicalPath = url.pathname
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
  const canonicalQuery = [...url.searchParams.entries()]
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(headers.get(name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = headers.get('x-amz-content-sha256') ?? sha256(request.body);
  const canonicalRequest = [
    request.method,
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    signedList,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day!), region!), service!), 'aws4_request');
  const expected = hmac(key, stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex')))
    return { ok: false, reason: 'the signature does not match the request' };
  if (sha256(request.body) !== payloadHash && payloadHash !== 'UNSIGNED-PAYLOAD')
    return { ok: false, reason: 'the body is not the one signed' };
  return { ok: true, accessKeyId: accessKeyId!, region: region!, service: service!, signedHeaders };
}
