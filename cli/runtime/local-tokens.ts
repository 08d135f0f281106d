import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivateFolder } from '../../lambdas/adapters/local/private-folder.js';
import type { Authenticate } from '../../lambdas/api/caller.js';
import type { Catalog } from '../../lambdas/core/catalog-schema.js';
import { ItvError, UnauthenticatedError, UnknownCallerError } from '../../lambdas/core/errors.js';
import { isAlive } from '../control-plane/home-owner.js';
import { createClaimFile, writing } from '../no-space.js';
import { namedLocally } from './local-caller.js';

/**
 * Bearer tokens for `itv serve`, issued by `itv token PRINCIPAL` and kept under ITV_HOME in `tokens.json` (mode
 * 0600) as SHA-256 digests only: the token itself is printed once and never stored, so the file does not let
 * whoever reads it call as anybody. A principal may hold several tokens at once (one per CI job, say), each with
 * its own id, optional label and expiry (`tokenLifetimeDays`, by the wall clock: a credential, not a recorded
 * instant): issuing one adds it beside the others; revoking removes one (by id) or all of the principal's.
 * Each change reads, changes and replaces the file holding `tokens.lock` (created exclusively, as `owner.lock`
 * is), so of many `itv token` run at once on one home none loses another's token, and drops the tokens expired
 * more than `expiredKeptDays` ago.
 */
interface TokenFile {
  version: 3;
  /** principal id → its tokens, oldest first. */
  tokens: Record<string, StoredToken[]>;
}

/**
 * The files earlier itv wrote, still read and honoured: version 1 held a principal's one token's digest alone
 * (written before tokens expired: kept until revoked), version 2 its one token with its expiry.
 */
interface EarlierTokenFile {
  version: 1 | 2;
  tokens: Record<string, string | { sha256: string; issuedAt: string; expiresAt: string }>;
}

export interface StoredToken {
  /** Names the token in `itv token P --list` and `--revoke --id`; not a secret, and says nothing of the token. */
  id: string;
  label?: string;
  sha256: string;
  /** Absent for a token a version-1 file held: issued before tokens expired, it does not. */
  issuedAt?: string;
  expiresAt?: string;
}

/** A principal's token as `itv token P --list` shows it: never its digest. */
export type ListedToken = Omit<StoredToken, 'sha256'>;

/** How long a token is good for, by default: `itv token --days N` sets another (1 to 366). */
export const tokenLifetimeDays = 30;

/**
 * How long an expired token stays in the file, so that a request sending it is told it expired rather than that
 * nobody issued it; a write after that drops it.
 */
export const expiredKeptDays = 7;

const tokensFile = (home: string) => join(home, 'tokens.json');
const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();
/** A new token's id: 8 hex characters, random (not derived from the token). */
const newTokenId = () => randomBytes(4).toString('hex');

function readTokens(home: string): TokenFile {
  const file = tokensFile(home);
  // Without a prototype: a principal named `constructor` or `__proto__` is a key like any other.
  const tokens: TokenFile['tokens'] = Object.create(null);
  if (!existsSync(file)) return { version: 3, tokens };
  const { mode, uid } = statSync(file);
  const untrusted = untrustedTokensFile(file, mode, uid, process.geteuid?.());
  if (untrusted !== undefined) throw new UntrustedTokensError(untrusted);
  const read = JSON.parse(readFileSync(file, 'utf8')) as TokenFile | EarlierTokenFile;
  if (read.version === 3) return { version: 3, tokens: Object.assign(tokens, read.tokens) };
  // An earlier file's one token a principal, named by its digest's first 8 hex characters.
  for (const [principal, kept] of Object.entries(read.tokens)) {
    tokens[principal] = [
      typeof kept === 'string'
        ? { id: kept.slice(0, 8), sha256: kept }
        : { id: kept.sha256.slice(0, 8), ...kept },
    ];
  }
  return { version: 3, tokens };
}

/** `tokens.json` is not one only its owner, this user, could have written: a token in it may have been planted. */
export class UntrustedTokensError extends ItvError {}

/**
 * Why a tokens file with `mode`, owned by `uid`, cannot be trusted by the user `ownUid`, or undefined: a file another
 * user owns, or that the group or others may write, could hold the digest of a token its writer chose — a credential
 * for any principal. (Reading it gives nothing away: it holds digests.)
 */
export function untrustedTokensFile(
  file: string,
  mode: number,
  uid: number,
  ownUid: number | undefined,
): string | undefined {
  if (ownUid !== undefined && uid !== ownUid) {
    return `${file} belongs to user ${uid}, not to you (user ${ownUid}): another user put it there, and any token in it may be theirs; itv serve honours no token from it. Move it aside and issue the tokens you need again (itv token PRINCIPAL)`;
  }
  if ((mode & 0o022) !== 0) {
    return `${file} may be written by ${mode & 0o002 ? 'any user' : 'its group'} (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): a token in it may have been put there by another; itv serve honours no token from it. If you made it so, run chmod 600 on it; otherwise move it aside and issue the tokens you need again (itv token PRINCIPAL)`;
  }
  return undefined;
}

/** The tokens `principal` holds: its own entry only, never a property every object inherits. */
function heldBy(tokens: TokenFile['tokens'], principal: string): StoredToken[] {
  return Object.hasOwn(tokens, principal) ? tokens[principal]! : [];
}

/** `tokens.lock` stayed held by a live process longer than an issue takes: no token is issued, none printed. */
export class TokensLockedError extends ItvError {}

/** A token just issued: the secret (printed once) and what names it. */
export interface IssuedToken {
  token: string;
  id: string;
  label?: string;
  issuedAt: string;
  expiresAt: string;
}

