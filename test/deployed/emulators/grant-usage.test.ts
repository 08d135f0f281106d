import type { IamCheck } from '../emulators/iam-check-log.js';
import { grantUsage, roleKey, unexercisedGrants } from '../harness/grant-usage.js';
import { accessKeyOf } from '../harness/lambda-runtime.js';

const verifyRole = 'arn:aws:iam::123456789012:role/Itv-FunctionsVerifyRoleD24ACDA7-344143444137';
const ciRole = 'arn:aws:iam::123456789012:role/ItvSreCi';
const roles = new Map([
  [
    verifyRole,
    [
      {
        Statement: [
          { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:DeleteItem', 'logs:PutLogEvents'] },
        ],
      },
      { Statement: { Effect: 'Allow', Action: 's3:Get*' } },
    ],
  ],
  [ciRole, [{ Statement: [{ Effect: 'Allow', Action: 'events:PutEvents' }] }]],
]);
const check = (caller: string, action: string, allowed = true) => ({ caller, action, allowed }) as IamCheck;

describe('grants over the whole deployed-stack suite', () => {
  test('a role is named for its function without the suffixes CloudFormation adds; other roles keep their name', () => {
    expect(roleKey(verifyRole)).toBe('Verify');
    expect(roleKey(ciRole)).toBe('ItvSreCi');
    expect(roleKey('arn:aws:iam::123456789012:role/Itv-ReleaseAlarmRole6D0C1348-304331333438')).toBe(
      'ReleaseAlarm',
    );
  });

  test('a grant is unexercised only when no file used it, a denied call uses nothing, and a listed reason excuses it', () => {
    // Prepare: one file read an object and was refused a delete; another put an event
    const first = grantUsage(roles, [
      check(verifyRole, 's3:GetObject'),
      check(verifyRole, 'dynamodb:DeleteItem', false),
    ]);
    const second = grantUsage(roles, [check(ciRole, 'events:PutEvents')]);

    // Act
    const plain = unexercisedGrants([first, second]);
    const excused = unexercisedGrants([first, second], {
      Verify: { 'dynamodb:GetItem': 'read on a retry only' },
    });

    // Assess: log delivery is the runtime's, not the function's
    expect(plain).toEqual({ Verify: ['dynamodb:GetItem', 'dynamodb:DeleteItem'] });
    expect(excused).toEqual({ Verify: ['dynamodb:DeleteItem'] });
    expect(unexercisedGrants([first])).toEqual({
      ItvSreCi: ['events:PutEvents'],
      Verify: ['dynamodb:GetItem', 'dynamodb:DeleteItem'],
    });
  });
});

describe('the session keys functions call AWS with', () => {
  test('two functions whose logical ids start alike hold different keys, each shaped as AWS shapes one', () => {
    // Before, both keys were the ids' first 16 letters: FUNCTIONSAWAITRE, and one function was judged by the
    // other's role.
    const review = accessKeyOf('FunctionsAwaitReviewStage7E3F2C1A');
    const decision = accessKeyOf('FunctionsAwaitReleaseDecisionStageB2D4E6F8');
    expect(review).not.toBe(decision);
    for (const key of [review, decision]) expect(key).toMatch(/^ASIA[A-Z0-9]{16}$/);
  });
});
