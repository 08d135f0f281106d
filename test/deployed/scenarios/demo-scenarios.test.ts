import { loadCatalog } from '../../../catalog/index.js';
import { demoScenarios } from '../../../cli/commands/demo.js';
import type { Session } from '../../../cli/session.js';
import type { IntentStatus } from '../../../lambdas/core/pipeline/status.js';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  type Intent,
  personCalling,
  reviewerCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';

/**
 * Every scenario of `itv demo`, through the stack as synthesized: API Gateway → submit-intent → Step
 * Functions → the stage functions' bundles, with IAM enforced on every AWS call. Each must end as it does on
 * the local runtime (`demoScenarios[].expected`, which test/e2e/demo-scenarios.test.ts holds the local
 * runtime to).
 */
describe('the demo scenarios on the deployed stack', () => {
  let stack: DeployedStack;
  const outcomes = new Map<string, IntentStatus | undefined>();
  const idsByLabel = new Map<string, string>();

  beforeAll(async () => {
    stack = await deployStack({
      ...suiteEnvironment(),
      start: unblockedStart(demoScenarios.map((s) => s.file)),
    });
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  /** Submits a scenario's intent as its requester and runs it to its end, approving a review when one is asked. */
  async function run(
    scenario: (typeof demoScenarios)[number],
    whenAdmitted?: () => Promise<void>,
  ): Promise<void> {
    const sample = example(scenario.file);
    const session = {
      stack: { clock: stack.clock, deps: { state: stack.state, catalog: loadCatalog() } },
    } as unknown as Session;
    const prepared = scenario.prepare ? await scenario.prepare(sample, session, () => {}) : sample;
    const intent = declaredAt(prepared, stack.clock.now());
    const fault = (
      intent.simulation as { fault?: { metric: 'errorRate'; value: number; atPercent: number } } | undefined
    )?.fault;
    if (fault) stack.telemetry.inject({ service: (intent.change as { service: string }).service, ...fault });
    const requester = (intent.authority as { requester: string }).requester;
    const submitted = await stack.submit(intent, personCalling(requester));
    expect([submitted.statusCode, submitted.body.error]).toEqual([202, undefined]);
    idsByLabel.set(scenario.label, submitted.intentId);
    if (whenAdmitted) {
      await stack.until(async () =>
        (await stack.entryTypes(submitted.intentId)).includes('admission.admitted'),
      );
      await whenAdmitted();
    }
    const reviewed = stack.parkedForReview(submitted.intentId).then(async (parked) => {
      if (!parked) return;
      const response = await stack.clock.busy(() =>
        stack.api.request('POST', `/intents/${encodeURIComponent(submitted.intentId)}/review`, {
          body: { decision: 'approve', reason: 'risk reviewed' },
          caller: reviewerCalling(intent as Intent),
        }),
      );
      expect([response.statusCode, response.json()]).toEqual([
        200,
        expect.objectContaining({ intentId: submitted.intentId }),
      ]);
    });
    const execution = await stack.finished(submitted.intentId);
    await reviewed;
    if (execution.status !== 'SUCCEEDED') {
      console.log(stack.lambda.logs.slice(-40).join('\n'));
    }
    expect([scenario.label, execution.status, execution.error]).toEqual([
      scenario.label,
      'SUCCEEDED',
      undefined,
    ]);
    outcomes.set(scenario.label, await stack.status(submitted.intentId));
  }

  test('each scenario ends as it does on the local runtime', async () => {
    for (const [index, scenario] of demoScenarios.entries()) {
      if (scenario.alongsidePrevious) continue;
      const beside = demoScenarios[index + 1];
      if (beside?.alongsidePrevious) {
        let second: Promise<void> = Promise.resolve();
        await run(scenario, async () => {
          second = run(beside);
        });
        await second;
      } else {
        await run(scenario);
      }
    }
    expect(demoScenarios.map((s) => [s.label, outcomes.get(s.label)?.status])).toEqual(
      demoScenarios.map((s) => [s.label, s.expected]),
    );
  });

  test('the SLO regression is rolled back by its error-rate alarm, the policy breach by StopRelease', async () => {
    const regression = await stack.ledger.forIntent(stack.ledgerName, idsByLabel.get('SLO regression')!);
    expect(regression.find((e) => e.entry.type === 'release.rollback-started')?.entry.payload).toEqual(
      expect.objectContaining({ alarm: 'itv-customer-onboarding-error-rate' }),
    );
    const breach = await stack.entryTypes(idsByLabel.get('policy breach')!);
    expect(breach).toEqual(expect.arrayContaining(['release.stopped']));
  });

  test('compounding: the fifth clean change releases faster than the first', async () => {
    const started = async (label: string) =>
      (await stack.ledger.forIntent(stack.ledgerName, idsByLabel.get(label)!)).find(
        (e) => e.entry.type === 'release.started',
      )?.entry.payload as { strategy: string; confidence: number };
    const first = outcomes.get('compounding 1/5')!;
    const fifth = outcomes.get('compounding 5/5')!;
    expect(fifth.timeToValueSeconds!).toBeLessThan(first.timeToValueSeconds!);
    expect((await started('compounding 5/5')).confidence).toBeGreaterThan(
      (await started('compounding 1/5')).confidence,
    );
  });

  test('the queued intent waited for the first and released after it', async () => {
    const first = await stack.ledger.forIntent(stack.ledgerName, idsByLabel.get('queue: checkout for all')!);
    const second = await stack.ledger.forIntent(stack.ledgerName, idsByLabel.get('queue: waits its turn')!);
    expect(second.map((e) => e.entry.type)).toContain('admission.queued');
    const firstDone = first.find((e) => e.entry.type === 'release.deployment-completed')!.entry.seq;
    const secondStarted = second.find((e) => e.entry.type === 'release.started')!.entry.seq;
    expect(secondStarted).toBeGreaterThan(firstDone);
  });

  test('GET /intents/{id} answers each intent status through API Gateway', async () => {
    for (const [label, intentId] of idsByLabel) {
      const response = await stack.clock.busy(() =>
        stack.api.request('GET', `/intents/${encodeURIComponent(intentId)}`, {
          caller: personCalling('alice'),
        }),
      );
      expect([label, response.statusCode, (response.json() as { status?: string }).status]).toEqual([
        label,
        200,
        outcomes.get(label)?.status,
      ]);
    }
    const unknown = await stack.clock.busy(() =>
      stack.api.request('GET', '/intents/int-00000000000000000000', {
        caller: personCalling('alice'),
      }),
    );
    expect(unknown.statusCode).toBe(404);
  });

  test('every AWS call of every function was allowed by its role', () => {
    expect(stack.services.deniedCalls()).toEqual([]);
    expect(stack.services.checkedCalls()).toBeGreaterThan(100);
  });
});
