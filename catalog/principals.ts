import type { PrincipalInput } from '../lambdas/core/principals/principal-schema.js';

/** The AWS account the sample organisation signs in to. */
export const account = '123456789012';

/**
 * Roles people assume to call the API, as `arn:aws:sts::123456789012:assumed-role/ROLE/<their e-mail>`. A session
 * name is evidence of who calls only where the caller cannot choose it: these roles' trust policies require
 * `sts:RoleSessionName` to be the caller's own name (catalog/README.md, "Session names"), hence
 * `sessionNameSetBy: 'trust-policy'`. IAM Identity Center's roles (`AWSReservedSSO_…`) need no such word: it names
 * each session for its user. The path is allowed in a role ARN; session ARNs leave it out.
 */
export const engineersRole = `arn:aws:iam::${account}:role/itv/ItvEngineers`;
export const reviewersRole = `arn:aws:iam::${account}:role/itv/ItvReviewers`;

/** A person who signs in through the engineers' permission set under their own e-mail. */
function engineer(id: string, name: string): PrincipalInput {
  const email = `${id}@example.com`;
  return {
    id,
    name,
    email,
    identities: [{ role: engineersRole, session: email, sessionNameSetBy: 'trust-policy' }],
  };
}

/** A reviewer of record, who reviews through the reviewers' permission set. */
function reviewer(id: string, name: string, extra: PrincipalInput['identities'] = []): PrincipalInput {
  const email = `${id}@example.com`;
  return {
    id,
    name,
    email,
    identities: [{ role: reviewersRole, session: email, sessionNameSetBy: 'trust-policy' }, ...(extra ?? [])],
  };
}

/**
 * A CI system: an OIDC role its runs assume (session names change per run, hence `*`) and the one
 * EventBridge source the bus lets that role put intents under. It has no authority of its own: it acts under
 * the delegations people record for it (`delegations.ts`).
 */
function ci(id: string, name: string, roleName: string, eventSource: string): PrincipalInput {
  return {
    id,
    name,
    kind: 'automation',
    identities: [{ role: `arn:aws:iam::${account}:role/ci/${roleName}`, session: '*' }],
    eventSource,
  };
}

/** People and automation. Teams, owners, reviewers, legal contacts and delegations refer to these ids. */
export const principals: PrincipalInput[] = [
  engineer('alice', 'Alice Archer'),
  engineer('bob', 'Bob Baker'),
  engineer('carol', 'Carol Chen'),
  engineer('dana', 'Dana Diaz'),
  engineer('erin', 'Erin Evans'),
  engineer('frank', 'Frank Foster'),
  engineer('grace', 'Grace Green'),
  engineer('heidi', 'Heidi Hall'),
  engineer('ivan', 'Ivan Ito'),
  engineer('judy', 'Judy Jones'),
  engineer('ken', 'Ken Kim'),
  engineer('lena', 'Lena Lopez'),
  engineer('laura', 'Laura Lee'),
  engineer('mike', 'Mike Moore'),
  engineer('maya', 'Maya Mehta'),
  engineer('nina', 'Nina Novak'),
  engineer('oscar', 'Oscar Ortiz'),
  engineer('paul', 'Paul Park'),
  engineer('quinn', 'Quinn Quade'),
  engineer('rachel', 'Rachel Reyes'),
  engineer('sam', 'Sam Singh'),
  engineer('tara', 'Tara Tan'),
  engineer('uma', 'Uma Usman'),
  engineer('victor', 'Victor Vega'),
  engineer('wendy', 'Wendy Wu'),
  // xavier also has an IAM user (`aws sts get-caller-identity` prints the ARN a reviewer calls with).
  reviewer('xavier', 'Xavier Xu', [`arn:aws:iam::${account}:user/xavier`]),
  reviewer('yara', 'Yara Young'),
  reviewer('zoe', 'Zoe Zhang'),
  { id: 'privacy-counsel', name: 'Privacy counsel', email: 'privacy-counsel@example.com' },
  { id: 'employment-counsel', name: 'Employment counsel', email: 'employment-counsel@example.com' },
  ci('ci-growth', 'Growth CI pipeline', 'ItvGrowthCi', 'itv.ci.growth'),
  ci('ci-sre', 'SRE CI pipeline', 'ItvSreCi', 'itv.ci.sre'),
];
