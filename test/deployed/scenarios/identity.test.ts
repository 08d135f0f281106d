import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import { eventRules, route } from '../harness/event-rules.js';
import {
  declaredAt,
  example,
  personCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';
import { deployedAccount, deployedRegion } from '../harness/template.js';

/**
 * Nobody acts as somebody else on the deployed stack: through API Gateway the requester is the IAM caller,
 * through the itv bus it is the automation principal whose CI role the bus policy let put the event, and a
 * request naming somebody else passes only under a delegation the catalog records.
 */
describe('identity on the deployed stack', () => {
  let stack: DeployedStack;
  const busArn = `arn:aws:events:${deployedRegion}:${deployedAccount}:event-bus/itv`;
  const mayPutEvents = [
    {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }],
    },
  ];
  /** Access keys of callers the customer's account has: two CI roles and a developer role, each allowed PutEvents. */
  const callers = {
    growthCi: { key: 'ASIAGROWTHCI00000001', role: `arn:aws:iam::${deployedAccount}:role/ci/ItvGrowthCi` },
    sreCi: { key: 'ASIASRECI00000000001', role: `arn:aws:iam::${deployedAccount}:role/ItvSreCi` },
    developer: { key: 'ASIADEVELOPER0000001', role: `arn:aws:iam::${deployedAccount}:role/Developer` },
  };

  beforeAll(async () => {
    stack = await deployStack({
      ...suiteEnvironment(),
      start: unblockedStart([
        '01-low-risk-flag.json',
        '09-procurement-delegated.json',
        '15-onboarding-region-residency.json',
      ]),
    });
    for (const { key, role } of Object.values(callers)) {
      stack.services.gateway.registerCaller(key, {
        principalArn: role,
        sessionName: 'run-4711',
        identityPolicies: mayPutEvents,
      });
    }
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  const executionCount = () => stack.stepFunctions.executions.size;

  describe('POST /intents', () => {
    test("an engineer naming the service's owner as requester is refused (403) and nothing starts", async () => {
      const before = executionCount();
      const intent = declaredAt(example('01-low-risk-flag.json'), stack.clock.now());
      const answer = await stack.submit(intent, personCalling('bob'));
      expect([answer.statusCode, answer.body.error, answer.body.field]).toEqual([
        403,
        'ImpersonationError',
        'authority.requester',
      ]);
      expect(String(answer.body.message)).toMatch(/you are bob, not alice/);
      expect(executionCount()).toBe(before);
    });

    test('an identity no principal claims is unauthenticated (401) and nothing starts', async () => {
      const before = executionCount();
      const intent = declaredAt(example('01-low-risk-flag.json'), stack.clock.now());
      const answer = await stack.submit(intent, personCalling('mallory@example.com'));
      expect([answer.statusCode, answer.body.error]).toEqual([401, 'UnknownCallerError']);
      expect(executionCount()).toBe(before);
    });

    test('an intent without a requester is submitted by the caller, recorded with the ARN it signed with', async () => {
      const sample = declaredAt(example('15-onboarding-region-residency.json'), stack.clock.now());
      const { requester: _bob, ...authority } = sample.authority as Record<string, unknown>;
      const answer = await stack.submit({ ...sample, authority }, personCalling('bob'));
      expect(answer.statusCode).toBe(202);
      await stack.finished(answer.intentId);
      const declared = (await stack.ledger.forIntent(stack.ledgerName, answer.intentId)).find(
        (s) => s.entry.type === 'intent.declared',
      )?.entry.payload;
      expect(declared).toMatchObject({
        authority: { requester: 'bob' },
        submittedBy: {
          principal: 'bob',
          authenticatedAs: {
            method: 'aws-iam',
            arn: `arn:aws:sts::${deployedAccount}:assumed-role/ItvEngineers/bob@example.com`,
          },
          matched: 'principals.bob.identities[0]',
        },
      });
      // The functions' own logs: a JSON line per stage that names the intent, and its EMF metrics.
      const lines = stack.lambda.logs
        .map((line) => line.slice(line.indexOf('{')))
        .filter((line) => line.includes(answer.intentId));
      const stages = new Set(
        lines
          .map((line) => JSON.parse(line) as { message?: string; stage?: string })
          .flatMap((l) => (l.message === 'stage done' && l.stage ? [l.stage] : [])),
      );
      expect([...stages]).toEqual(expect.arrayContaining(['DeclareIntent', 'AdmitPolicy', 'Learn']));
      expect(
        stack.lambda.logs.some((line) => line.includes('"StageDuration"') && line.includes('"Learn"')),
      ).toBe(true);
    });

    test("the holder of a recorded delegation submits for its grantor; the grantor's name alone is not enough for others", async () => {
      const sample = declaredAt(example('09-procurement-delegated.json'), stack.clock.now());
      const forNina = { ...sample, authority: { ...(sample.authority as object), requester: 'nina' } };
      const byOscar = await stack.submit(forNina, personCalling('oscar'));
      const byErin = await stack.submit(forNina, personCalling('erin'));
      expect(byOscar.statusCode).toBe(202);
      expect([byErin.statusCode, byErin.body.error]).toEqual([403, 'ImpersonationError']);
      await stack.finished(byOscar.intentId);
      const declared = (await stack.ledger.forIntent(stack.ledgerName, byOscar.intentId)).find(
        (s) => s.entry.type === 'intent.declared',
      )?.entry.payload;
      expect(declared).toMatchObject({
        authority: { requester: 'oscar', onBehalfOf: 'nina' },
        binding: { basis: 'delegation', delegation: { from: 'nina', to: 'oscar', role: 'procurement-lead' } },
      });
    });
  });

  describe('the itv bus', () => {
    const put = (caller: { key: string }, source: string, intent: unknown) =>
      stack.clock.busy(() =>
        new EventBridgeClient({
          region: deployedRegion,
          endpoint: stack.services.gatewayUrl,
          credentials: { accessKeyId: caller.key, secretAccessKey: 'ci', sessionToken: 'ci' },
        }).send(
          new PutEventsCommand({
            Entries: [
              {
                EventBusName: 'itv',
                Source: source,
                DetailType: 'Intent Submitted',
                Detail: JSON.stringify({ intent }),
              },
            ],
          }),
        ),
      );
    const denial = (attempt: Promise<unknown>) =>
      attempt.then(
        () => 'accepted',
        (error: Error) => `${error.name}: ${error.message}`,
      );

    test('a role the catalog does not register is denied by the bus policy, though its own policy allows PutEvents', async () => {
      const answer = await denial(put(callers.developer, 'itv.ci.growth', example('01-low-risk-flag.json')));
      expect(answer).toMatch(
        /^AccessDeniedException: .*Developer.*events:PutEvents.*explicit deny in a resource-based policy/,
      );
    });

    test("a registered CI role under another principal's source, or any other, is denied", async () => {
      const asSre = await denial(put(callers.growthCi, 'itv.ci.sre', example('07-incident-threshold.json')));
      const asOther = await denial(put(callers.growthCi, 'acme.deploys', example('01-low-risk-flag.json')));
      expect(asSre).toMatch(/^AccessDeniedException: .*explicit deny in a resource-based policy/);
      expect(asOther).toMatch(/^AccessDeniedException: .*explicit deny in a resource-based policy/);
    });

    test('the rule matches only registered sources: an event under another source reaches no target', () => {
      const rules = eventRules(stack.template);
      const entry = (source: string) => ({
        EventBusName: 'itv',
        Source: source,
        DetailType: 'Intent Submitted',
        Detail: '{}',
      });
      expect(route(rules, entry('acme.deploys'), stack.clock.now())).toEqual([]);
      expect(route(rules, entry('itv.ci.growth'), stack.clock.now()).map((t) => t.kind)).toEqual(['lambda']);
    });

    test('CI naming somebody it holds no delegation from is declared nothing: one request.refused entry', async () => {
      const before = new Set(stack.stepFunctions.executions.keys());
      // heidi may change the incident router; the growth CI may not act for her
      const intent = declaredAt(example('07-incident-threshold.json'), stack.clock.now());
      const answer = await put(callers.growthCi, 'itv.ci.growth', intent);
      expect(answer.FailedEntryCount).toBe(0);
      expect(await stack.eventsDelivered()).toEqual([]);
      const started = [...stack.stepFunctions.executions.values()].filter((e) => !before.has(e.executionArn));
      expect(started).toHaveLength(1);
      const execution = await stack.stepFunctions.waitFor(started[0]!.executionArn);
      const output = JSON.parse(execution.output!) as { declared: { intentId: string; verdict: string } };
      expect(output.declared.verdict).toBe('refused');
      const entries = await stack.ledger.forIntent(stack.ledgerName, output.declared.intentId);
      // Nothing is declared: the refusal, the outcome Learn records, and the checkpoint that seals them.
      expect(entries.map((s) => s.entry.type)).toEqual([
        'request.refused',
        'intent.concluded',
        'checkpoint.signed',
      ]);
      expect(entries[0]?.entry.payload).toMatchObject({
        submittedBy: {
          principal: 'ci-growth',
          authenticatedAs: { method: 'eventbridge', source: 'itv.ci.growth' },
        },
        issues: [
          { path: 'authority.requester', message: expect.stringMatching(/you are ci-growth, not heidi/) },
        ],
      });
      expect((await stack.status(output.declared.intentId))?.status).toBe('refused');
    });

    test('a redelivered event is the same execution, not a second change', async () => {
      const intent = declaredAt(
        { ...example('01-low-risk-flag.json'), title: 'Enable the checklist, delivered twice' },
        stack.clock.now(),
      );
      const before = new Set(stack.stepFunctions.executions.keys());
      await put(callers.growthCi, 'itv.ci.growth', intent);
      await put(callers.growthCi, 'itv.ci.growth', intent);
      expect(await stack.eventsDelivered()).toEqual([]);
      const started = [...stack.stepFunctions.executions.values()].filter((e) => !before.has(e.executionArn));
      expect(started).toHaveLength(1);
      await stack.stepFunctions.waitFor(started[0]!.executionArn);
    });
  });
});
