import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { openApiDocument } from '../../../lambdas/api/openapi.js';
import { conventionCases, expectConvention, type SendRequest } from '../../support/api-convention-cases.js';
import { expectIdempotency, idempotencyScenario } from '../../support/idempotency-cases.js';
import type { CallerIdentity } from '../harness/api-gateway.js';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  personCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';

/**
 * The HTTP conventions through API Gateway and the deployed functions, case for case those the local API keeps
 * (`test/support/api-convention-cases.ts`): what API Gateway answers itself (401 without a signature, 404 and
 * 405 through no-route) and what the functions answer (400, 401, 413, 415, 404) are problem+json alike.
 */
describe('API conventions on the deployed stack', () => {
  let stack: DeployedStack;
  let submittedId = '';
  const callers: Record<string, CallerIdentity | undefined> = {
    alice: personCalling('alice'),
    xavier: personCalling('xavier', 'ItvReviewers'),
    stranger: personCalling('mallory@example.com'),
    anonymous: undefined,
  };

  beforeAll(async () => {
    stack = await deployStack({ ...suiteEnvironment(), start: unblockedStart(['01-low-risk-flag.json']) });
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  const send: SendRequest = async (request) => {
    const answer = await stack.clock.busy(() =>
      stack.api.request(request.method, request.path, {
        caller: callers[request.caller],
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.contentType ? { contentType: request.contentType } : {}),
      }),
    );
    const headers = Object.fromEntries(
      Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
    return {
      status: answer.statusCode,
      header: (name) => headers[name.toLowerCase()],
      body: answer.json() as Record<string, unknown>,
    };
  };
  const ledgerSize = async () => (await stack.ledger.read(stack.ledgerName)).length;

  // A case kept local says why (`localOnly`).
  test.each(conventionCases.filter((kase) => !kase.localOnly).map((kase) => [kase.name, kase] as const))(
    '%s; nothing is recorded or started',
    async (_name, kase) => {
      const before = { entries: await ledgerSize(), executions: stack.stepFunctions.executions.size };
      expectConvention(kase, await send(kase.request(stack.clock.now())));
      expect({ entries: await ledgerSize(), executions: stack.stepFunctions.executions.size }).toEqual(
        before,
      );
    },
  );

  test('a submission is 202 with Location under the stage, naming its status resource', async () => {
    const answer = await stack.clock.busy(() =>
      stack.api.request('POST', '/intents', {
        caller: callers.alice,
        body: declaredAt(example('01-low-risk-flag.json'), stack.clock.now()),
      }),
    );
    const body = answer.json() as { intentId: string };
    expect(answer.statusCode).toBe(202);
    expect(answer.headers?.location).toBe(`/prod/intents/${encodeURIComponent(body.intentId)}`);
    await stack.finished(body.intentId);
    submittedId = body.intentId;
  });

  test('a review of it, released and waiting for none, is 409 naming the state that refuses it', async () => {
    const answer = await stack.clock.busy(() =>
      stack.api.request('POST', `/intents/${encodeURIComponent(submittedId)}/review`, {
        caller: callers.xavier,
        body: { decision: 'approve' },
      }),
    );
    expect(answer.statusCode).toBe(409);
    expect(answer.json()).toMatchObject({
      status: 409,
      issues: [expect.objectContaining({ path: 'state' })],
    });
  });

  test('GET /intents lists it with its filters and pages, through its own function reading the ledger only', async () => {
    const list = async (query: string) => {
      const answer = await stack.clock.busy(() =>
        stack.api.request('GET', `/intents?${query}`, { caller: callers.alice }),
      );
      return {
        status: answer.statusCode,
        link: answer.headers?.link,
        body: answer.json() as { items: Array<{ intentId: string; status: string }>; issues?: unknown },
      };
    };
    const released = await list('service=launch-flags&status=released');
    const inFlight = await list('status=in-flight');
    const bad = await list('since=yesterday');
    expect(released.status).toBe(200);
    expect(released.body.items.map((item) => item.intentId)).toContain(submittedId);
    expect(inFlight.body.items.map((item) => item.intentId)).not.toContain(submittedId);
    expect([bad.status, bad.body.issues]).toEqual([400, [expect.objectContaining({ path: 'query.since' })]]);
    const first = await list('limit=1');
    expect(first.body.items).toHaveLength(1);
    // The stack holds this one intent: a page of one is the last page.
    expect(first.link).toBeUndefined();
  });

  test('POST /intents?dryRun=true answers what structure and policy would decide and writes nothing: every table item and evidence object counted', async () => {
    const everything = async () => {
      const counts: Record<string, number> = {};
      for (const table of (await stack.admin.dynamodb.send(new ListTablesCommand({}))).TableNames ?? []) {
        counts[table] =
          (await stack.admin.dynamodb.send(new ScanCommand({ TableName: table, Select: 'COUNT' }))).Count ??
          0;
      }
      for (const bucket of (await stack.admin.s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
        const listed = await stack.admin.s3.send(new ListObjectVersionsCommand({ Bucket: bucket.Name! }));
        counts[`s3:${bucket.Name}`] = (listed.Versions ?? []).length + (listed.DeleteMarkers ?? []).length;
      }
      return { ...counts, executions: stack.stepFunctions.executions.size };
    };
    const before = await everything();
    const answer = await stack.clock.busy(() =>
      stack.api.request('POST', '/intents?dryRun=true', {
        caller: callers.alice,
        body: declaredAt(example('01-low-risk-flag.json'), stack.clock.now()),
      }),
    );
    // The same change asked for three hours ahead is judged as of then, as AdmitPolicy would schedule it.
    const intent = declaredAt(example('01-low-risk-flag.json'), stack.clock.now());
    const notBefore = new Date(stack.clock.now().getTime() + 3 * 3_600_000 + 250);
    const later = await stack.clock.busy(() =>
      stack.api.request('POST', '/intents?dryRun=true', {
        caller: callers.alice,
        body: {
          ...intent,
          constraints: { ...(intent.constraints as object), notBefore: notBefore.toISOString() },
        },
      }),
    );
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({
      dryRun: true,
      verdict: 'admitted',
      structure: { verdict: 'valid' },
    });
    expect(later.statusCode).toBe(200);
    const dueAt = new Date(Math.ceil(notBefore.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    expect(later.json()).toMatchObject({
      verdict: 'scheduled',
      policy: { verdict: 'scheduled', dueAt, evaluatedAt: dueAt.replace('Z', '.000Z'), failed: [] },
    });
    expect(Object.values(before).some((count) => count > 0)).toBe(true);
    expect(await everything()).toEqual(before);
  });

  test('Idempotency-Key through API Gateway: the first answer again, 422 for another request, one execution', async () => {
    const executionsBefore = stack.stepFunctions.executions.size;
    const seen = await idempotencyScenario(
      async (method, path, init) => {
        const answer = await stack.clock.busy(() =>
          stack.api.request(method, path, {
            caller: callers.alice,
            ...(init.body === undefined ? {} : { body: init.body }),
            headers: Object.fromEntries(
              Object.entries(init.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'content-type'),
            ),
          }),
        );
        const headers = Object.fromEntries(
          Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
        );
        return {
          status: answer.statusCode,
          header: (name) => headers[name.toLowerCase()],
          body: answer.json() as Record<string, unknown>,
        };
      },
      stack.clock.now(),
      'deployed',
    );
    expectIdempotency(seen);
    expect(stack.stepFunctions.executions.size).toBe(executionsBefore + 1);
    await stack.finished(String(seen.first.body.intentId));
  });

  test('GET /openapi.json through API Gateway serves the document the routes were built from', async () => {
    const answer = await stack.clock.busy(() =>
      stack.api.request('GET', '/openapi.json', { caller: callers.alice }),
    );
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual(openApiDocument());
  });
});
