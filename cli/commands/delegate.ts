import { grantDelegation } from '../../lambdas/core/pipeline/delegations.js';
import { findPrincipal } from '../../lambdas/core/principals/index.js';
import { cliCaller, describeLocalCaller } from '../runtime/local-caller.js';
import { withSession } from '../session.js';

/**
 * `itv delegate`: the principal running it (`--as`) lets another act with a role on services it owns until
 * an expiry, recorded in the local state store; the binding of requesters and the authority rules then see
 * it. Revoking is `revokeAuthority` with the delegation's grantor and expiry.
 */
export async function delegateCommand(options: {
  to: string;
  service: string[];
  role: string;
  until: string;
  reason: string;
  as?: string;
  json?: boolean;
}): Promise<number> {
  return withSession({}, async ({ stack }) => {
    const grantor = cliCaller(options.as, process.env, stack.deps.catalog, 'itv delegate');
    if (!options.json) console.log(describeLocalCaller(grantor, stack.deps.catalog));
    const granted = await grantDelegation(
      {
        to: findPrincipal(stack.deps.catalog, options.to) ?? options.to,
        role: options.role,
        services: options.service,
        expiresAt: options.until,
        reason: options.reason,
      },
      grantor,
      { state: stack.deps.state, catalog: stack.deps.catalog, now: stack.clock.now() },
    );
    if (options.json) console.log(JSON.stringify(granted, null, 2));
    else {
      console.log(
        `${granted.from} delegates ${granted.services.join(', ')} to ${granted.to} as ${granted.role} until ${granted.expiresAt}`,
      );
    }
    return 0;
  });
}
