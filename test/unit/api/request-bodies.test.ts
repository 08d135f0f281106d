import { checkReportBodySchema, reviewBodySchema } from '../../../lambdas/api/request-bodies.js';
import { credentialInUrl } from '../../../lambdas/core/intake/run-link.js';

const issuesOf = (result: {
  success: boolean;
  error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
}) => (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);

describe('request bodies refuse what they must not record', () => {
  test('a link to a CI run that carries a credential is refused, naming url and why; a plain link is kept', () => {
    const refused = [
      'https://admin:hunter2@ci.example.com/runs/1',
      'https://ci.example.com/runs/1?token=abc123def456',
      'https://ci.example.com/runs/1?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA',
      'https://ci.example.com/runs/1?api_key=k',
    ];
    for (const url of refused) {
      const parsed = checkReportBodySchema.safeParse({ status: 'passed', url });
      expect([url, parsed.success]).toEqual([url, false]);
      expect(issuesOf(parsed)).toEqual([
        expect.stringMatching(/^url: must not carry a (user name or password|credential)/),
      ]);
    }
    const kept = checkReportBodySchema.safeParse({
      status: 'passed',
      url: 'https://ci.example.com/runs/1842?attempt=2&tab=logs',
    });
    expect(kept.success).toBe(true);
    expect(credentialInUrl('https://ci.example.com/runs/1?monkey=1')).toBeUndefined();
  });

  test('a review naming anybody is refused, not ignored: the reviewer is the caller', () => {
    const parsed = reviewBodySchema.safeParse({ decision: 'approve', reviewer: 'yara', requester: 'bob' });
    expect(parsed.success).toBe(false);
    expect(issuesOf(parsed).join('\n')).toMatch(/reviewer/);
    expect(reviewBodySchema.safeParse({ decision: 'approve', reason: 'looks right' }).success).toBe(true);
  });
});
