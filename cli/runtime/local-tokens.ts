import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { makePrivateFolder } from '../../lambdas/adapters/local/private-folder.js';
import type { Authenticate } from '../../lambdas/api/caller.js';
import type { Catalog } from '../../lambdas/core/catalog-schema.js';
import { ItvError, UnauthenticatedError, UnknownCallerError } from '../../lambdas/core/errors.js';
import { isAlive } from '../control-plane/home-owner.js';
import { namedLocally } from './local-caller.js';

/**
 * Bearer tokens for `itv serve`, one per principal, issued by `itv token PRINCIPAL` and kept under ITV_HOME
 * in `tokens.json` (mode 0600) as SHA-256 digests only: the token itself is printed once and never stored,
 * so the file does not let whoever reads it call as anybody. Reissuing replaces the principal's token; revoking
 * removes it; each token expires (`tokenLifetimeDays`, by the wall clock: a credential, not a recorded instant).
 * Each change reads, changes and replaces the file holding `tokens.lock` (created exclusively, as `owner.lock`
 * is), so of many `itv token` run at once on one home none loses another's token.
 */
interface TokenFile {
  version: 1 | 2;
  /**
   * principal id → its token's hex SHA-256 and when it expires; a version-1 file (written before tokens
   * expired) holds the digest alone, and such a token is kept until it is reissued or revoked.
   */
  tokens: Record<string, string | StoredToken>;
}

interface StoredToken {
  sha256: string;
  issuedAt: string;
  expiresAt: string;
}

/** How long a token is good for, by default: `itv token --days N` sets another (1 to 366). */
export const tokenLifetimeDays = 30;

const tokensFile = (home: string) => join(home, 'tokens.json');
const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

function readTokens(home: string): TokenFile {
  const file = tokensFile(home);
  if (!existsSync(file)) return { version: 1, tokens: {} };
  return JSON.parse(readFileSync(file, 'utf8')) as TokenFile;
}

/** `tokens.lock` stayed held by a live process longer than an issue takes: no token is issued, none printed. */
export class TokensLockedError extends ItvError {}

/**
 * Issues (or replaces) `principal`'s token, good for `days` from `now`, and returns it with its expiry; only its
 * digest is written. A token is returned only once the file read back holds its digest: one printed is one
 * `itv serve` knows.
 */
export function issueToken(
  home: string,
  principal: string,
  days = tokenLifetimeDays,
  now = new Date(),
): string {
  const token = `itv_${randomBytes(32).toString('base64url')}`;
  const stored: StoredToken = {
    sha256: digest(token).toString('hex'),
    issuedAt: now.toISOString(),
    expiresAt: tokenExpiry(now, days),
  };
  changeTokens(home, (tokens) => ({ ...tokens, [principal]: stored }));
  if (storedDigest(readTokens(home).tokens[principal]) !== stored.sha256)
    throw new TokensLockedError(
      `tokens.json in ${home}: another itv token for ${principal} replaced this token as it was issued; use the one it printed, or run itv token again`,
    );
  return token;
}

/** When a token issued at `now` for `days` expires. */
export function tokenExpiry(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString();
}

/** Removes `principal`'s token: `itv serve` refuses it from then on. False when it had none. */
export function revokeToken(home: string, principal: string): boolean {
  let had = false;
  changeTokens(home, (tokens) => {
    had = principal in tokens;
    const { [principal]: _revoked, ...kept } = tokens;
    return kept;
  });
  return had;
}

