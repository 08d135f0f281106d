import { ConfigurationError } from '../../../lambdas/core/errors.js';
import {
  type IamIdentityInput,
  type IdentityClaim,
  iamIdentitySchema,
  resolvePrincipal,
} from '../../../lambdas/core/principals/index.js';
import { catalog } from '../core/fixtures.js';

const claim = (principal: string, identity: IamIdentityInput): IdentityClaim => ({
  principal,
  identity: iamIdentitySchema.parse(identity),
  source: 'test',
});

const claims: IdentityClaim[] = [
  claim('xavier', 'arn:aws:iam::123456789012:user/xavier'),
  claim('pat', 'arn:aws:iam::123456789012:user/division/pat'),
  claim('xavier', {
    role: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Reviewers_0123abcd',
    session: 'xavier@example.com',
  }),
  claim('yara', 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Reviewers_0123abcd/yara@example.com'),
  claim('release-bot', { role: 'arn:aws:iam::123456789012:role/ci/ItvRelease', session: '*' }),
  claim('ops-automation', 'arn:aws:iam::123456789012:role/OpsAutomation'),
];

describe('resolvePrincipal: caller ARN → catalog principal', () => {
  test.each([
    ['an IAM user by its exact ARN', 'arn:aws:iam::123456789012:user/xavier', 'xavier'],
    ['an IAM user under a path', 'arn:aws:iam::123456789012:user/division/pat', 'pat'],
    [
      'a user name in another case (IAM names ignore case)',
      'arn:aws:iam::123456789012:user/Xavier',
      'xavier',
    ],
    [
      'an Identity Center session: the role path is not in the session ARN',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Reviewers_0123abcd/xavier@example.com',
      'xavier',
    ],
    [
      'a session listed by its session ARN',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Reviewers_0123abcd/yara@example.com',
      'yara',
    ],
    [
      'any session of a role claimed with "*"',
      'arn:aws:sts::123456789012:assumed-role/ItvRelease/run-8812',
      'release-bot',
    ],
    ['a role called with directly', 'arn:aws:iam::123456789012:role/OpsAutomation', 'ops-automation'],
  ])('resolves %s', (_, arn, principal) => {
    expect(resolvePrincipal(claims, arn)).toBe(principal);
  });

  test.each([
    [
      'another session name on a claimed role',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Reviewers_0123abcd/mallory@example.com',
    ],
    [
      'a session name in another case (session names are exact)',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Reviewers_0123abcd/Yara@example.com',
    ],
    ['the same user name in another account', 'arn:aws:iam::210987654321:user/xavier'],
    ['the same user name in another partition', 'arn:aws-cn:iam::123456789012:user/xavier'],
    ['the same user name under another path', 'arn:aws:iam::123456789012:user/xavier-team/xavier'],
    ['the account root', 'arn:aws:iam::123456789012:root'],
    ['a federated user', 'arn:aws:sts::123456789012:federated-user/xavier'],
    ['a role ARN for a role claimed only by its sessions', 'arn:aws:iam::123456789012:role/ci/ItvRelease'],
    [
      'a session of a role claimed only by its exact ARN',
      'arn:aws:sts::123456789012:assumed-role/OpsAutomation/s1',
    ],
    ['no ARN at all', 'xavier'],
  ])('resolves nobody for %s', (_, arn) => {
    expect(resolvePrincipal(claims, arn)).toBeUndefined();
  });

  test('refuses to choose when hand-built claims give one identity to two principals', () => {
    const ambiguous = [...claims, claim('mallory', 'arn:aws:iam::123456789012:user/xavier')];
    expect(() => resolvePrincipal(ambiguous, 'arn:aws:iam::123456789012:user/xavier')).toThrow(
      ConfigurationError,
    );
  });

  test("the sample catalog resolves its HIPAA reviewer by IAM user and by a session of its reviewers' role", () => {
    expect(resolvePrincipal(catalog.identities, 'arn:aws:iam::123456789012:user/xavier')).toBe('xavier');
    expect(
      resolvePrincipal(
        catalog.identities,
        'arn:aws:sts::123456789012:assumed-role/ItvReviewers/xavier@example.com',
      ),
    ).toBe('xavier');
    expect(
      resolvePrincipal(
        catalog.identities,
        'arn:aws:sts::123456789012:assumed-role/ItvEngineers/victor@example.com',
      ),
    ).toBe('victor');
  });
});
