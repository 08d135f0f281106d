import { InvalidInputError } from '../../../lambdas/core/errors.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { assessRisk, blastRadiusOf } from '../../../lambdas/core/risk.js';
import { reviewedComplianceDomains } from '../../../policies/index.js';
import { catalog, makeIntent, service } from './fixtures.js';

function assess(
  change: Partial<IntentInput['change']>,
  extra: { confidence?: number; irreversible?: boolean } = {},
) {
  const intent = makeIntent((d) => {
    d.change = { ...d.change, ...change };
    if (extra.irreversible) d.constraints = { reversibility: 'irreversible' };
  });
  return assessRisk({
    intent,
    service: service(intent.change.service),
    catalog,
    confidence: extra.confidence,
    reviewedDomains: reviewedComplianceDomains,
  });
}

const configOf = (name: string) => ({ service: name, kind: 'configuration' as const });

describe('blastRadiusOf', () => {
  test('is the service and every transitive dependent, service first', () => {
    expect(blastRadiusOf(catalog, 'pricing-engine')).toEqual([
      'pricing-engine',
      'customer-onboarding',
      'ledger-close',
      'support-escalation',
    ]);
  });

  test('a service nothing depends on is its own blast radius', () => {
    expect(blastRadiusOf(catalog, 'patient-records')).toEqual(['patient-records']);
  });
});

describe('assessRisk', () => {
  test('a feature flag on an internal service is low risk and auto-continues', () => {
    const risk = assess({});
    expect(risk).toMatchObject({ tier: 1, gate: 'auto-continue', requiresReviewer: false, points: 5 });
    expect(risk.factors.map((f) => [f.name, f.points])).toEqual([
      ['blast-radius', 3],
      ['data-classification', 1],
      ['compliance-scope', 1],
      ['reversibility', 0],
      ['change-kind', 0],
    ]);
  });

  test('restricted HIPAA data is tier 3 with a reviewer, and confidence cannot lower it', () => {
    const risk = assess(configOf('patient-records'), { confidence: 0.99 });
    expect(risk).toMatchObject({ tier: 3, floor: 3, gate: 'fail-fast', requiresReviewer: true });
    expect(risk.factors.at(-1)?.detail).toMatch(/tier 3 is the floor/);
  });

  test('SOX scope requires a reviewer below tier 3', () => {
    expect(assess(configOf('ledger-close'))).toMatchObject({
      tier: 2,
      requiresReviewer: true,
      gate: 'fail-fast',
    });
  });

  test('riskier change kinds score more: migration > schema update > configuration > flag', () => {
    const points = (kind: 'feature-flag' | 'configuration' | 'schema-update' | 'migration') =>
      assess({ kind }).factors.find((f) => f.name === 'change-kind')?.points ?? -1;
    expect(points('migration')).toBeGreaterThan(points('schema-update'));
    expect(points('schema-update')).toBeGreaterThan(points('configuration'));
    expect(points('configuration')).toBeGreaterThan(points('feature-flag'));
  });

  test('earned confidence lowers one tier at most', () => {
    // Prepare: an irreversible migration on launch-flags scores 11 points (tier 3), floor 2.
    const change = { kind: 'migration' as const };
    // Act
    const unearned = assess(change, { irreversible: true, confidence: 0.5 });
    const earned = assess(change, { irreversible: true, confidence: 0.97 });
    // Assess
    expect(unearned.tier).toBe(3);
    expect(earned).toMatchObject({ tier: 2, pointsTier: 3, floor: 2 });
  });

  test('earned confidence can move a change from fail-fast to auto-continue', () => {
    expect(assess(configOf('pricing-engine'))).toMatchObject({ tier: 2, gate: 'fail-fast' });
    expect(assess(configOf('pricing-engine'), { confidence: 0.95 })).toMatchObject({
      tier: 1,
      gate: 'auto-continue',
    });
  });

  test('an irreversible change never drops below tier 2', () => {
    const risk = assess(
      { service: 'incident-router', kind: 'configuration' },
      { irreversible: true, confidence: 0.99 },
    );
    expect(risk).toMatchObject({ floor: 2, tier: 2 });
  });

  test('rejects a confidence outside 0..1', () => {
    expect(() => assess({}, { confidence: 1.5 })).toThrow(InvalidInputError);
  });
});
