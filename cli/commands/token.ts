import { loadCatalog } from '../../catalog/index.js';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import { findPrincipal, notAPrincipal } from '../../lambdas/core/principals/index.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import {
  issueNamedToken,
  type ListedToken,
  listTokens,
  revokeTokens,
  tokenLifetimeDays,
} from '../runtime/local-tokens.js';

interface TokenOptions {
  json?: boolean;
  days?: string;
  label?: string;
  revoke?: boolean;
  id?: string;
  list?: boolean;
}

/**
 * `itv token PRINCIPAL`: prints a new bearer token for `itv serve`, good for `--days` (30 by default), beside any
 * the principal already holds (one per CI job, say); only its digest is kept under ITV_HOME, with its id and
 * `--label`. With `--revoke`, removes the principal's tokens instead (`--id` one of them); with `--list`, lists
 * them (never the secret).
 */
export async function tokenCommand(name: string, options: TokenOptions = {}): Promise<number> {
  const catalog = loadCatalog();
  const principal = findPrincipal(catalog, name);
  if (!principal) {
    // Thrown, not printed: under --json the refusal is one problem object, naming the argument.
    throw new InvalidInputError('itv token issues tokens to principals of the catalog', [
      { path: 'principal', message: notAPrincipal(catalog, name, 'catalog/principals.ts') },
    ]);
  }
  if (options.revoke && options.list) {
    throw new InvalidInputError('give one of --revoke or --list, not both', [
      { path: '--list', message: 'lists the tokens: leave it out with --revoke' },
    ]);
  }
  if (options.revoke || options.list) {
    const mode = options.revoke ? '--revoke' : '--list';
    for (const [given, option] of [
      [options.days, '--days'],
      [options.label, '--label'],
    ] as const) {
      if (given !== undefined) {
        throw new InvalidInputError(`itv token ${mode} issues nothing`, [
          { path: option, message: `is for a token being issued: leave it out with ${mode}` },
        ]);
      }
    }
  }
  if (options.id !== undefined && !options.revoke) {
    throw new InvalidInputError('itv token --id names the token --revoke removes', [
      { path: '--id', message: 'is for --revoke: add it, or leave --id out' },
    ]);
  }
  if (options.list) return list(principal, options.json ?? false);
  if (options.revoke) return revoke(principal, options.id, options.json ?? false);
  const days = lifetimeDays(options.days);
  const label = tokenLabel(options.label);
  const issued = issueNamedToken(itvHome(), principal, { days, ...(label === undefined ? {} : { label }) });
  const named = `${issued.id}${issued.label === undefined ? '' : ` (${issued.label})`}`;
  // For a person at a terminal; under --json the answer says all of it, and stderr is for errors.
  if (!options.json)
    console.error(
      `bearer token ${named} for ${principal} (itv serve on this ITV_HOME; shown once; ${principal}'s other tokens stay live; expires ${issued.expiresAt}; \`itv token ${principal} --revoke --id ${issued.id}\` revokes it):`,
    );
  console.log(
    options.json
      ? JSON.stringify({
          principal,
          token: issued.token,
          id: issued.id,
          ...(issued.label === undefined ? {} : { label: issued.label }),
          issuedAt: issued.issuedAt,
          expiresAt: issued.expiresAt,
        })
      : issued.token,
  );
  return 0;
}

function revoke(principal: string, id: string | undefined, json: boolean): number {
  const revoked = revokeTokens(itvHome(), principal, id);
  if (json) {
    console.log(
      JSON.stringify({
        principal,
        revoked: revoked.length > 0,
        count: revoked.length,
        ids: revoked.map((token) => token.id),
      }),
    );
    return 0;
  }
  const [only] = revoked;
  if (only === undefined) {
    console.log(
      id === undefined
        ? `${principal} had no bearer token on this ITV_HOME: nothing to revoke`
        : `${principal} had no bearer token ${id} on this ITV_HOME: nothing to revoke (\`itv token ${principal} --list\` lists its tokens)`,
    );
  } else if (revoked.length === 1) {
    console.log(`revoked ${principal}'s bearer token ${named(only)}: itv serve refuses it from now on`);
  } else {
    console.log(`revoked ${principal}'s ${revoked.length} bearer tokens: itv serve refuses them from now on`);
  }
  return 0;
}

function list(principal: string, json: boolean): number {
  const tokens = listTokens(itvHome(), principal);
  if (json) {
    console.log(JSON.stringify({ principal, tokens }));
    return 0;
  }
  if (tokens.length === 0) {
    console.log(`${principal} has no bearer token on this ITV_HOME`);
    return 0;
  }
  const now = Date.now();
  for (const token of tokens) {
    const expiry =
      token.expiresAt === undefined
        ? 'does not expire (issued by an earlier itv)'
        : `${Date.parse(token.expiresAt) <= now ? 'expired' : 'expires'} ${token.expiresAt}`;
    console.log(
      `${token.id}  ${token.label ?? '-'}  ${token.issuedAt === undefined ? '' : `issued ${token.issuedAt}  `}${expiry}`,
    );
  }
  return 0;
}

const named = (token: ListedToken) => `${token.id}${token.label === undefined ? '' : ` (${token.label})`}`;

function lifetimeDays(days: string | undefined): number {
  if (days === undefined) return tokenLifetimeDays;
  const n = /^\d{1,3}$/.test(days) ? Number(days) : Number.NaN;
  if (!(n >= 1 && n <= 366)) {
    throw new InvalidInputError('itv token --days must be a whole number of days', [
      { path: '--days', message: `must be a whole number from 1 to 366 (got ${JSON.stringify(days)})` },
    ]);
  }
  return n;
}

/** A label names a token for people (a CI job, say): printable characters, not blank, at most 64. */
function tokenLabel(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  if (!/^[\x20-\x7e]{1,64}$/.test(label) || label.trim() === '') {
    throw new InvalidInputError('itv token --label must be a short printable name', [
      {
        path: '--label',
        message: `must be 1 to 64 printable ASCII characters, not all spaces (got ${JSON.stringify(label)})`,
      },
    ]);
  }
  return label;
}
