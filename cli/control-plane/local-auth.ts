import type { Admit, Authenticate } from '../../lambdas/api/caller.js';
import { InvalidInputError, UnknownCallerError } from '../../lambdas/core/errors.js';
import { resolveLocalPrincipal } from '../runtime/local-caller.js';
import { bearerCaller, bearerTokenLabel } from '../runtime/local-tokens.js';
import { principalVariable } from '../runtime/principal-variable.js';
import { decodedHeader, localHeaders } from './local-headers.js';
import { sameSecret } from './same-secret.js';

export { localHeaders };

/**
 * The control plane's authentication, in the place of API Gateway's IAM auth: either a bearer token `itv token`
 * issued (what `itv serve` clients send), or the CLI's `Authorization: ItvLocal <secret>` with the principal it
 * acts as (`--as` or ITV_PRINCIPAL). The secret is in ITV_HOME, so whoever can read the home can act as anyone,
 * which the record says (`authenticatedAs.method: "local"`).
 */
export function controlPlaneCaller(home: string, secret: string): Authenticate {
  const bearer = bearerCaller(home);
  const holdsSecret = secretCheck(secret);
  return (event, catalog) => {
    const headers = event.headers ?? {};
    if (!holdsSecret(headers.authorization)) return bearer(event, catalog);
    return resolveLocalPrincipal(
      decodedHeader(headers[localHeaders.principal]),
      namedBy(decodedHeader(headers[localHeaders.namedBy])),
      catalog,
    );
  };
}

/**
 * How the CLI named its principal (`itv review --as`, ITV_PRINCIPAL, a console's label), as the record keeps it
 * (`authenticatedAs.via`): a short label of letters, digits, spaces, `_` and `-` — never the label of a bearer
 * token's request, which this is not. Anything else (a line break or escape, a long text, a secret) would go into
 * the ledger for good as if it were how the request was made.
 */
function namedBy(header: string | undefined): string {
  if (header === undefined) return 'itv';
  if (/^[A-Za-z][A-Za-z0-9 _-]{0,39}$/.test(header) && header !== bearerTokenLabel) return header;
  throw new InvalidInputError(`${localHeaders.namedBy} must say how the CLI named the principal`, [
    {
      path: localHeaders.namedBy,
      message: `must be a label of up to 40 letters, digits, spaces, _ or -, such as \`itv review --as\` or ${principalVariable}, and not "${bearerTokenLabel}" (got ${JSON.stringify(header.slice(0, 60))})`,
    },
  ]);
}

/**
 * The control plane's admission of every request, before any route: the CLI's `ItvLocal <secret>` (a read
 * names nobody: `itv list` needs no `--as`), or a bearer token `itv token` issued to a catalog principal. A
 * request with neither is 401 asking for a bearer token, as `itv serve` relays it.
 */
export function controlPlaneAdmits(home: string, secret: string): Admit {
  const bearer = bearerCaller(home);
  const holdsSecret = secretCheck(secret);
  return (event, catalog) => {
    if (!holdsSecret(event.headers?.authorization)) bearer(event, catalog);
  };
}

/**
 * Whether `authorization` is `ItvLocal <secret>` with this control plane's secret: false for another scheme,
 * `UnknownCallerError` for the scheme with another secret.
 */
function secretCheck(secret: string): (authorization: string | undefined) => boolean {
  return (authorization) => {
    const local = /^ItvLocal\s+(\S+)$/.exec(authorization ?? '')?.[1];
    if (local === undefined) return false;
    if (!sameSecret(local, secret)) {
      throw new UnknownCallerError(
        "the local secret is not this control plane's: the CLI reads it from ITV_HOME",
        'ItvLocal',
      );
    }
    return true;
  };
}
