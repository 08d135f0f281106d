import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { loadCatalog } from '../../../catalog/index.js';
import { EvidencePayloadStore } from '../../../lambdas/adapters/evidence-payload-store.js';
import { type IntentSubmittedEvent, intakeEvent } from '../../../lambdas/api/intake-event.js';
import { submitIntent } from '../../../lambdas/api/submit-intent.js';
import { grantDelegation } from '../../../lambdas/core/pipeline/delegations.js';
import type { Executions } from '../../../lambdas/ports/executions.js';
import { WriteOnceEvidence } from '../../unit/evidence/helpers/write-once-evidence.js';
import { MemoryLedgerStore } from '../../unit/pipeline/helpers/memory-ledger.js';
import { MemoryStateStore } from '../../unit/release/helpers/memory-state-store.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  > & { authority: Record<string, unknown>; change: Record<string, unknown> };

const ACCOUNT = '123456789012';
const NOW = new Date('2026-11-04T15:00:00Z');
const sso = (role: string, email: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${email}`;

/** `POST /intents` as API Gateway hands it to the function for an IAM-auth method (only what it reads). */
function postIntents(body: unknown, userArn: string | null): APIGatewayProxyEvent {
  return {
    resource: '/intents',
    path: '/intents',
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { identity: { userArn } },
  } as unknown as APIGatewayProxyEvent;
}

/** Stands in for Step Functions' StartExecution: records what would start. */
class RecordingExecutions implements Executions {
  readonly started: Array<{ name: string; input: Parameters<Executions['start']>[1] }> = [];
  async start({ name }: { name: string }, input: Parameters<Executions['start']>[1]) {
    this.started.push({ name, input });
    return { executionId: `arn:execution:${name}` };
  }
  async completeReview(): Promise<'resumed'> {
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
    throw new Error('not expected in this test');
  }
}

describe('POST /intents: the requester is the IAM caller', () => {
  const deps = {
    catalog: loadCatalog(),
    state: new MemoryStateStore(),
    ledger: new MemoryLedgerStore(),
    ledgerName: 'main',
    payloads: new EvidencePayloadStore(new WriteOnceEvidence()),
  };
  const submit = (body: unknown, userArn: string | null) => {
    const executions = new RecordingExecutions();
    return submitIntent(postIntents(body, userArn), executions, deps, NOW).then((response) => ({
      status: response.statusCode,
      headers: response.headers,
      body: JSON.parse(response.body) as Record<string, unknown>,
      started: executions.started,
    }));
  };

  test("the owner's own SSO session submits; the execution carries the caller and how it was resolved", async () => {
    const answer = await submit(example('01-low-risk-flag.json'), sso('ItvEngineers', 'alice@example.com'));
    expect(answer.status).toBe(202);
    expect(answer.started).toHaveLength(1);
    expect(answer.started[0]?.input).toMatchObject({
      source: 'api',
      intent: { authority: { requester: 'alice' } },
      caller: {
        principal: 'alice',
        authenticatedAs: { method: 'aws-iam', arn: sso('ItvEngineers', 'alice@example.com') },
        matched: 'principals.alice.identities[0]',
      },
    });
  });

  test("another engineer's session naming the owner is refused (403), and nothing starts", async () => {
    const answer = await submit(example('01-low-risk-flag.json'), sso('ItvEngineers', 'bob@example.com'));
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ error: 'ImpersonationError', field: 'authority.requester' });
    expect(String(answer.body.message)).toMatch(/you are bob, not alice/);
    expect(answer.started).toEqual([]);
  });

  test('the same session with no requester in the body submits as itself', async () => {
    const sample = example('15-onboarding-region-residency.json');
    const { requester: _named, ...authority } = sample.authority;
    const answer = await submit({ ...sample, authority }, sso('ItvEngineers', 'bob@example.com'));
    expect(answer.status).toBe(202);
    expect(answer.started[0]?.input.intent).toMatchObject({ authority: { requester: 'bob' } });
  });

  test.each([
    ['a session of a role nobody claims', sso('Admins', 'alice@example.com')],
    ['a reviewers-role session under an unknown name', sso('ItvReviewers', 'mallory@example.com')],
    ['the account root', `arn:aws:iam::${ACCOUNT}:root`],
    ['another account', `arn:aws:sts::999999999999:assumed-role/ItvEngineers/alice@example.com`],
  ])('%s is an unknown caller (401), and nothing starts', async (_label, arn) => {
    const answer = await submit(example('01-low-risk-flag.json'), arn);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: 'UnknownCallerError' });
    expect(answer.started).toEqual([]);
  });

  test('a delegation granted at run time lets its holder submit for its grantor', async () => {
    const sample = example('07-incident-threshold.json');
    const forGrace = { ...sample, authority: { ...sample.authority, requester: 'grace' } };
    const refused = await submit(forGrace, sso('ItvEngineers', 'ivan@example.com'));
    await grantDelegation(
      {
        to: 'ivan',
        role: 'sre',
        services: ['incident-router'],
        expiresAt: '2026-11-18T00:00:00Z',
        reason: 'offsite',
      },
      { principal: 'grace', authenticatedAs: { method: 'local', via: 'test' } },
      { ...deps, now: NOW },
    );
    const granted = await submit(forGrace, sso('ItvEngineers', 'ivan@example.com'));
    expect(refused.status).toBe(403);
    expect(granted.status).toBe(202);
    expect(granted.started[0]?.input.intent).toMatchObject({
      authority: { requester: 'ivan', onBehalfOf: 'grace' },
    });
  });

  test('a request without an IAM identity is refused before its body is read', async () => {
    const answer = await submit('{', null);
    expect(answer.status).toBe(401);
    expect(answer.headers?.['www-authenticate']).toBe('AWS4-HMAC-SHA256');
    expect(answer.body).toMatchObject({ issues: [{ path: 'authorization' }] });
  });
});

describe('the itv bus rule target: the requester is the automation principal behind the source', () => {
  const deps = {
    catalog: loadCatalog(),
    state: new MemoryStateStore(),
    ledger: new MemoryLedgerStore(),
    ledgerName: 'main',
    payloads: new EvidencePayloadStore(new WriteOnceEvidence()),
  };
  const event = (source: string, intent: unknown): IntentSubmittedEvent => ({
    version: '0',
    id: 'e-1',
    'detail-type': 'Intent Submitted',
    source,
    account: ACCOUNT,
    time: '2026-11-04T15:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { intent },
  });

  test('growth CI submits a flag change under the delegation alice recorded for it', async () => {
    const executions = new RecordingExecutions();
    const sample = example('01-low-risk-flag.json');
    // As itself, in the role alice's delegation gives it (engineer), not hers.
    const { requester: _alice, ...authority }: Record<string, unknown> = {
      ...sample.authority,
      role: 'engineer',
    };
    await intakeEvent(event('itv.ci.growth', { ...sample, authority }), executions, deps, NOW);
    expect(executions.started[0]?.input).toMatchObject({
      source: 'eventbridge',
      submittedAt: '2026-11-04T15:00:00Z',
      intent: { authority: { requester: 'ci-growth' } },
      caller: {
        principal: 'ci-growth',
        authenticatedAs: { method: 'eventbridge', source: 'itv.ci.growth', account: ACCOUNT },
      },
    });
  });

  test('CI naming alice acts on her behalf under her delegation', async () => {
    const executions = new RecordingExecutions();
    await intakeEvent(event('itv.ci.growth', example('01-low-risk-flag.json')), executions, deps, NOW);
    expect(executions.started[0]?.input.intent).toMatchObject({
      authority: { requester: 'ci-growth', onBehalfOf: 'alice' },
    });
  });

  test('CI naming somebody it holds no delegation from still starts, unbound, for DeclareIntent to refuse on the record', async () => {
    const executions = new RecordingExecutions();
    const sample = example('07-incident-threshold.json');
    await intakeEvent(event('itv.ci.growth', sample), executions, deps, NOW);
    expect(executions.started).toHaveLength(1);
    expect(executions.started[0]?.input.intent).toMatchObject({ authority: { requester: 'heidi' } });
    expect(executions.started[0]?.input.caller.principal).toBe('ci-growth');
  });

  test("CI submitting under an id that is another requester's change starts nothing, and says so in the log", async () => {
    // Prepare: bob's change declared under `squat-eb`, as DeclareIntent records it.
    const executions = new RecordingExecutions();
    await deps.ledger.append(deps.ledgerName, {
      intentId: 'squat-eb',
      type: 'intent.declared',
      idempotencyKey: 'squat-eb/declared',
      timestamp: NOW.toISOString(),
      payload: { intent: { title: "bob's change" }, authority: { requester: 'bob' } },
    });
    const sample = example('01-low-risk-flag.json');
    // As itself, in the role alice's delegation gives it (engineer), not hers.
    const { requester: _alice, ...authority }: Record<string, unknown> = {
      ...sample.authority,
      role: 'engineer',
    };

    // Act
    const answer = await intakeEvent(
      event('itv.ci.growth', { ...sample, id: 'squat-eb', authority }),
      executions,
      deps,
      NOW,
    );

    // Assess
    expect(executions.started).toEqual([]);
    expect(answer).toMatchObject({
      refused: expect.stringMatching(
        /^event e-1 from itv\.ci\.growth: intent id squat-eb is bob's change, not ci-growth's/,
      ),
      issues: [{ path: 'id' }],
    });
  });

  test('CI submitting other content under an id its own change holds starts nothing, and says so in the log', async () => {
    // Prepare: ci-growth's earlier change declared under `ci-change-1`, as DeclareIntent records it.
    const executions = new RecordingExecutions();
    await deps.ledger.append(deps.ledgerName, {
      intentId: 'ci-change-1',
      type: 'intent.declared',
      idempotencyKey: 'ci-change-1/declared',
      timestamp: NOW.toISOString(),
      payload: { intent: { title: 'an earlier change' }, authority: { requester: 'ci-growth' } },
    });
    const sample = example('01-low-risk-flag.json');
    const { requester: _alice, ...authority }: Record<string, unknown> = {
      ...sample.authority,
      role: 'engineer',
    };

    // Act
    const answer = await intakeEvent(
      event('itv.ci.growth', { ...sample, id: 'ci-change-1', authority }),
      executions,
      deps,
      NOW,
    );

    // Assess
    expect(executions.started).toEqual([]);
    expect(answer).toMatchObject({
      refused: expect.stringMatching(
        /^event e-1 from itv\.ci\.growth: intent id ci-change-1 already names another change \(declared at seq \d+, in flight\)/,
      ),
      issues: [{ path: 'id' }],
    });
  });

  test('a source no principal claims starts nothing', async () => {
    const executions = new RecordingExecutions();
    const answer = await intakeEvent(
      event('acme.deploys', example('01-low-risk-flag.json')),
      executions,
      deps,
      NOW,
    );
    expect(answer).toMatchObject({
      ignored: expect.stringMatching(/source "acme.deploys" is no principal's/),
    });
    expect(executions.started).toEqual([]);
  });
});
