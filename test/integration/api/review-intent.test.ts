import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { reviewIntent } from '../../../lambdas/api/review-intent.js';
import { evidenceFiles } from '../../../lambdas/core/evidence/evidence-files.js';
import { type ReviewRequest, requestReview } from '../../../lambdas/core/pipeline/review.js';
import type { ReviewResult } from '../../../lambdas/core/pipeline/state.js';
import type { Executions } from '../../../lambdas/ports/executions.js';
import { type LocalStack, openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';

const example = JSON.parse(
  readFileSync(new URL('../../../examples/04-high-risk-review.json', import.meta.url), 'utf8'),
);

const ACCOUNT = '123456789012';

/** What API Gateway puts in `requestContext.identity` for a SigV4-signed call to an IAM-auth method. */
interface IamCaller {
  userArn: string;
  /** The caller's unique id: `AIDA…` for an IAM user, `AROA…:SESSION` for an assumed-role session. */
  caller: string;
  accessKey: string;
}

const xavierUser: IamCaller = {
  userArn: `arn:aws:iam::${ACCOUNT}:user/xavier`,
  caller: 'AIDAQ3EGXAVIER7EXAMPLE',
  accessKey: 'AKIAQ3EGXAVIEREXAMPLE',
};
const session = (role: string, name: string, roleId: string): IamCaller => ({
  userArn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`,
  caller: `${roleId}:${name}`,
  accessKey: 'ASIAQ3EGSESSIONEXAMPL',
});
/** IAM Identity Center (SSO) signs in through a role whose session name is the user's e-mail. */
const xavierSso = session('ItvReviewers', 'xavier@example.com', 'AROAQ3EGREVIEWERS0001');
const victorSso = session('ItvEngineers', 'victor@example.com', 'AROAQ3EGENGINEERS0001');
const aliceSso = session('ItvEngineers', 'alice@example.com', 'AROAQ3EGENGINEERS0001');
const strangerSso = session('ItvReviewers', 'mallory@example.com', 'AROAQ3EGREVIEWERS0001');

/** A REST API (v1) proxy event exactly as API Gateway sends it to the Lambda for an IAM-auth method. */
function apiGatewayEvent(id: string, body: unknown, who: IamCaller): APIGatewayProxyEvent {
  return {
    resource: '/intents/{id}/review',
    path: `/intents/${id}/review`,
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json', Host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
    multiValueHeaders: { 'content-type': ['application/json'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { id },
    stageVariables: null,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      accountId: ACCOUNT,
      apiId: 'abc123',
      authorizer: null,
      httpMethod: 'POST',
      path: `/prod/intents/${id}/review`,
      protocol: 'HTTP/1.1',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1_793_000_000_000,
      resourceId: 'r3v13w',
      resourcePath: '/intents/{id}/review',
      stage: 'prod',
      identity: {
        accessKey: who.accessKey,
        accountId: ACCOUNT,
        apiKey: null,
        apiKeyId: null,
        caller: who.caller,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: who.caller,
        userAgent: 'aws-sdk-js/3.0.0',
        userArn: who.userArn,
      },
    },
  };
}

/** Stands in for Step Functions' SendTaskSuccess: records what the handler hands back. */
class RecordingExecutions implements Executions {
  readonly completed: Array<{ request: ReviewRequest; review: ReviewResult }> = [];
  async start(): Promise<'duplicate'> {
    return 'duplicate';
  }
  async completeReview(request: ReviewRequest, review: ReviewResult): Promise<'resumed' | 'ended'> {
    this.completed.push({ request, review });
    return 'resumed';
  }
  async completeReleaseDecision(): Promise<void> {
    throw new Error('no release decision in this test');
  }
  async resumeToStop(): Promise<void> {
    throw new Error('not expected in this test');
  }

  async releaseDecisionExpired(): Promise<void> {
    throw new Error('no release decision in this test');
  }

  async reviewExpired(): Promise<void> {
    throw new Error('no review times out in this test');
  }
}

describe('POST /intents/{id}/review with IAM identities, as API Gateway sends them', () => {
  let home: string;
  let stack: LocalStack;
  let executions: RecordingExecutions;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-review-api-'));
    stack = await openLocalStack({ home, inMemory: true });
    executions = new RecordingExecutions();
  });
  afterEach(async () => {
    await stack.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** Parks an intent (the HIPAA example, or one with another requester) at the review wait. */
  const park = (id: string, requester = example.authority.requester as string) =>
    requestReview(
      id,
      `token-${id}`,
      { intent: { ...example, authority: { ...example.authority, requester } }, source: 'api' } as never,
      stack.deps,
    );
  const review = (id: string, who: IamCaller, decision = 'approve') =>
    reviewIntent(
      apiGatewayEvent(id, { decision, reason: 'access controls reviewed' }, who),
      stack.deps,
      executions,
    );
  const ledgerOf = async (id: string) => (await stack.deps.ledger.forIntent('main', id)).map((s) => s.entry);

  test.each([
    ['an IAM user', xavierUser],
    ['an IAM Identity Center (assumed-role) session', xavierSso],
  ])(
    'the HIPAA reviewer of record calling as %s approves; the principal and the ARN are recorded',
    async (_, who) => {
      // Prepare
      await park('r-1');

      // Act
      const response = await review('r-1', who);

      // Assess
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({
        intentId: 'r-1',
        review: { decision: 'approved', reviewer: 'xavier' },
      });
      expect(executions.completed).toHaveLength(1);
      expect(executions.completed[0]?.request.taskToken).toBe('token-r-1');
      expect(executions.completed[0]?.review).toMatchObject({
        reviewer: 'xavier',
        authenticatedAs: { method: 'aws-iam', arn: who.userArn },
      });
      const approved = (await ledgerOf('r-1')).find((entry) => entry.type === 'review.approved');
      expect(approved?.payload).toMatchObject({
        decision: 'approved',
        reviewer: 'xavier',
        authenticatedAs: { method: 'aws-iam', arn: who.userArn },
      });
    },
  );

  test.each([
    ['no reason', { decision: 'reject' }],
    ['a blank reason', { decision: 'reject', reason: '   ' }],
  ])('a rejection with %s is 400 naming reason, and nothing is recorded', async (_, body) => {
    // Prepare
    await park('r-no-reason');

    // Act
    const response = await reviewIntent(
      apiGatewayEvent('r-no-reason', body, xavierSso),
      stack.deps,
      executions,
    );

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).issues).toEqual([
      {
        path: 'reason',
        message:
          'is required to reject: the rejection is recorded on the ledger with it, for the requester to act on',
      },
    ]);
    expect(executions.completed).toHaveLength(0);
    expect((await ledgerOf('r-no-reason')).map((entry) => entry.type)).toEqual(['review.requested']);
  });

  test('an approval may leave its reason out', async () => {
    // Prepare
    await park('r-approve-bare');

    // Act
    const response = await reviewIntent(
      apiGatewayEvent('r-approve-bare', { decision: 'approve' }, xavierSso),
      stack.deps,
      executions,
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect((await ledgerOf('r-approve-bare')).map((entry) => entry.type)).toEqual([
      'review.requested',
      'review.approved',
    ]);
  });

  test('the evidence names the reviewer and the identity they called with, and holds no credentials', async () => {
    // Prepare
    await park('r-2');

    // Act
    await review('r-2', xavierSso, 'reject');
    const stored = await stack.deps.ledger.forIntent('main', 'r-2');
    const files = evidenceFiles(stored);

    // Assess
    const tests = files.find((file) => file.name === 'test-results.json');
    const results = JSON.parse(Buffer.from(tests?.body ?? []).toString('utf8'));
    expect(results).toContainEqual(
      expect.objectContaining({
        type: 'review.rejected',
        reviewer: 'xavier',
        authenticatedAs: { method: 'aws-iam', arn: xavierSso.userArn },
      }),
    );
    const everything = JSON.stringify(stored) + files.map((f) => Buffer.from(f.body).toString()).join('');
    expect(everything).not.toContain(xavierSso.accessKey);
    expect(everything).not.toContain('AROAQ3EG');
  });

  test('the requester calling with their own identity is refused: separation of duties', async () => {
    // Prepare: victor requested the change
    await park('r-3');

    // Act
    const response = await review('r-3', victorSso);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body).message).toMatch(/requester cannot review/);
    expect(executions.completed).toEqual([]);
    expect((await ledgerOf('r-3')).map((entry) => entry.type)).toEqual(['review.requested']);
  });

  test('a reviewer of record who requested the change cannot review it either', async () => {
    // Prepare: xavier is the HIPAA reviewer, and here also the requester
    await park('r-4', 'xavier');

    // Act
    const response = await review('r-4', xavierUser);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body).message).toMatch(/requester cannot review/);
    expect(executions.completed).toEqual([]);
  });

  test('an identity no catalog principal claims is unauthenticated (401), naming the ARN', async () => {
    // Prepare
    await park('r-5');

    // Act
    const response = await review('r-5', strangerSso);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['www-authenticate']).toBe('AWS4-HMAC-SHA256');
    expect(JSON.parse(response.body).message).toContain(strangerSso.userArn);
    expect(executions.completed).toEqual([]);
    expect((await ledgerOf('r-5')).map((entry) => entry.type)).toEqual(['review.requested']);
  });

  test('a review naming a field a review does not take is 400 naming that field; one without a decision names decision', async () => {
    // Act
    const naming = await reviewIntent(
      apiGatewayEvent('r-fields', { decision: 'approve', reviewer: 'xavier' }, xavierSso),
      stack.deps,
      executions,
    );
    const undecided = await reviewIntent(apiGatewayEvent('r-fields', {}, xavierSso), stack.deps, executions);

    // Assess
    expect(naming.statusCode).toBe(400);
    expect(JSON.parse(naming.body).issues).toEqual([
      { path: 'reviewer', message: 'the reviewer is the authenticated caller, never a body field' },
    ]);
    expect(JSON.parse(undecided.body).issues).toEqual([{ path: 'decision', message: 'is required' }]);
    expect(executions.completed).toEqual([]);
  });

  test('a review of an intent the ledger does not hold is 404, and nothing is recorded', async () => {
    // Act
    const response = await review('r-never-submitted', xavierSso);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'NotFound', status: 404 });
    expect(executions.completed).toEqual([]);
    expect(await ledgerOf('r-never-submitted')).toEqual([]);
  });

  test('a known principal who is not a reviewer of record for the service is refused, naming who is', async () => {
    // Prepare
    await park('r-6');

    // Act
    const response = await review('r-6', aliceSso);

    // Assess
    expect(response.statusCode).toBe(403);
    const body = JSON.parse(response.body);
    expect(body.message).toContain('alice');
    expect(body.message).toContain('xavier');
    expect(executions.completed).toEqual([]);
  });

  test('a review whose resume failed is answered 503 and retried until the execution resumes', async () => {
    // Prepare: SendTaskSuccess fails once (throttled, network), as Step Functions may answer
    await park('r-7');
    let failures = 1;
    const resume = executions.completeReview.bind(executions);
    executions.completeReview = async (request, decided) => {
      if (failures-- > 0) throw new Error('ThrottlingException: rate exceeded');
      return resume(request, decided);
    };

    // Act
    const first = await review('r-7', xavierSso);
    const retried = await review('r-7', xavierSso);

    // Assess
    expect(first.statusCode).toBe(503);
    expect(JSON.parse(first.body).message).toMatch(/recorded.*retry/);
    expect(retried.statusCode).toBe(200);
    expect(JSON.parse(retried.body)).toMatchObject({ retried: true, review: { decision: 'approved' } });
    expect(executions.completed).toHaveLength(1);
    expect((await ledgerOf('r-7')).map((entry) => entry.type)).toEqual([
      'review.requested',
      'review.approved',
    ]);
  });

  test('a review that finds the wait already ended (timed out) says so instead of claiming it resumed', async () => {
    // Prepare
    await park('r-8');
    executions.completeReview = async () => 'ended';

    // Act
    const response = await review('r-8', xavierSso);

    // Assess
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'ReviewWaitEndedError' });
  });
});
