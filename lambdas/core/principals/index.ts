export {
  bindRequester,
  findPrincipal,
  notAPrincipal,
  type RequesterBinding,
  serviceOf,
} from './bind-requester.js';
export { type AuthenticatedAs, authenticatedAsSchema, type Caller, callerSchema } from './caller.js';
export { delegationsHeld, isLive } from './delegations.js';
export type { IamIdentity, IamIdentityInput } from './iam-identity.js';
export {
  anySession,
  describeIdentity,
  iamIdentitySchema,
  identitiesOverlap,
  parseCallerArn,
} from './iam-identity.js';
export { checkIdentityClaims, type IdentityClaim } from './identity-claims.js';
export type { Principal, RecordedDelegation } from './principal-schema.js';
export { resolveIdentity, resolvePrincipal } from './resolve-principal.js';
