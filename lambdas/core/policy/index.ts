export { checkPolicySet } from './check-policy-set.js';
export { evaluatePolicy, policySetHash } from './evaluate.js';
export type { ActiveFreeze, FreezeFinding, FreezeSchedule, FreezeScope, FreezeWindow } from './freeze.js';
export { appliesTo, findFreeze, occurrenceAt } from './freeze.js';
export type { SecretFinding } from './secrets.js';
export { findSecrets } from './secrets.js';
export type {
  PolicyContext,
  PolicyDomain,
  PolicyEvaluation,
  PolicyRule,
  RuleResult,
  RuleStatus,
} from './types.js';
