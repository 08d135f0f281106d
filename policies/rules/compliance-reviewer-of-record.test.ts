import { contextFor, makeIntent } from '../../test/unit/core/fixtures.js';
import { complianceReviewerOfRecord as rule } from './compliance-reviewer-of-record.js';

describe(rule.name, () => {
  test('not applicable: a service outside HIPAA, SOX and PCI', () => {
    expect(rule.evaluate(contextFor(makeIntent()))).toMatchObject({
      status: 'not-applicable',
      context: { requiresReviewer: false },
    });
  });

  test('compliant but flagged: a HIPAA service needs a reviewer of record, named in the remedy', () => {
    const intent = makeIntent((d) => {
      d.authority = { requester: 'victor', team: 'clinical', role: 'engineering-manager' };
      d.change = {
        service: 'patient-records',
        profile: 'access-controls',
        contractVersion: '1.0.0',
        kind: 'configuration',
        payload: {
          retentionDays: 2555,
          breakGlassEnabled: true,
          breakGlassMaxMinutes: 30,
          auditLogLevel: 'verbose',
          exportFormats: [],
        },
      };
    });
    const result = rule.evaluate(contextFor(intent));
    expect(result).toMatchObject({
      status: 'compliant',
      domain: 'compliance',
      context: {
        requiresReviewer: true,
        reviewerDomains: ['HIPAA'],
        eligibleReviewers: ['xavier'],
      },
    });
    expect(result.remedy).toBe('Approval from one of: xavier.');
  });
});
