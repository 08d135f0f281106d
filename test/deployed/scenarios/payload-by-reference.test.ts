import { createHash } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  type Intent,
  personCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';
import { deployedAccount, deployedRegion } from '../harness/template.js';

/**
 * A payload too large to travel inside an intent, by reference on the deployed stack: uploaded through
 * POST /payloads (stored under payloads/sha256/ in the evidence bucket), checked at the door by the API and the
 * intake from the bus, and read by digest — through each function's own s3:GetObject grant on that prefix — by
 * DeclareIntent, ValidateStructure, AdmitPolicy, FormDecision, Verify, StartRelease and CheckRelease, which
 * release it end to end. Step Functions carries the reference alone (its state holds 256 KiB).
 */
describe('payloads by reference on the deployed stack', () => {
  let stack: DeployedStack;
  const ciKey = 'ASIACIPIPELINE000002';

  /** 800 policy documents of about 1.3 KB: over a mebibyte of JSON that the policies contract takes. */
  const payloadText = JSON.stringify({
    documents: Array.from({ length: 800 }, (_, i) => ({
      id: `POL-${String(100 + i)}`,
      title: `Policy ${i} ${'t'.repeat(1300)}`,
      version: '1.0.0',
      effectiveFrom: '2026-12-01',
    })),
    reviewCadenceDays: 365,
  });

  function byReference(ref: unknown): Intent {
    const sample = declaredAt(example('13-policy-change.json'), stack.clock.now());
    const { payload: _inline, ...change } = sample.change as Record<string, unknown>;
    return {
      ...sample,
      title: 'Publish the whole policy library',
      change: { ...change, payloadRef: ref },
    } as Intent;
  }

  beforeAll(async () => {
    stack = await deployStack({ ...suiteEnvironment(), start: unblockedStart(['13-policy-change.json']) });
    stack.services.gateway.registerCaller(ciKey, {
      principalArn: `arn:aws:iam::${deployedAccount}:role/ci/ItvGrowthCi`,
      sessionName: 'build-4712',
      identityPolicies: [
        {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'events:PutEvents',
              Resource: `arn:aws:events:${deployedRegion}:${deployedAccount}:event-bus/itv`,
            },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  test('a 1 MiB payload by reference is uploaded, checked at the door and released end to end', async () => {
    // Prepare: uploaded twice, as a retrying client would; the second stores nothing new.
    const upload = () =>
      stack.clock.busy(() =>
        stack.api.request('POST', '/payloads', { body: payloadText, caller: personCalling('ken') }),
      );
    const first = await upload();
    expect(first.statusCode).toBe(201);
    const ref = (first.json() as { payloadRef: { sha256: string; size: number } }).payloadRef;
    expect(ref).toEqual({
      sha256: createHash('sha256').update(payloadText).digest('hex'),
      size: Buffer.byteLength(payloadText),
      mediaType: 'application/json',
    });
    expect((await upload()).json()).toEqual({ payloadRef: ref });

    // Act
    const submitted = await stack.submit(byReference(ref), personCalling('ken'));
    expect(submitted.statusCode).toBe(202);
    const execution = await stack.finished(submitted.intentId);

    // Assess: released; the execution's input and the ledger hold the reference, never the content.
    const status = await stack.status(submitted.intentId);
    expect([execution.status, status?.status, status?.reasons]).toEqual(['SUCCEEDED', 'released', []]);
    expect(execution.input.length).toBeLessThan(16 * 1024);
    expect(execution.output?.length ?? 0).toBeLessThan(64 * 1024);
    const entries = await stack.ledger.forIntent(stack.ledgerName, submitted.intentId);
    for (const { entry } of entries) expect(JSON.stringify(entry).length).toBeLessThan(64 * 1024);
    expect(stack.services.deniedCalls()).toEqual([]);
  });

  test('a reference whose size or digest does not match what is stored is refused at the door, by the API and the bus', async () => {
    // Prepare
    const other = JSON.stringify({
      documents: [{ id: 'POL-900', title: 'x', version: '1.0.0', effectiveFrom: '2026-12-01' }],
    });
    const stored = await stack.clock.busy(() =>
      stack.api.request('POST', '/payloads', { body: other, caller: personCalling('ken') }),
    );
    const ref = (stored.json() as { payloadRef: { sha256: string; size: number } }).payloadRef;
    const executionsBefore = stack.stepFunctions.executions.size;

    // Act: the API with the wrong size; the bus with a digest nothing is stored under.
    const wrongSize = await stack.clock.busy(() =>
      stack.api.request('POST', '/intents', {
        body: byReference({ ...ref, size: ref.size + 1 }),
        caller: personCalling('ken'),
      }),
    );
    const events = new EventBridgeClient({
      region: deployedRegion,
      endpoint: stack.services.gatewayUrl,
      credentials: { accessKeyId: ciKey, secretAccessKey: 'ci', sessionToken: 'ci' },
    });
    const put = await stack.clock.busy(() =>
      events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'itv',
              Source: 'itv.ci.growth',
              DetailType: 'Intent Submitted',
              Detail: JSON.stringify({ intent: byReference({ sha256: 'e'.repeat(64), size: 10 }) }),
            },
          ],
        }),
      ),
    );

    // Assess: 400 naming the field; the event starts nothing; neither is recorded.
    expect(wrongSize.statusCode).toBe(400);
    expect(wrongSize.json()).toMatchObject({
      issues: [
        {
          path: 'change.payloadRef.size',
          message: `change.payloadRef.size: names ${ref.size + 1} bytes, but the payload stored under its digest is ${ref.size} bytes`,
        },
      ],
    });
    expect(put.FailedEntryCount).toBe(0);
    expect(await stack.eventsDelivered()).toEqual([]);
    expect(stack.stepFunctions.executions.size).toBe(executionsBefore);
    expect(stack.services.deniedCalls()).toEqual([]);
  });
});
