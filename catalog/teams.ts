import type { ComplianceDomain, TeamInput } from '../lambdas/core/catalog-schema.js';

function member(principal: string, role: string): TeamInput['members'][number] {
  return { principal, role };
}

/** Teams and their members' roles; the authority rule trusts these, not the role an intent claims. */
export const teams: TeamInput[] = [
  {
    name: 'growth',
    title: 'Growth engineering',
    members: [
      member('alice', 'engineering-manager'),
      member('bob', 'engineer'),
      member('carol', 'product-manager'),
    ],
  },
  {
    name: 'revenue',
    title: 'Revenue systems and deal desk',
    members: [
      member('dana', 'engineering-manager'),
      member('erin', 'engineer'),
      member('frank', 'deal-desk-analyst'),
    ],
  },
  {
    name: 'sre',
    title: 'Site reliability',
    members: [member('grace', 'sre-lead'), member('heidi', 'sre'), member('ivan', 'engineer')],
  },
  {
    name: 'governance',
    title: 'Governance, risk and compliance engineering',
    members: [
      member('judy', 'engineering-manager'),
      member('ken', 'compliance-engineer'),
      member('lena', 'compliance-analyst'),
    ],
  },
  {
    name: 'people',
    title: 'People systems',
    members: [
      member('laura', 'engineering-manager'),
      member('mike', 'engineer'),
      member('maya', 'recruiter'),
    ],
  },
  {
    name: 'procurement',
    title: 'Procurement operations',
    members: [member('nina', 'procurement-lead'), member('oscar', 'procurement-analyst')],
  },
  {
    name: 'finance',
    title: 'Finance systems',
    members: [member('paul', 'controller'), member('quinn', 'finance-engineer')],
  },
  {
    name: 'support',
    title: 'Customer support tooling',
    members: [member('rachel', 'engineer'), member('sam', 'support-lead')],
  },
  {
    name: 'ml-platform',
    title: 'Machine learning platform',
    members: [member('tara', 'engineering-manager'), member('uma', 'ml-engineer')],
  },
  {
    name: 'clinical',
    title: 'Clinical systems',
    members: [member('victor', 'engineering-manager'), member('wendy', 'clinical-informatics')],
  },
];

/**
 * Release stewards, by principal id: they own rollback, incident response and the ledger's integrity across
 * every service, so they may stop any intent in flight and retry one after a stop (the seed's actor).
 */
export const releaseStewards: string[] = ['heidi'];

/** Reviewers of record per compliance domain, by principal id. */
export const reviewers: Partial<Record<ComplianceDomain, string[]>> = {
  HIPAA: ['xavier'],
  SOX: ['yara'],
  PCI: ['zoe'],
};
