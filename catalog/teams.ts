import type { Team } from '../lambdas/core/catalog-schema.js';

/** Teams and their members' roles; the authority rule trusts these, not the role an intent claims. */
export const teams: Team[] = [
  {
    name: 'growth',
    title: 'Growth engineering',
    members: [
      { principal: 'alice@example.com', role: 'engineering-manager' },
      { principal: 'bob@example.com', role: 'engineer' },
      { principal: 'carol@example.com', role: 'product-manager' },
    ],
  },
  {
    name: 'revenue',
    title: 'Revenue systems and deal desk',
    members: [
      { principal: 'dana@example.com', role: 'engineering-manager' },
      { principal: 'erin@example.com', role: 'engineer' },
      { principal: 'frank@example.com', role: 'deal-desk-analyst' },
    ],
  },
  {
    name: 'sre',
    title: 'Site reliability',
    members: [
      { principal: 'grace@example.com', role: 'sre-lead' },
      { principal: 'heidi@example.com', role: 'sre' },
      { principal: 'ivan@example.com', role: 'engineer' },
    ],
  },
  {
    name: 'governance',
    title: 'Governance, risk and compliance engineering',
    members: [
      { principal: 'judy@example.com', role: 'engineering-manager' },
      { principal: 'ken@example.com', role: 'compliance-engineer' },
      { principal: 'lena@example.com', role: 'compliance-analyst' },
    ],
  },
  {
    name: 'people',
    title: 'People systems',
    members: [
      { principal: 'laura@example.com', role: 'engineering-manager' },
      { principal: 'mike@example.com', role: 'engineer' },
      { principal: 'maya@example.com', role: 'recruiter' },
    ],
  },
  {
    name: 'procurement',
    title: 'Procurement operations',
    members: [
      { principal: 'nina@example.com', role: 'procurement-lead' },
      { principal: 'oscar@example.com', role: 'procurement-analyst' },
    ],
  },
  {
    name: 'finance',
    title: 'Finance systems',
    members: [
      { principal: 'paul@example.com', role: 'controller' },
      { principal: 'quinn@example.com', role: 'finance-engineer' },
    ],
  },
  {
    name: 'support',
    title: 'Customer support tooling',
    members: [
      { principal: 'rachel@example.com', role: 'engineer' },
      { principal: 'sam@example.com', role: 'support-lead' },
    ],
  },
  {
    name: 'ml-platform',
    title: 'Machine learning platform',
    members: [
      { principal: 'tara@example.com', role: 'engineering-manager' },
      { principal: 'uma@example.com', role: 'ml-engineer' },
    ],
  },
  {
    name: 'clinical',
    title: 'Clinical systems',
    members: [
      { principal: 'victor@example.com', role: 'engineering-manager' },
      { principal: 'wendy@example.com', role: 'clinical-informatics' },
    ],
  },
];

/** Reviewers of record per compliance domain. */
export const reviewers = {
  HIPAA: ['xavier@example.com'],
  SOX: ['yara@example.com'],
  PCI: ['zoe@example.com'],
};