/**
 * Issues a token for `principal`, good for `days` from `now`, beside any the principal already holds, and returns
 * it; only its digest is written. A token is returned only once the file read back holds its digest: one printed
 * is one `itv serve` knows.
 */
export function issueToken(
  home: string,
  principal: string,
  days = tokenLifetimeDays,
  now = new Date(),
  label?: string,
): string {
  return issueNamedToken(home, principal, { days, now, ...(label === undefined ? {} : { label }) }).token;
}

/** `issueToken`, returning the token's id, label and expiry beside it. */
export function issueNamedToken(
  home: string,
  principal: string,
  options: { days?: number; now?: Date; label?: string } = {},
): IssuedToken {
  const now = options.now ?? new Date();
  const token = `itv_${randomBytes(32).toString('base64url')}`;
  const sha256 = digest(token).toString('hex');
  let stored: StoredToken | undefined;
  changeTokens(home, (tokens) => {
    const held = heldBy(tokens, principal);
    let id = newTokenId();
    while (held.some((kept) => kept.id === id)) id = newTokenId();
    stored = {
      id,
      ...(options.label === undefined ? {} : { label: options.label }),
      sha256,
      issuedAt: now.toISOString(),
      expiresAt: tokenExpiry(now, options.days ?? tokenLifetimeDays),
    };
    return { ...tokens, [principal]: [...held, stored] };
  });
  if (!stored || !heldBy(readTokens(home).tokens, principal).some((kept) => kept.sha256 === sha256))
    throw new TokensLockedError(
      `tokens.json in ${home}: another itv token revoked ${principal}'s tokens as this one was issued; run itv token again`,
    );
  const { sha256: _digest, ...named } = stored;
  return { token, ...(named as Omit<IssuedToken, 'token'>) };
}

/** When a token issued at `now` for `days` expires. */
export function tokenExpiry(now: Date, days: number): string {
  return new Date(now.getTime() + days * 86_400_000).toISOString();
}

/**
 * Removes `principal`'s tokens (only the one named `id`, when given): `itv serve` refuses them from then on.
 * Returns those removed (none when it had none, or none by that id).
 */
export function revokeTokens(home: string, principal: string, id?: string): ListedToken[] {
  let revoked: StoredToken[] = [];
  changeTokens(home, (tokens) => {
    const held = heldBy(tokens, principal);
    revoked = held.filter((kept) => id === undefined || kept.id === id);
    const kept = held.filter((token) => !revoked.includes(token));
    const { [principal]: _revoked, ...others } = tokens;
    return kept.length > 0 ? { ...others, [principal]: kept } : others;
  });
  return revoked.map(listed);
}

/** Removes `principal`'s tokens (only the one named `id`, when given); returns how many it removed. */
export function revokeToken(home: string, principal: string, id?: string): number {
  return revokeTokens(home, principal, id).length;
}

/** `principal`'s tokens, oldest first, without their digests; those expired but still kept say so by their expiry. */
export function listTokens(home: string, principal: string): ListedToken[] {
  return heldBy(readTokens(home).tokens, principal).map(listed);
}

const listed = ({ sha256: _digest, ...token }: StoredToken): ListedToken => token;

/** Whether a token expired more than `expiredKeptDays` before `now`; one that does not expire never is. */
const longExpired = (token: StoredToken, now: number) =>
  token.expiresAt !== undefined && Date.parse(token.expiresAt) + expiredKeptDays * 86_400_000 <= now;

function changeTokens(home: string, change: (tokens: TokenFile['tokens']) => TokenFile['tokens']): void {
  makePrivateFolder(home);
  withTokensLock(home, () => {
    const now = Date.now();
    const changed = change(readTokens(home).tokens);
    const tokens: TokenFile['tokens'] = {};
    for (const [principal, held] of Object.entries(changed)) {
      const kept = held.filter((token) => !longExpired(token, now));
      if (kept.length > 0) tokens[principal] = kept;
    }
    const next: TokenFile = { version: 3, tokens };
    const temporary = `${tokensFile(home)}.${process.pid}.tmp`;
    writing(tokensFile(home), () =>
      writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 }),
    );
    chmodSync(temporary, 0o600);
    renameSync(temporary, tokensFile(home));
  });
}

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
      createClaimFile(lock, JSON.stringify({ pid: process.pid, at: Date.now() }));
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

/** The principal whose token this is (expired or not); undefined for none, and for a tokens file not trusted. */
export function tokenPrincipal(home: string, token: string): string | undefined {
  try {
    return tokenHolder(home, token)?.principal;
  } catch (error) {
    if (error instanceof UnknownCallerError) return undefined;
    throw error;
  }
}

/** Throws UntrustedTokensError when the home's tokens file could hold a token another user put there. */
export function checkTokensFile(home: string): void {
  readTokens(home);
}

/**
 * The principal whose token this is (comparing digests in constant time), and when it expires (none for a token
 * issued before tokens expired); undefined for none.
 */
function tokenHolder(home: string, token: string): { principal: string; expiresAt?: string } | undefined {
  const presented = digest(token);
  let found: { principal: string; expiresAt?: string } | undefined;
  let file: TokenFile;
  try {
    file = readTokens(home);
  } catch (error) {
    // No token from a file somebody else could have written: the caller is refused, told why.
    if (error instanceof UntrustedTokensError) throw new UnknownCallerError(error.message, 'Bearer');
    throw error;
  }
  for (const [principal, held] of Object.entries(file.tokens)) {
    for (const kept of held) {
      const stored = Buffer.from(kept.sha256, 'hex');
      if (stored.length === presented.length && timingSafeEqual(stored, presented)) {
        found = kept.expiresAt === undefined ? { principal } : { principal, expiresAt: kept.expiresAt };
      }
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
