import type { Catalog } from '../../lambdas/core/catalog-schema.js';
import { InvalidInputError, UnauthenticatedError, UnknownCallerError } from '../../lambdas/core/errors.js';
import { type Caller, findPrincipal, notAPrincipal } from '../../lambdas/core/principals/index.js';

import { principalVariable } from './principal-variable.js';

export { principalVariable };

/**
 * Who the CLI acts as: `--as PRINCIPAL`, else `ITV_PRINCIPAL`, by principal id or e-mail. A laptop verifies
 * nothing about its user, so the record says how the name arrived (`authenticatedAs.method: "local"`) rather
 * than claiming an identity; the same binding rule as on AWS then applies to that principal.
 * Throws `InvalidInputError` naming `--as` when neither is given or the name is no catalog principal.
 */
export function cliCaller(
  as: string | undefined,
  env: NodeJS.ProcessEnv,
  catalog: Catalog,
  command: string,
): Caller {
  const { named, via } = namedPrincipal(as, env, command);
  return resolveLocalPrincipal(named, via, catalog);
}

/**
 * Who the command names, and how: `--as`, else ITV_PRINCIPAL. Checked before anything starts; the catalog
 * check happens where the catalog is (`resolveLocalPrincipal`).
 */
export function namedPrincipal(
  as: string | undefined,
  env: NodeJS.ProcessEnv,
  command: string,
): { named: string; via: string } {
  const named = as ?? env[principalVariable];
  const via = as !== undefined ? `${command} --as` : principalVariable;
  if (!named) {
    throw new InvalidInputError(`name the principal you act as: --as PRINCIPAL or ${principalVariable}`, [
      { path: '--as', message: `is required (or set ${principalVariable}), e.g. --as alice` },
    ]);
  }
  return { named, via };
}

/** The catalog principal a name (id or e-mail) denotes, as a locally named caller. */
export function resolveLocalPrincipal(named: string | undefined, via: string, catalog: Catalog): Caller {
  // Nobody named, or nobody the catalog knows, is an unauthenticated request (401), as an unknown ARN is on AWS.
  if (!named) {
    throw new UnauthenticatedError(
      `name the principal you act as: --as PRINCIPAL or ${principalVariable}`,
      'ItvLocal',
      [{ path: '--as', message: `is required (or set ${principalVariable}), e.g. --as alice` }],
    );
  }
  const principal = findPrincipal(catalog, named);
  if (!principal) {
    // Quoted as JSON: a pasted line break or control character shows as an escape, not as a broken line.
    const shown = JSON.stringify(named.slice(0, 60));
    throw new UnknownCallerError(`${shown} is not a principal in the catalog`, 'ItvLocal', [
      { path: '--as', message: notAPrincipal(catalog, named, 'catalog/principals.ts') },
    ]);
  }
  return namedLocally(principal, via);
}

/** A caller named on this machine; `via` says how (`itv review --as`, a bearer token `itv serve` issued …). */
export function namedLocally(principal: string, via: string): Caller {
  return { principal, authenticatedAs: { method: 'local', via }, matched: `principals.${principal}` };
}

/** One line saying who the command acts as, and that locally nothing verified it. */
export function describeLocalCaller(caller: Caller, catalog: Catalog): string {
  const name = catalog.principals[caller.principal]?.name;
  const via = caller.authenticatedAs.method === 'local' ? caller.authenticatedAs.via : 'IAM';
  return `acting as ${caller.principal}${name ? ` (${name})` : ''}, named by ${via} (local runtime: not verified)`;
}
