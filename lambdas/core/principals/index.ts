export { type AuthenticatedAs, authenticatedAsSchema, type Caller } from './caller.js';
export type { IamIdentity, IamIdentityInput } from './iam-identity.js';
export {
  anySession,
  describeIdentity,
  iamIdentitySchema,
  identitiesOverlap,
  parseCallerArn,
} from './iam-identity.js';
export { checkIdentityClaims, type IdentityClaim } from './identity-claims.js';
export { resolvePrincipal } from './resolve-principal.js';
