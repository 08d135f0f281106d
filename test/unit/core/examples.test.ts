import { readdirSync, readFileSync } from 'node:fs';
import { checkCompleteness } from '../../../lambdas/core/completeness.js';
import { inlineIntent } from '../../../lambdas/core/intent.js';
import { evaluatePolicy } from '../../../lambdas/core/policy/evaluate.js';
import { assessRisk } from '../../../lambdas/core/risk.js';
import { validateStructure } from '../../../lambdas/core/structure.js';
import { defaultPolicySet } from '../../../policies/index.js';
import { catalog, NOW } from './fixtures.js';

/** What each published example must produce at NOW, a Wednesday outside every freeze window. */
interface Expected {
  structure: 'valid' | 'invalid' | 'schema-update-required';
  policy: 'allow' | 'deny';
  failedRules?: string[];
  tier: number;
  requiresReviewer: boolean;
}

const expected: Record<string, Expected> = {
  '01-low-risk-flag.json': { structure: 'valid', policy: 'allow', tier: 1, requiresReviewer: false },
  '02-structural-reject.json': { structure: 'invalid', policy: 'allow', tier: 2, requiresReviewer: false },
  '03-policy-reject.json': {
    structure: 'valid',
    policy: 'deny',
    failedRules: ['authority-owner-or-delegate'],
    tier: 1,
    requiresReviewer: false,
  },
  '04-high-risk-review.json': { structure: 'valid', policy: 'allow', tier: 3, requiresReviewer: true },
  '05-slo-regression.json': { structure: 'valid', policy: 'allow', tier: 1, requiresReviewer: false },
  '06-deal-desk-pricing.json': { structure: 'valid', policy: 'allow', tier: 2, requiresReviewer: false },
  '07-incident-threshold.json': { structure: 'valid', policy: 'allow', tier: 1, requiresReviewer: false },
  '08-hiring-flag.json': { structure: 'valid', policy: 'allow', tier: 1, requiresReviewer: false },
  '09-procurement-delegated.json': { structure: 'valid', policy: 'allow', tier: 1, requiresReviewer: false },
  '10-schema-update-flag.json': { structure: 'valid', policy: 'allow', tier: 2, requiresReviewer: false },
  '11-needs-schema-update.json': {
    structure: 'schema-update-required',
    policy: 'allow',
    tier: 1,
    requiresReviewer: false,
  },
  '12-finance-close.json': { structure: 'valid', policy: 'allow', tier: 2, requiresReviewer: true },
  '13-policy-change.json': { structure: 'valid', policy: 'allow', tier: 2, requiresReviewer: false },
  '14-support-escalation-fix.json': { structure: 'valid', policy: 'allow', tier: 1, requiresReviewer: false },
  '15-onboarding-region-residency.json': {
    structure: 'valid',
    policy: 'deny',
    failedRules: ['legal-data-residency'],
    tier: 1,
    requiresReviewer: false,
  },
  '16-checkout-general-availability.json': {
    structure: 'valid',
    policy: 'allow',
    tier: 1,
    requiresReviewer: false,
  },
};

const folder = new URL('../../../examples/', import.meta.url);
const files = readdirSync(folder).filter((f) => f.endsWith('.json'));

function evaluate(file: string) {
  const raw: unknown = JSON.parse(readFileSync(new URL(file, folder), 'utf8'));
  const complete = checkCompleteness(raw, catalog);
  if (!complete.ok) throw new Error(`${file} is incomplete: ${JSON.stringify(complete.issues)}`);
  const intent = inlineIntent(complete.intent);
  const service = catalog.services[intent.change.service]!;
  return {
    intent,
    structure: validateStructure(intent, catalog),
    policy: evaluatePolicy({ intent, service, catalog, now: NOW }, defaultPolicySet.rules),
    risk: assessRisk({ intent, service, catalog, reviewedDomains: defaultPolicySet.reviewedDomains }),
  };
}

test('every example file has an expectation and every expectation a file', () => {
  expect(files.sort()).toEqual(Object.keys(expected).sort());
});

test.each(Object.entries(expected))('%s', (file, want) => {
  // Act
  const { structure, policy, risk } = evaluate(file);
  // Assess
  expect(structure.verdict).toBe(want.structure);
  expect(policy.verdict).toBe(want.policy);
  expect(policy.failed.map((r) => r.rule)).toEqual(want.failedRules ?? []);
  expect(risk.tier).toBe(want.tier);
  expect(risk.requiresReviewer).toBe(want.requiresReviewer);
});

test('the structural reject names the mistyped field', () => {
  const { structure } = evaluate('02-structural-reject.json');
  expect(structure).toEqual({
    verdict: 'invalid',
    errors: [
      {
        path: 'change.payload.maxDiscountPercent',
        message: 'change.payload.maxDiscountPercent must be number',
      },
    ],
  });
});

test('the policy reject names the failed constraint and what would pass', () => {
  const { policy } = evaluate('03-policy-reject.json');
  expect(policy.failed[0]?.reason).toMatch(/rachel is not an owner of incident-router/);
  expect(policy.failed[0]?.remedy).toMatch(/grace/);
});

test('the SLO regression example injects an error-rate fault and rolls back', () => {
  const { intent } = evaluate('05-slo-regression.json');
  expect(intent.simulation?.fault).toEqual({ metric: 'errorRate', value: 0.2, atPercent: 30 });
  expect(intent.constraints.onRegression).toBe('rollback');
});

test('every example carries grouping tags and a value model', () => {
  for (const file of files) {
    const { intent } = evaluate(file);
    expect(Object.keys(intent.tags).length).toBeGreaterThan(0);
    expect(intent.goal.valueModel.totalValueUsd).toBeGreaterThan(0);
  }
});
