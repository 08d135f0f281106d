import type { ComplianceDomain, ReviewerInput, TeamInput } from '../lambdas/core/catalog-schema.js';

/** The AWS account the sample organisation signs in to. */
const account = '123456789012';

/**
 * IAM Identity Center (SSO) permission sets as IAM roles in that account: a person signs in through one and
 * calls the API as `arn:aws:sts::123456789012:assumed-role/ROLE/<their e-mail>`, the session name Identity
 * Center gives them. The path is allowed in a role ARN; session ARNs leave it out.
 */
const engineersRole = `arn:aws:iam::${account}:role/itv/ItvEngineers`;
const reviewersRole = `arn:aws:iam::${account}:role/itv/ItvReviewers`;

/** A team member who calls the API through the engineers' permission set under their own e-mail. */
function member(principal: string, role: string): TeamInput['members'][number] {
  return { principal, role, identities: [{ role: engineersRole, session: principal }] };
}

/** Teams and their members' roles; the authority rule trusts these, not the role an intent claims. */
export const teams: TeamInput[] = [
  {
    name: 'growth',
    title: 'Growth engineering',
    members: [
      member('alice@example.com', 'engineering-manager'),
      member('bob@example.com', 'engineer'),
      member('carol@example.com', 'product-manager'),
    ],
  },
  {
    name: 'revenue',
    title: 'Revenue systems and deal desk',
    members: [
      member('dana@example.com', 'engineering-manager'),
      member('erin@example.com', 'engineer'),
      member('frank@example.com', 'deal-desk-analyst'),
    ],
  },
  {
    name: 'sre',
    title: 'Site reliability',
    members: [
      member('grace@example.com', 'sre-lead'),
      member('heidi@example.com', 'sre'),
      member('ivan@example.com', 'engineer'),
    ],
  },
  {
    name: 'governance',
    title: 'Governance, risk and compliance engineering',
    members: [
      member('judy@example.com', 'engineering-manager'),
      member('ken@example.com', 'compliance-engineer'),
      member('lena@example.com', 'compliance-analyst'),
    ],
  },
  {
    name: 'people',
    title: 'People systems',
    members: [
      member('laura@example.com', 'engineering-manager'),
      member('mike@example.com', 'engineer'),
      member('maya@example.com', 'recruiter'),
    ],
  },
  {
    name: 'procurement',
    title: 'Procurement operations',
    members: [
      member('nina@example.com', 'procurement-lead'),
      member('oscar@example.com', 'procurement-analyst'),
    ],
  },
  {
    name: 'finance',
    title: 'Finance systems',
    members: [member('paul@example.com', 'controller'), member('quinn@example.com', 'finance-engineer')],
  },
  {
    name: 'support',
    title: 'Customer support tooling',
    members: [member('rachel@example.com', 'engineer'), member('sam@example.com', 'support-lead')],
  },
  {
    name: 'ml-platform',
    title: 'Machine learning platform',
    members: [member('tara@example.com', 'engineering-manager'), member('uma@example.com', 'ml-engineer')],
  },
  {
    name: 'clinical',
    title: 'Clinical systems',
    members: [
      member('victor@example.com', 'engineering-manager'),
      member('wendy@example.com', 'clinical-informatics'),
    ],
  },
];

/**
 * Reviewers of record per compliance domain, each with the IAM identities they review with: the reviewers'
 * permission set under their e-mail, and for xavier also an IAM user (`aws sts get-caller-identity` prints
 * the ARN a reviewer calls with).
 */
export const reviewers: Partial<Record<ComplianceDomain, ReviewerInput[]>> = {
  HIPAA: [
    {
      principal: 'xavier@example.com',
      identities: [
        `arn:aws:iam::${account}:user/xavier`,
        { role: reviewersRole, session: 'xavier@example.com' },
      ],
    },
  ],
  SOX: [
    { principal: 'yara@example.com', identities: [{ role: reviewersRole, session: 'yara@example.com' }] },
  ],
  PCI: [{ principal: 'zoe@example.com', identities: [{ role: reviewersRole, session: 'zoe@example.com' }] }],
};
