import { contextFor, makeIntent } from '../../test/unit/core/fixtures.js';
import { legalDataResidency as rule } from './legal-data-residency.js';

const onboardingIn = (verificationRegion: string) =>
  makeIntent((d) => {
    d.authority = { requester: 'bob', team: 'growth', role: 'engineer' };
    d.change = {
      service: 'customer-onboarding',
      profile: 'verification',
      contractVersion: '1.2.0',
      kind: 'configuration',
      payload: {
        kycProvider: 'onfido',
        riskScoreThreshold: 0.7,
        autoProvision: true,
        handoffSlaHours: 24,
        verificationRegion,
      },
    };
  });

describe(rule.name, () => {
  test('not applicable: a service without a data residency', () => {
    expect(rule.evaluate(contextFor(makeIntent())).status).toBe('not-applicable');
  });

  test('compliant: EU customer documents processed in Frankfurt', () => {
    // Act
    const result = rule.evaluate(contextFor(onboardingIn('eu-central-1')));

    // Assess
    expect(result).toMatchObject({
      status: 'compliant',
      domain: 'legal',
      context: {
        residency: 'EU',
        regionsNamed: [{ path: 'change.payload.verificationRegion', region: 'eu-central-1' }],
      },
    });
  });

  test('non-compliant: names the field, the region and the regions that would pass', () => {
    // Act
    const result = rule.evaluate(contextFor(onboardingIn('us-east-1')));

    // Assess
    expect(result.status).toBe('non-compliant');
    expect(result.reason).toBe(
      "customer-onboarding's data must stay in EU, but change.payload.verificationRegion names us-east-1",
    );
    expect(result.remedy).toMatch(
      /^Use a region inside EU \(eu-central-1, .*eu-west-1.*\), or ask privacy-counsel/,
    );
  });
});
