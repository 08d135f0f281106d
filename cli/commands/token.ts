import { loadCatalog } from '../../catalog/index.js';
import { InvalidInputError } from '../../lambdas/core/errors.js';
import { findPrincipal, notAPrincipal } from '../../lambdas/core/principals/index.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { issueToken, revokeToken, tokenExpiry, tokenLifetimeDays } from '../runtime/local-tokens.js';

/**
 * `itv token PRINCIPAL`: prints a new bearer token for `itv serve`, good for `--days` (30 by default); only its
 * digest is kept under ITV_HOME. With `--revoke`, removes the principal's token instead.
 */
export async function tokenCommand(
  name: string,
  options: { json?: boolean; days?: string; revoke?: boolean } = {},
): Promise<number> {
  const catalog = loadCatalog();
  const principal = findPrincipal(catalog, name);
  if (!principal) {
    console.error(`itv: ${notAPrincipal(catalog, name, 'catalog/principals.ts')}`);
    return 1;
  }
  if (options.revoke) {
    if (options.days !== undefined) {
      throw new InvalidInputError('itv token --revoke issues nothing', [
        { path: '--days', message: 'is for a token being issued: leave it out with --revoke' },
      ]);
    }
    const had = revokeToken(itvHome(), principal);
    const said = had
      ? `revoked ${principal}'s bearer token: itv serve refuses it from now on`
      : `${principal} had no bearer token on this ITV_HOME: nothing to revoke`;
    console.log(options.json ? JSON.stringify({ principal, revoked: had }) : said);
    return 0;
  }
  const days = lifetimeDays(options.days);
  const now = new Date();
  const token = issueToken(itvHome(), principal, days, now);
  const expiresAt = tokenExpiry(now, days);
  console.error(
    `bearer token for ${principal} (itv serve on this ITV_HOME; shown once, replaces any earlier one; expires ${expiresAt}):`,
  );
  console.log(options.json ? JSON.stringify({ principal, token, expiresAt }) : token);
  return 0;
}

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
