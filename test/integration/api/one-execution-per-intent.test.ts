import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { loadCatalog } from '../../../catalog/index.js';
import { EvidencePayloadStore } from '../../../lambdas/adapters/evidence-payload-store.js';
import { type IntentSubmittedEvent, intakeEvent } from '../../../lambdas/api/intake-event.js';
import { executionName } from '../../../lambdas/api/submission.js';
import { submitIntent } from '../../../lambdas/api/submit-intent.js';
import { record } from '../../../lambdas/core/pipeline/deps.js';
import type { Executions } from '../../../lambdas/ports/executions.js';
import { WriteOnceEvidence } from '../../unit/evidence/helpers/write-once-evidence.js';
import { MemoryLedgerStore } from '../../unit/pipeline/helpers/memory-ledger.js';
import { MemoryStateStore } from '../../unit/release/helpers/memory-state-store.js';

const ACCOUNT = '123456789012';
const NOW = new Date('2026-11-04T15:00:00Z');
const alice = `arn:aws:sts::${ACCOUNT}:assumed-role/ItvEngineers/alice@example.com`;

const sample = () =>
  JSON.parse(
    readFileSync(new URL('../../../examples/01-low-risk-flag.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

/** Step Functions' StartExecution as its API reference states it: a name already used is ExecutionAlreadyExists. */
class NamedExecutions implements Executions {
  readonly started: Array<{ name: string; input: Parameters<Executions['start']>[1] }> = [];
  async start({ name }: { name: string }, input: Parameters<Executions['start']>[1]) {
    if (this.started.some((run) => run.name === name)) return 'duplicate' as const;
    this.started.push({ name, input });
    return { executionId: `arn:execution:${name}` };
  }
  async completeReview(): Promise<'resumed'> {
    return 'resumed';
  }
  async completeReleaseDecision(): Promise<void> {}
  async releaseDecisionExpired(): Promise<void> {}
  async reviewExpired(): Promise<void> {}
  async resumeToStop(): Promise<void> {}
}

function postIntents(body: unknown): APIGatewayProxyEvent {
  return {
    resource: '/intents',
    path: '/intents',
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { identity: { userArn: alice } },
  } as unknown as APIGatewayProxyEvent;
}

const busEvent = (id: string, intent: unknown): IntentSubmittedEvent => ({
  version: '0',
  id,
  'detail-type': 'Intent Submitted',
  source: 'itv.ci.growth',
  account: ACCOUNT,
  time: NOW.toISOString(),
  region: 'us-east-1',
  resources: [],
  detail: { intent },
});

describe('one execution per intent, whatever arrives', () => {
  let deps: {
    catalog: ReturnType<typeof loadCatalog>;
    state: MemoryStateStore;
    ledger: MemoryLedgerStore;
    ledgerName: string;
    payloads: EvidencePayloadStore;
  };
  let executions: NamedExecutions;
  beforeEach(() => {
    deps = {
      catalog: loadCatalog(),
      state: new MemoryStateStore(),
      ledger: new MemoryLedgerStore(),
      ledgerName: 'main',
      payloads: new EvidencePayloadStore(new WriteOnceEvidence()),
    };
    executions = new NamedExecutions();
  });
  const viaApi = async (intent: unknown) => {
    const response = await submitIntent(postIntents(intent), executions, deps, NOW);
    return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
  };
  const viaBus = (eventId: string, intent: unknown) =>
    intakeEvent(busEvent(eventId, intent), executions, deps, NOW);
  /** What RecordFailure writes when an execution fails. */
  const failed = (intentId: string) =>
    record({ ...deps, clock: { now: () => NOW } }, intentId, 'stage.failed', {
      error: 'ReleaseStartError',
      cause: 'AppConfig refused the deployment',
      release: null,
    });
  const concluded = (intentId: string, outcome: string) =>
    record({ ...deps, clock: { now: () => NOW } }, intentId, 'intent.concluded', {
      outcome,
      timeToValueSeconds: null,
      valuePerHourUsd: 0,
      costOfDelayUsd: 0,
      confidence: 0.5,
      releaseVerdict: 'not-judged',
      strategy: null,
      alarm: null,
      escalation: null,
      fingerprint: null,
      reusedDecision: null,
      decisionCache: null,
      decisionContinuity: null,
      tier: 1,
      service: 'launch-flags',
      kind: 'feature-flag',
    } as never);

  test('execution names differ for intent ids that differ only where Step Functions forbids characters, or after 80', () => {
    const long = 'x'.repeat(80);
    const names = [
      executionName('deploy.a'),
      executionName('deploy:a'),
      executionName(`${long}1`),
      executionName(`${long}2`),
    ];
    expect(new Set(names).size).toBe(4);
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    }
  });

  test('two intents whose ids collided under the old names each start', async () => {
    const first = await viaApi({ ...sample(), id: 'checkout.flag' });
    const second = await viaApi({ ...sample(), id: 'checkout:flag' });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(executions.started).toHaveLength(2);
  });

  test('the API twice and a bus event of the same intent start one execution', async () => {
    const intent = { ...sample(), id: 'flag-rollout-7' };
    const first = await viaApi(intent);
    const again = await viaApi(intent);
    const fromBus = await viaBus('e-1', intent);
    expect(first.status).toBe(202);
    expect(again).toMatchObject({ status: 200, body: { duplicate: true, intentId: 'flag-rollout-7' } });
    expect(fromBus).toMatchObject({ duplicate: true });
    expect(executions.started).toHaveLength(1);
  });

  test('a failed intent submitted again starts a second attempt linked to the first; then it is a duplicate', async () => {
    // Prepare
    const intent = { ...sample(), id: 'flag-rollout-8' };
    await viaApi(intent);
    await failed('flag-rollout-8');

    // Act
    const retried = await viaApi(intent);
    const again = await viaApi(intent);

    // Assess
    expect(retried).toMatchObject({ status: 202, body: { intentId: 'flag-rollout-8:attempt-2' } });
    expect(again).toMatchObject({
      status: 200,
      body: { duplicate: true, intentId: 'flag-rollout-8:attempt-2' },
    });
    expect(executions.started).toHaveLength(2);
    expect(executions.started[1]?.name).not.toBe(executions.started[0]?.name);
    expect(executions.started[1]?.input.attempt).toEqual({
      intentId: 'flag-rollout-8',
      number: 2,
      previousIntentId: 'flag-rollout-8',
    });
  });

  test('a rejected intent submitted again starts a new attempt; a released one stays a duplicate', async () => {
    await viaApi({ ...sample(), id: 'rejected-1' });
    await concluded('rejected-1', 'rejected-policy');
    await viaApi({ ...sample(), id: 'released-1' });
    await concluded('released-1', 'released');

    const rejected = await viaApi({ ...sample(), id: 'rejected-1' });
    const released = await viaApi({ ...sample(), id: 'released-1' });

    expect(rejected).toMatchObject({ status: 202, body: { intentId: 'rejected-1:attempt-2' } });
    expect(released).toMatchObject({ status: 200, body: { duplicate: true, intentId: 'released-1' } });
  });

  test("a reviewer's rejection is not got round by submitting the intent again: it is a duplicate of the rejected one", async () => {
    // A new attempt would go to review again, perhaps before another reviewer of record: `itv retry` refuses a
    // rejected review for that reason, and a submission must not do what a retry may not.
    await viaApi({ ...sample(), id: 'reviewed-1' });
    await concluded('reviewed-1', 'rejected-review');

    const again = await viaApi({ ...sample(), id: 'reviewed-1' });

    expect(again).toMatchObject({ status: 200, body: { duplicate: true, intentId: 'reviewed-1' } });
    expect(executions.started.map((run) => run.input.attempt?.number ?? 1)).toEqual([1]);
  });

  test('a bus event redelivered after its execution failed is the same submission, not a new attempt', async () => {
    const intent = { ...sample(), id: 'flag-rollout-9' };
    await viaBus('e-9', intent);
    await failed('flag-rollout-9');

    const redelivered = await viaBus('e-9', intent);
    const resent = await viaBus('e-10', intent);

    expect(redelivered).toMatchObject({ duplicate: true, intentId: 'flag-rollout-9' });
    expect(resent).toMatchObject({ intentId: 'flag-rollout-9:attempt-2' });
    expect(executions.started).toHaveLength(2);
  });
});
