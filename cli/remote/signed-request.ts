import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ItvError } from '../../lambdas/core/errors.js';
import { boundedFetch } from '../control-plane/bounded-fetch.js';
import { NodeSha256 } from './sha256.js';

/** Where a signed request goes: the region and service it is signed for, and whose credentials sign it. */
export interface SigningTarget {
  region: string;
  /** `execute-api` for API Gateway, `cloudformation`, … */
  service: string;
  credentials: AwsCredentialIdentityProvider;
}

/** An answer read whole, with its headers by name. */
export interface SignedAnswer {
  status: number;
  text: string;
  header(name: string): string | undefined;
}

/** The standard chain found no credentials to sign with. */
export class NoCredentialsError extends ItvError {}

const providers = new Map<string, AwsCredentialIdentityProvider>();

/**
 * The standard AWS credential chain (environment, SSO, shared config and credentials files with `profile`,
 * web identity, ECS and EC2 roles), as every AWS SDK and the AWS CLI resolve it: once per process and profile,
 * refreshed by the provider when it expires. Nothing is stored by itv.
 */
export function standardCredentials(profile?: string): AwsCredentialIdentityProvider {
  const key = profile ?? '';
  let provider = providers.get(key);
  if (!provider) {
    const chain = async () => {
      try {
        return await defaultProvider(profile ? { profile } : {})();
      } catch (error) {
        throw new NoCredentialsError(
          `no AWS credentials${profile ? ` for profile ${profile}` : ''} to sign with (${(error as Error).message}): set AWS_PROFILE, run aws sso login, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
          { cause: error },
        );
      }
    };
    let cached: Promise<AwsCredentialIdentity> | undefined;
    provider = async () => {
      if (cached === undefined) cached = chain();
      const current = await cached;
      // A credential that expires within a minute is fetched again.
      if (current.expiration && current.expiration.getTime() - Date.now() < 60_000) cached = chain();
      return cached;
    };
    providers.set(key, provider);
  }
  return provider;
}

/**
 * Whether `signedRequest` failed to reach its endpoint (fetch's TypeError: refused, unknown host, reset; or its
 * timeout), and in a few words why: the network error's code where it names one.
 */
export function unreachable(error: unknown): string | undefined {
  // By name: fetch's TypeError comes from Node's own realm, which `instanceof` in another (a test's VM) misses.
  const name = (error as Error | undefined)?.name;
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  const fromFetch = name === 'TypeError' && ((error as Error).message === 'fetch failed' || cause?.code);
  if (!fromFetch && name !== 'RequestTimeoutError') return undefined;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** Signs the request with SigV4 (its body's SHA-256 included) and sends it; the answer is read whole. */
export async function signedRequest(
  url: URL,
  init: { method: string; headers?: Record<string, string>; body?: string },
  target: SigningTarget,
  timeoutMs: number,
): Promise<SignedAnswer> {
  const signer = new SignatureV4({
    service: target.service,
    region: target.region,
    credentials: target.credentials,
    sha256: NodeSha256,
  });
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? values[0]! : values;
  }
  const signed = await signer.sign({
    method: init.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers: { host: url.host, ...(init.headers ?? {}) },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const { response, text } = await boundedFetch(
    url.href,
    { method: init.method, headers: signed.headers, body: init.body },
    timeoutMs,
  );
  return { status: response.status, text, header: (name) => response.headers.get(name) ?? undefined };
}
