import type { IncomingHttpHeaders } from 'node:http';
import { UnmappedOperationError } from './errors.js';

/** A request as the gateway received it, body read whole (the project's requests are small). */
export interface GatewayRequest {
  method: string;
  /** The raw path, still percent-encoded as sent. */
  path: string;
  query: URLSearchParams;
  /** Path and query exactly as sent (and signed), forwarded unchanged. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An answer the gateway (or an interceptor) gives without the upstream. */
export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** The credential scope of a SigV4 request: `Credential=<AccessKeyId>/<date>/<region>/<service>/aws4_request`. */
export interface SigningScope {
  accessKeyId: string;
  date: string;
  region: string;
  signingName: string;
}

const credentialPattern = /Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/;

/** Reads the scope from the Authorization header, or from `X-Amz-Credential` of a presigned URL. */
export function signingScopeOf(request: Pick<GatewayRequest, 'headers' | 'query'>): SigningScope | undefined {
  const header = request.headers.authorization;
  const presigned = request.query.get('X-Amz-Credential');
  const match = header
    ? credentialPattern.exec(header)
    : presigned
      ? credentialPattern.exec(`Credential=${presigned}`)
      : null;
  if (!match) return undefined;
  const [, accessKeyId, date, region, signingName] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  return { accessKeyId, date, region, signingName };
}

export function headerOf(request: Pick<GatewayRequest, 'headers'>, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The operation named by `X-Amz-Target: <prefix>.<Operation>` (the awsJson protocols). */
export function jsonTargetOf(request: GatewayRequest, prefix: string): string {
  const target = headerOf(request, 'x-amz-target');
  if (!target?.startsWith(`${prefix}.`)) {
    throw new UnmappedOperationError(
      `expected X-Amz-Target ${prefix}.<Operation>, got ${target ?? 'none'} (${request.method} ${request.path})`,
    );
  }
  return target.slice(prefix.length + 1);
}

export function jsonBodyOf(request: GatewayRequest, operation: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(request.body.length ? request.body.toString('utf8') : '{}');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below with the operation's name
  }
  throw new UnmappedOperationError(`${operation}: the request body is not a JSON object`);
}

export function requiredString(body: Record<string, unknown>, field: string, operation: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new UnmappedOperationError(`${operation}: no ${field} in the request, cannot tell its resource`);
  }
  return value;
}
