import { contextFor, makeIntent } from '../../test/unit/core/fixtures.js';
import { legalCountryClearance as rule } from './legal-country-clearance.js';

const hiringFlag = (tags: Record<string, string>) =>
  makeIntent((d) => {
    d.authority = { requester: 'laura', team: 'people', role: 'engineering-manager' };
    d.change = {
      service: 'hiring-portal',
      profile: 'flags',
      contractVersion: '1.0.0',
      kind: 'feature-flag',
      payload: { 'auto-scheduling': { enabled: true, maxInterviewsPerDay: 4 } },
    };
    d.tags = tags;
  });

describe(rule.name, () => {
  test('not applicable: a service legal has not restricted to countries', () => {
    expect(
      rule.evaluate(
        contextFor(
          makeIntent((d) => {
            d.tags = { country: 'FR' };
          }),
        ),
      ).status,
    ).toBe('not-applicable');
  });

  test('not applicable: a change that targets no country', () => {
    expect(rule.evaluate(contextFor(hiringFlag({ region: 'EMEA' }))).status).toBe('not-applicable');
  });

  test('compliant: a country legal has cleared', () => {
    expect(rule.evaluate(contextFor(hiringFlag({ country: 'DE' })))).toMatchObject({
      status: 'compliant',
      context: { targeted: ['DE'] },
    });
  });

  test('non-compliant: names the uncleared country and who clears it', () => {
    // Act
    const result = rule.evaluate(contextFor(hiringFlag({ countries: 'de, FR' })));

    // Assess
    expect(result).toMatchObject({
      status: 'non-compliant',
      domain: 'legal',
      context: { uncleared: ['FR'] },
    });
    expect(result.reason).toBe(
      'hiring-portal is not cleared by legal for FR (tags.countries); it is cleared for DE, GB, IE, NL, US',
    );
    expect(result.remedy).toBe(
      'Ask employment-counsel to clear hiring-portal for FR, or target only DE, GB, IE, NL, US.',
    );
  });
});
