import { timingSafeEqual } from 'node:crypto';
import type { Authenticate } from '../../lambdas/api/caller.js';
import { UnknownCallerError } from '../../lambdas/core/errors.js';
import { resolveLocalPrincipal } from '../runtime/local-caller.js';
import { bearerCaller } from '../runtime/local-tokens.js';
import { localHeaders } from './local-headers.js';

export { localHeaders };

/**
 * The control plane's authentication, in the place of API Gateway's IAM auth: either a bearer token `itv token`
 * issued (what `itv serve` clients send), or the CLI's `Authorization: ItvLocal <secret>` with the principal it
 * acts as (`--as` or ITV_PRINCIPAL). The secret is in ITV_HOME, so whoever can read the home can act as anyone,
 * which the record says (`authenticatedAs.method: "local"`).
 */
export function controlPlaneCaller(home: string, secret: string): Authenticate {
  const bearer = bearerCaller(home);
  const expected = Buffer.from(secret, 'utf8');
  return (event, catalog) => {
    const headers = event.headers ?? {};
    const local = /^ItvLocal\s+(\S+)$/.exec(headers.authorization ?? '')?.[1];
    if (local === undefined) return bearer(event, catalog);
    const presented = Buffer.from(local, 'utf8');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new UnknownCallerError(
        "the local secret is not this control plane's: the CLI reads it from ITV_HOME",
        'ItvLocal',
      );
    }
    return resolveLocalPrincipal(
      headers[localHeaders.principal],
      headers[localHeaders.namedBy] ?? 'itv',
      catalog,
    );
  };
}
