import { evaluateCheck } from '../deployed/emulators/policy-evaluation.js';
import { fixturePublishers, fixtureTemplate } from './synth-support.js';

/**
 * The itv bus policy, evaluated with the IAM policy evaluator as AWS evaluates a same-account PutEvents:
 * the caller's identity policy allows it, so only the bus policy's explicit denies can refuse it.
 */
describe('the itv bus policy', () => {
  const template = fixtureTemplate();
  const statements = Object.values(template.findResources('AWS::Events::EventBusPolicy')).map(
    (r) => (r as { Properties: { Statement: Record<string, unknown> } }).Properties.Statement,
  );
  const bus = 'arn:aws:events:us-east-1:123456789012:event-bus/itv';
  // The synthesized statements name the bus by a token; the evaluator needs the ARN.
  const policy = {
    Version: '2012-10-17',
    Statement: statements.map((statement) => ({ ...statement, Resource: bus })),
  };
  const putEvents = async (roleArn: string, sources: string[]) => {
    const verdicts = await Promise.all(
      sources.map((source) =>
        evaluateCheck(
          {
            principalArn: roleArn,
            sessionName: 'build-4711',
            identityPolicies: [
              {
                Version: '2012-10-17',
                Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: bus }],
              },
            ],
          },
          {
            action: 'events:PutEvents',
            resource: bus,
            context: { 'events:source': source, 'events:detail-type': 'Intent Submitted' },
            resourcePolicy: policy,
          },
          { account: '123456789012', region: 'us-east-1', now: new Date(), secureTransport: true },
        ),
      ),
    );
    return verdicts.map((v) => v.reason);
  };
  const [growth, sre] = fixturePublishers;

  test('a registered CI role puts events under its own source', async () => {
    expect(await putEvents(growth!.callerArns[0]!, [growth!.source])).toEqual(['allowed']);
    expect(await putEvents(sre!.callerArns[0]!, [sre!.source])).toEqual(['allowed']);
  });

  test("a registered CI role under another principal's source, or an unregistered one, is denied", async () => {
    expect(await putEvents(growth!.callerArns[0]!, [sre!.source, 'acme.deploys'])).toEqual([
      'with an explicit deny in a resource-based policy',
      'with an explicit deny in a resource-based policy',
    ]);
  });

  test('any other role is denied, whatever its own policy allows', async () => {
    expect(
      await putEvents('arn:aws:iam::123456789012:role/Developer', [growth!.source, sre!.source]),
    ).toEqual([
      'with an explicit deny in a resource-based policy',
      'with an explicit deny in a resource-based policy',
    ]);
    // the same role name under another path is another role
    expect(await putEvents('arn:aws:iam::123456789012:role/other/ItvGrowthCi', [growth!.source])).toEqual([
      'with an explicit deny in a resource-based policy',
    ]);
  });
});
