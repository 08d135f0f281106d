import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Authenticate } from '../../lambdas/api/caller.js';
import type { Catalog } from '../../lambdas/core/catalog-schema.js';
import { UnauthenticatedError, UnknownCallerError } from '../../lambdas/core/errors.js';
import { namedLocally } from './local-caller.js';

/**
 * Bearer tokens for `itv serve`, one per principal, issued by `itv token PRINCIPAL` and kept under ITV_HOME
 * in `tokens.json` (mode 0600) as SHA-256 digests only: the token itself is printed once and never stored,
 * so the file does not let whoever reads it call as anybody. Reissuing replaces the principal's token.
 */
interface TokenFile {
  version: 1;
  /** principal id → hex SHA-256 of its token */
  tokens: Record<string, string>;
}

const tokensFile = (home: string) => join(home, 'tokens.json');
const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

function readTokens(home: string): TokenFile {
  const file = tokensFile(home);
  if (!existsSync(file)) return { version: 1, tokens: {} };
  return JSON.parse(readFileSync(file, 'utf8')) as TokenFile;
}

/** Issues (or replaces) `principal`'s token and returns it; only its digest is written. */
export function issueToken(home: string, principal: string): string {
  const token = `itv_${randomBytes(32).toString('base64url')}`;
  mkdirSync(home, { recursive: true });
  const current = readTokens(home);
  const next: TokenFile = {
    version: 1,
    tokens: { ...current.tokens, [principal]: digest(token).toString('hex') },
  };
  const temporary = `${tokensFile(home)}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, tokensFile(home));
  return token;
}

/** The principal whose token this is, comparing digests in constant time; undefined for none. */
export function tokenPrincipal(home: string, token: string): string | undefined {
  const presented = digest(token);
  let found: string | undefined;
  for (const [principal, hex] of Object.entries(readTokens(home).tokens)) {
    const stored = Buffer.from(hex, 'hex');
    if (stored.length === presented.length && timingSafeEqual(stored, presented)) found = principal;
  }
  return found;
}

/** The token of `Authorization: Bearer <token>`; undefined for another scheme or none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}

/**
 * `itv serve`'s authentication, in the place of API Gateway's IAM auth: `Authorization: Bearer <token>`,
 * resolved to the principal it was issued to, who must still be in the catalog.
 */
export function bearerCaller(home: string): Authenticate {
  return (event, catalog: Catalog) => {
    const token = bearerToken(event.headers?.authorization ?? event.headers?.Authorization);
    if (!token) {
      throw new UnauthenticatedError('no caller identity', 'Bearer', [
        {
          path: 'authorization',
          message: 'send Authorization: Bearer <token>; `itv token PRINCIPAL` issues one',
        },
      ]);
    }
    const principal = tokenPrincipal(home, token);
    if (!principal || !catalog.principals[principal]) {
      throw new UnknownCallerError(
        'the bearer token is not one `itv token` issued for a principal in the catalog',
        'Bearer',
      );
    }
    return namedLocally(principal, 'itv serve bearer token');
  };
}