function changeTokens(home: string, change: (tokens: TokenFile['tokens']) => TokenFile['tokens']): void {
  makePrivateFolder(home);
  withTokensLock(home, () => {
    const next: TokenFile = { version: 2, tokens: change(readTokens(home).tokens) };
    const temporary = `${tokensFile(home)}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, tokensFile(home));
  });
}

const storedDigest = (stored: string | StoredToken | undefined) =>
  typeof stored === 'string' ? stored : stored?.sha256;

const lockFile = (home: string) => join(home, 'tokens.lock');
/** How long an issue waits for another to give `tokens.lock` up: each holds it for one small file's write. */
const lockWaitMs = 30_000;
/** A lock older than this is a holder's that stopped (its pid may since be another process's). */
const staleLockMs = 60_000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Runs `work` holding `tokens.lock`, taking over a lock whose holder has died or that has gone stale. */
function withTokensLock(home: string, work: () => void): void {
  const lock = lockFile(home);
  const deadline = Date.now() + lockWaitMs;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeFileSync(fd, JSON.stringify({ pid: process.pid, at: Date.now() }));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (isStale(lock)) {
      // Moved aside and checked there, so a lock taken meanwhile by a live process is put back, not removed.
      const aside = `${lock}.${process.pid}.stale`;
      try {
        renameSync(lock, aside);
      } catch {
        continue;
      }
      if (isStale(aside)) rmSync(aside, { force: true });
      else renameSync(aside, lock);
      continue;
    }
    if (Date.now() > deadline)
      throw new TokensLockedError(
        `tokens.lock in ${home}: another itv token held it for over ${lockWaitMs / 1000} s; no token was issued, run itv token again`,
      );
    // A synchronous wait: issuing is synchronous, and the holder needs only milliseconds.
    Atomics.wait(pause, 0, 0, 2 + Math.floor(Math.random() * 8));
  }
  try {
    work();
  } finally {
    // Only its own: a lock taken over as stale meanwhile is the new holder's.
    if (lockHolder(lock)?.pid === process.pid) rmSync(lock, { force: true });
  }
}

/** Whether a lock's holder has died, or it is older than `staleLockMs`; one still being written is not. */
function isStale(lock: string): boolean {
  let modified: number;
  try {
    modified = statSync(lock).mtimeMs;
  } catch {
    return false;
  }
  const held = lockHolder(lock);
  const at = typeof held?.at === 'number' ? held.at : modified;
  if (Date.now() - at > staleLockMs) return true;
  return typeof held?.pid === 'number' && !isAlive(held.pid);
}

/** Who holds a lock and since when, as its file says; undefined while it is written, or once it is gone. */
function lockHolder(lock: string): { pid?: unknown; at?: unknown } | undefined {
  try {
    return JSON.parse(readFileSync(lock, 'utf8')) as { pid?: unknown; at?: unknown };
  } catch {
    return undefined;
  }
}

/** The principal whose token this is (expired or not); undefined for none. */
export function tokenPrincipal(home: string, token: string): string | undefined {
  return tokenHolder(home, token)?.principal;
}

/**
 * The principal whose token this is (comparing digests in constant time), and when it expires (none for a token
 * issued before tokens expired); undefined for none.
 */
function tokenHolder(home: string, token: string): { principal: string; expiresAt?: string } | undefined {
  const presented = digest(token);
  let found: { principal: string; expiresAt?: string } | undefined;
  for (const [principal, kept] of Object.entries(readTokens(home).tokens)) {
    const stored = Buffer.from(storedDigest(kept) ?? '', 'hex');
    if (stored.length === presented.length && timingSafeEqual(stored, presented)) {
      found = typeof kept === 'string' ? { principal } : { principal, expiresAt: kept.expiresAt };
    }
  }
  return found;
}

/** How a request a bearer token authenticated was named (`authenticatedAs.via`): that, and nothing else, says so. */
export const bearerTokenLabel = 'itv serve bearer token';

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
    const principal = bearerPrincipal(home, event.headers?.authorization ?? event.headers?.Authorization);
    if (!catalog.principals[principal]) throw unknownToken();
    return namedLocally(principal, bearerTokenLabel);
  };
}

/**
 * The principal a live token `itv token` issued names, from an `Authorization: Bearer <token>` header; throws
 * `UnauthenticatedError` (401) for none, another scheme, a token nobody issued, a revoked or an expired one.
 * Whether the principal is still in the catalog is `bearerCaller`'s to check.
 */
export function bearerPrincipal(home: string, authorization: string | undefined): string {
  const token = bearerToken(authorization);
  if (!token) {
    throw new UnauthenticatedError('no caller identity', 'Bearer', [
      {
        path: 'authorization',
        message: 'send Authorization: Bearer <token>; `itv token PRINCIPAL` issues one',
      },
    ]);
  }
  const found = tokenHolder(home, token);
  if (!found) throw unknownToken();
  if (found.expiresAt !== undefined && Date.parse(found.expiresAt) <= Date.now()) {
    throw new UnknownCallerError(
      `the bearer token expired at ${found.expiresAt}: \`itv token ${found.principal}\` issues a new one`,
      'Bearer',
    );
  }
  return found.principal;
}

const unknownToken = () =>
  new UnknownCallerError(
    'the bearer token is not one `itv token` issued for a principal in the catalog (or it was revoked)',
    'Bearer',
  );
