import type { Caller } from '../../lambdas/core/principals/index.js';

/**
 * The local runtime's documented authentication: the user names the principal they act as (`itv review
 * --reviewer`, `itv serve`'s `x-itv-principal` header). Nothing is verified on a laptop, so the record says
 * how the name arrived rather than claiming an identity.
 */
export function namedLocally(principal: string, via: string): Caller {
  return { principal, authenticatedAs: { method: 'local', via } };
}
