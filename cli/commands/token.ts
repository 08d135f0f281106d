import { loadCatalog } from '../../catalog/index.js';
import { findPrincipal, notAPrincipal } from '../../lambdas/core/principals/index.js';
import { itvHome } from '../../lambdas/wiring/local/itv-home.js';
import { issueToken } from '../runtime/local-tokens.js';

/** `itv token PRINCIPAL`: prints a new bearer token for `itv serve`; only its digest is kept under ITV_HOME. */
export async function tokenCommand(name: string, options: { json?: boolean } = {}): Promise<number> {
  const catalog = loadCatalog();
  const principal = findPrincipal(catalog, name);
  if (!principal) {
    console.error(`itv: ${notAPrincipal(catalog, name, 'catalog/principals.ts')}`);
    return 1;
  }
  const token = issueToken(itvHome(), principal);
  console.error(
    `bearer token for ${principal} (itv serve on this ITV_HOME; shown once, replaces any earlier one):`,
  );
  console.log(options.json ? JSON.stringify({ principal, token }) : token);
  return 0;
}
