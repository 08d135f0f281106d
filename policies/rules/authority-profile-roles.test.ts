import { contextFor, contextRecording, makeIntent } from '../../test/unit/core/fixtures.js';
import { profileRolesRule, authorityProfileRoles as rule } from './authority-profile-roles.js';

const discountChange = (
  requester: string,
  delegations: Array<{ from: string; role: string; expiresAt: string }> = [],
) =>
  makeIntent((d) => {
    d.authority = {
      requester,
      team: 'revenue',
      role: 'engineer',
      delegations: delegations.map((x) => ({ ...x, services: ['pricing-engine'] })),
    };
    d.change = {
      service: 'pricing-engine',
      profile: 'discount-policy',
      contractVersion: '1.0.0',
      kind: 'configuration',
      payload: { maxDiscountPercent: 20, approvalThresholdUsd: 1, legalReviewAboveUsd: 2, currency: 'USD' },
    };
  });

describe(rule.name, () => {
  test('not applicable: a profile without a role requirement', () => {
    expect(rule.evaluate(contextFor(makeIntent())).status).toBe('not-applicable');
  });

  test("compliant: the deal desk's engineering manager", () => {
    expect(rule.evaluate(contextFor(discountChange('dana')))).toMatchObject({
      status: 'compliant',
      context: { held: ['engineering-manager'] },
    });
  });

  test('compliant: a role carried by a live delegation from an owner', () => {
    // Prepare
    const intent = discountChange('erin', [
      { from: 'dana', role: 'engineering-manager', expiresAt: '2026-12-01T00:00:00Z' },
    ]);

    // Act
    const result = rule.evaluate(contextRecording(intent));

    // Assess
    expect(result).toMatchObject({
      status: 'compliant',
      context: { held: ['engineer', 'engineering-manager'] },
    });
  });

  test('non-compliant: an engineer, told which roles answer for it and who holds them', () => {
    // Act
    const result = rule.evaluate(contextFor(discountChange('erin')));

    // Assess
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toBe(
      'only engineering-manager or deal-desk-analyst may change pricing-engine/discount-policy because discount guardrails are commercial policy the deal desk answers for; erin holds engineer',
    );
    expect(result.remedy).toBe(
      'Have dana (engineering-manager) or frank (deal-desk-analyst) submit it, or obtain a delegation with role engineering-manager from an owner of pricing-engine who holds engineering-manager or deal-desk-analyst.',
    );
  });

  test('a delegation lends only what its grantor holds: an owner who may not change the profile cannot let another', () => {
    // Prepare: erin, an engineer, co-owns pricing-engine and delegates a role she does not hold to carol
    const intent = discountChange('carol', [
      { from: 'erin', role: 'engineering-manager', expiresAt: '2026-12-01T00:00:00Z' },
    ]);
    const context = contextRecording(intent);
    const service = structuredClone(context.service);
    service.owners = ['dana', 'erin'];

    // Act
    const result = rule.evaluate({ ...context, service });

    // Assess
    expect(result).toMatchObject({ status: 'non-compliant', context: { held: [] } });
    expect(result.reason).toMatch(
      /carol holds no role for it \(engineering-manager delegated by erin, who holds engineer, which may not change it\)$/,
    );
  });

  test('a grantor who may change the profile lends another of its roles', () => {
    // Prepare: dana (engineering-manager) lets erin act as the deal desk's analyst
    const intent = discountChange('erin', [
      { from: 'dana', role: 'deal-desk-analyst', expiresAt: '2026-12-01T00:00:00Z' },
    ]);

    // Act + Assess
    expect(rule.evaluate(contextRecording(intent))).toMatchObject({
      status: 'compliant',
      context: { held: ['engineer', 'deal-desk-analyst'] },
    });
  });

  test('an expired delegation carries no role', () => {
    // Prepare
    const intent = discountChange('erin', [
      { from: 'dana', role: 'engineering-manager', expiresAt: '2026-11-01T00:00:00Z' },
    ]);

    // Act + Assess
    expect(rule.evaluate(contextFor(intent)).status).toBe('non-compliant');
  });

  test('a generated rule carries its own name into results', () => {
    // Prepare
    const generated = profileRolesRule('authority-profile-roles-launch-flags', [
      {
        service: 'launch-flags',
        profile: 'flags',
        roles: ['product-manager'],
        why: 'launches are product calls',
      },
    ]);

    // Act
    const result = generated.evaluate(contextFor(makeIntent()));

    // Assess
    expect(result).toMatchObject({ rule: 'authority-profile-roles-launch-flags', status: 'non-compliant' });
  });
});
