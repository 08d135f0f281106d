import {
  bodyIssues,
  checkReportBodySchema,
  decisionBodySchema,
  grantBodySchema,
  reviewBodySchema,
  stopBodySchema,
} from '../../../lambdas/api/request-bodies.js';
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

  test("a bearer token pasted into any free text — itv's own or an Authorization header's — is refused, naming the field", () => {
    // Shaped as `itv token` prints one, and as curl -v prints a header; built from parts.
    const itvToken = `itv_${'hhJ2-_aZ09'.repeat(4)}xYz`;
    const header = `Authorization: Bearer ${'4f3c2b1a'.repeat(4)}`;
    const inAWeek = '2026-11-11T00:00:00Z';
    for (const [text, rule] of [
      [`my token is ${itvToken}`, 'itv:itv-token'],
      [`called with ${header}`, 'itv:bearer-token'],
    ] as const) {
      const answers = {
        detail: checkReportBodySchema.safeParse({ status: 'failed', detail: text }),
        review: reviewBodySchema.safeParse({ decision: 'approve', reason: text }),
        decision: decisionBodySchema.safeParse({ decision: 'hold', reason: text }),
        stop: stopBodySchema.safeParse({ reason: text }),
        grant: grantBodySchema.safeParse({
          to: 'bob',
          services: ['launch-flags'],
          role: 'sre',
          expiresAt: inAWeek,
          reason: text,
        }),
      };
      for (const [body, parsed] of Object.entries(answers)) {
        const field = body === 'detail' ? 'detail' : 'reason';
        expect({ body, issues: issuesOf(parsed) }).toEqual({
          body,
          issues: [expect.stringContaining(`${field}: holds a secret (rule ${rule})`)],
        });
        expect(issuesOf(parsed).join()).not.toContain(text);
      }
    }
    expect(stopBodySchema.safeParse({ reason: 'the Bearer auth of the old gateway is gone' }).success).toBe(
      true,
    );
  });

  test('a review naming anybody is refused, not ignored: the reviewer is the caller', () => {
    const parsed = reviewBodySchema.safeParse({ decision: 'approve', reviewer: 'yara', requester: 'bob' });
    expect(parsed.success).toBe(false);
    expect(issuesOf(parsed).join('\n')).toMatch(/reviewer/);
    expect(reviewBodySchema.safeParse({ decision: 'approve', reason: 'looks right' }).success).toBe(true);
  });

  test('a reason or a check detail with a control character is refused, naming the field; line breaks are kept', () => {
    const hostile = 'looks right\u001b[2K\rREJECTED';
    const grant = {
      to: 'bob',
      services: ['launch-flags'],
      role: 'engineer',
      expiresAt: '2099-01-01T00:00:00Z',
    };
    const refused = [
      reviewBodySchema.safeParse({ decision: 'approve', reason: hostile }),
      decisionBodySchema.safeParse({ decision: 'hold', reason: hostile }),
      stopBodySchema.safeParse({ reason: 'stop \u202e' }),
      grantBodySchema.safeParse({ ...grant, reason: hostile }),
    ];
    for (const parsed of refused) {
      expect(issuesOf(parsed)).toEqual([
        expect.stringMatching(/^reason: holds the control character U\+(001B|202E)/),
      ]);
    }
    expect(issuesOf(checkReportBodySchema.safeParse({ status: 'failed', detail: hostile }))).toEqual([
      expect.stringMatching(/^detail: holds the control character U\+001B/),
    ]);
    expect(issuesOf(grantBodySchema.safeParse({ ...grant, role: 'eng\u001b', reason: 'r' }))).toEqual([
      expect.stringMatching(/^role: holds the control character/),
    ]);
    const lines = 'first line\r\nsecond line\n\tindented';
    expect(reviewBodySchema.safeParse({ decision: 'approve', reason: lines }).success).toBe(true);
    expect(checkReportBodySchema.safeParse({ status: 'failed', detail: lines }).success).toBe(true);
  });

  test('an overlong text is refused in words naming the limit and the length sent, not zod\'s "Too big"', () => {
    const grant = {
      to: 'bob',
      services: ['launch-flags'],
      role: 'engineer',
      expiresAt: '2099-01-01T00:00:00Z',
    };
    expect(issuesOf(stopBodySchema.safeParse({ reason: 'x'.repeat(612) }))).toEqual([
      'reason: must be at most 500 characters, not 612',
    ]);
    expect(issuesOf(checkReportBodySchema.safeParse({ status: 'passed', detail: 'y'.repeat(2001) }))).toEqual(
      ['detail: must be at most 2000 characters, not 2001'],
    );
    expect(issuesOf(reviewBodySchema.safeParse({ decision: 'approve', reason: 'z'.repeat(2001) }))).toEqual([
      'reason: must be at most 2000 characters, not 2001',
    ]);
    expect(issuesOf(decisionBodySchema.safeParse({ decision: 'hold', reason: 'z'.repeat(2001) }))).toEqual([
      'reason: must be at most 2000 characters, not 2001',
    ]);
    expect(
      issuesOf(grantBodySchema.safeParse({ ...grant, role: 'r'.repeat(129), reason: 'on call' })),
    ).toEqual(['role: must be at most 128 characters, not 129']);
    expect(
      issuesOf(
        grantBodySchema.safeParse({
          ...grant,
          services: Array.from({ length: 51 }, (_, i) => `s${i}`),
          reason: 'on call',
        }),
      ),
    ).toEqual(['services: must name at most 50 services, not 51']);
  });

  test('a refused body names each field: a missing one as required, an unknown one by its own name', () => {
    const refused = (
      schema: typeof stopBodySchema | typeof reviewBodySchema | typeof decisionBodySchema,
      body: unknown,
    ) => {
      const parsed = schema.safeParse(body);
      return parsed.success ? [] : bodyIssues(parsed.error, body, (key) => `${key} is not a field`);
    };
    expect(refused(stopBodySchema, {})).toEqual([{ path: 'reason', message: 'is required' }]);
    expect(refused(decisionBodySchema, { decision: 'hold' })).toEqual([
      { path: 'reason', message: 'is required' },
    ]);
    expect(refused(reviewBodySchema, { decision: 'approve', reviewer: 'yara' })).toEqual([
      { path: 'reviewer', message: 'reviewer is not a field' },
    ]);
    expect(refused(stopBodySchema, { reason: 7 })).toEqual([
      { path: 'reason', message: 'Invalid input: expected string, received number' },
    ]);
    expect(refused(stopBodySchema, ['x'])).toEqual([
      { path: 'body', message: 'Invalid input: expected object, received array' },
    ]);
  });
});
