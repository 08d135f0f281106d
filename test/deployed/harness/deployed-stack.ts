import { loadCatalog } from '../../../catalog/index.js';
import { DynamoLedgerStore } from '../../../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { DynamoStateStore } from '../../../lambdas/adapters/aws/dynamodb-state-store.js';
import { executionName } from '../../../lambdas/api/submission.js';
import { type IntentStatus, intentStatus } from '../../../lambdas/core/pipeline/status.js';
import { baselinesOf } from '../../../lambdas/core/release/slo.js';
import { ApiGatewayEmulator, type CallerIdentity } from './api-gateway.js';
import { AwsServices } from './aws-services.js';
import { eventRules, eventsMayInvoke, route } from './event-rules.js';
import { LambdaService } from './lambda-runtime.js';
import { type AdminClients, adminClients, provision, rolePolicies } from './provision.js';
import { type Execution, StepFunctionsEmulator } from './step-functions.js';
import { ServiceTelemetry } from './telemetry.js';
import { deployedAccount, deployedRegion, StackTemplate } from './template.js';
import { VirtualClock } from './virtual-clock.js';

/**
 * The wall time an execution may take to end, or to park, before its scenario fails naming where it is: the
 * longest takes seconds (the clock is virtual), so this only ever cuts short one that will never end.
 */
const executionBudgetMs = 180_000;

/**
 * The itv stack as deployed, from cdk.out: every resource of the template provisioned on moto_server and the
 * AppConfig endpoint, every Lambda function running its bundled asset with its template environment, every
 * AWS call checked against the caller's IAM policies by the gateway, the synthesized state machine run by the
 * Step Functions emulator, requests through API Gateway as the template routes them, and the services'
 * metrics published to CloudWatch as virtual time passes.
 */
export interface DeployedStack {
  template: StackTemplate;
  clock: VirtualClock;
  lambda: LambdaService;
  stepFunctions: StepFunctionsEmulator;
  api: ApiGatewayEmulator;
  services: AwsServices;
  telemetry: ServiceTelemetry;
  admin: AdminClients;
  /** The ledger and state tables read (and, for operators' actions, written) with the real adapters. */
  ledger: DynamoLedgerStore;
  state: DynamoStateStore;
  ledgerName: string;
  /** `POST /intents` as `caller`; resolves once the execution it started has ended or parked for review. */
  submit(intent: unknown, caller: CallerIdentity): Promise<Submitted>;
  /** The execution of an intent once it has ended. */
  finished(intentId: string): Promise<Execution>;
  status(intentId: string): Promise<IntentStatus | undefined>;
  /** The intent's ledger entry types, in order. */
  entryTypes(intentId: string): Promise<string[]>;
  /** True once the intent's execution waits on a review task token; false if it ends without one. */
  parkedForReview(intentId: string): Promise<boolean>;
  /**
   * Resolves once every event put so far has been handed to its Lambda targets (EventBridge invokes them
   * asynchronously, after PutEvents answers), with the deliveries that failed.
   */
  eventsDelivered(): Promise<string[]>;
  /**
   * Delivers again every event a rule has handed to a Lambda target so far, as EventBridge may (at least once
   * delivery: the same event, the same id); resolves once the functions have run.
   */
  redeliverIntakes(): Promise<void>;
  /** Resolves once `condition` holds (checked every 20 ms of wall time, for at most two minutes). */
  until(condition: () => Promise<boolean>): Promise<void>;
  stop(): Promise<void>;
}

export interface Submitted {
  statusCode: number;
  body: Record<string, unknown>;
  intentId: string;
  executionArn?: string;
}

export async function deployStack(options: {
  cdkOut: string;
  motoEndpoint: string;
  start: Date;
}): Promise<DeployedStack> {
  await fetch(`${options.motoEndpoint}/moto-api/reset`, { method: 'POST' });
  const template = StackTemplate.load(options.cdkOut);
  const clock = new VirtualClock(options.start);
  const services = await AwsServices.start({ motoEndpoint: options.motoEndpoint, clock });
  const admin = adminClients(options.motoEndpoint, services.appConfigUrl);
  await provision(template, admin);

  const lambda = new LambdaService(clock, services.gatewayUrl);
  lambda.register(template);
  const policies = rolePolicies(template);
  for (const [logicalId] of template.ofType('AWS::IAM::Role')) {
    services.registerRole(
      template.physicalOf(logicalId).attributes.Arn!,
      (policies.get(logicalId) ?? []).map((p) => p.policy),
    );
  }
  for (const fn of lambda.functions.values()) services.registerCallerOf(fn.accessKeyId, fn.roleArn, fn.name);
  for (const [logicalId, key] of template.ofType('AWS::KMS::Key')) {
    const physical = template.physicalOf(logicalId);
    services.registerKmsKey({
      keyArn: physical.attributes.Arn!,
      policy: template.resolve(key.Properties?.KeyPolicy),
    });
  }
  for (const [logicalId, policy] of template.ofType('AWS::S3::BucketPolicy')) {
    void logicalId;
    services.setBucketPolicy(
      template.resolveString(policy.Properties?.Bucket),
      template.resolve(policy.Properties?.PolicyDocument),
    );
  }

  const busStatements = new Map<string, unknown[]>();
  const intakes: Promise<unknown>[] = [];
  const intakeFailures: string[] = [];

  const [machineId, machine] = template.ofType('AWS::StepFunctions::StateMachine')[0]!;
  const definition = JSON.parse(template.resolveString(machine.Properties?.DefinitionString));
  const machineRole = template.resolveString(machine.Properties?.RoleArn);
  const stepFunctions = new StepFunctionsEmulator(
    definition,
    template.physicalOf(machineId).ref,
    lambda,
    clock,
    (action, resource) => services.authorizeDirect(machineRole, action, resource),
  );
  stepFunctions.onTaskToken = (token) =>
    services.gateway.registerTaskToken(token, stepFunctions.stateMachineArn);
  services.routeStepFunctions(await stepFunctions.listen());

  for (const [, policy] of template.ofType('AWS::Events::EventBusPolicy')) {
    const p = template.resolve(policy.Properties ?? {}) as { EventBusName?: string; Statement: unknown };
    const busArn = `arn:aws:events:${deployedRegion}:${deployedAccount}:event-bus/${p.EventBusName ?? 'default'}`;
    busStatements.set(busArn, [...(busStatements.get(busArn) ?? []), p.Statement]);
  }
  for (const [busArn, statements] of busStatements) {
    services.setEventBusPolicy(busArn, { Version: '2012-10-17', Statement: statements });
  }

  const rules = eventRules(template);
  const delivered: Array<{ functionArn: string; event: unknown }> = [];
  services.eventRouting.deliver = async (entries) => {
    for (const entry of entries) {
      for (const target of route(rules, entry, clock.now())) {
        if (target.kind === 'states') {
          await services.authorizeDirect(target.roleArn, 'states:StartExecution', target.stateMachineArn);
          stepFunctions.startExecution(target.input);
        } else if (eventsMayInvoke(template, target.functionArn, target.ruleArn)) {
          // An asynchronous invocation: PutEvents has answered before the function runs.
          delivered.push({ functionArn: target.functionArn, event: target.event });
          intakes.push(
            clock
              .busy(() => lambda.invoke(target.functionArn, target.event))
              .catch((error: unknown) => {
                intakeFailures.push(error instanceof Error ? error.message : String(error));
              }),
          );
        } else {
          intakeFailures.push(
            `${target.ruleArn}: no resource policy lets EventBridge invoke ${target.functionArn}`,
          );
        }
      }
    }
  };

  const api = new ApiGatewayEmulator(template, lambda);
  const catalog = loadCatalog();
  const applicationId = template.physicalOf(template.ofType('AWS::AppConfig::Application')[0]![0]).ref;
  const environments = Object.fromEntries(
    template.ofType('AWS::AppConfig::Environment').map(([logicalId, resource]) => {
      const description = String(resource.Properties?.Description ?? '');
      return [description.replace('Release lane of ', ''), template.physicalOf(logicalId).ref];
    }),
  );
  const telemetry = new ServiceTelemetry(
    admin.cloudwatch,
    admin.appconfig,
    { applicationId, environmentOf: (service) => environments[service] ?? '' },
    baselinesOf(catalog),
    options.start,
  );
  await telemetry.publishThrough(clock.now());
  clock.onAdvance(async (_from, to) => telemetry.publishThrough(to));

  const tableOf = (variable: string) => {
    for (const fn of lambda.functions.values())
      if (fn.environment[variable]) return fn.environment[variable]!;
    throw new Error(`no function has ${variable}`);
  };
  const ledgerName = tableOf('ITV_LEDGER_NAME');
  const ledger = new DynamoLedgerStore(admin.dynamodb, tableOf('ITV_LEDGER_TABLE'));
  const state = new DynamoStateStore(admin.dynamodb, tableOf('ITV_STATE_TABLE'));

  const executionOf = (intentId: string) =>
    [...stepFunctions.executions.values()].find((execution) => {
      try {
        return (
          (JSON.parse(execution.output ?? execution.input) as { declared?: { intentId?: string } }).declared
            ?.intentId === intentId || execution.name === executionName(intentId)
        );
      } catch {
        return false;
      }
    });

  const stack: DeployedStack = {
    template,
    clock,
    lambda,
    stepFunctions,
    api,
    services,
    telemetry,
    admin,
    ledger,
    state,
    ledgerName,
    async eventsDelivered() {
      await Promise.all(intakes);
      return [...intakeFailures];
    },
    async redeliverIntakes() {
      for (const { functionArn, event } of [...delivered]) {
        await clock.busy(() => lambda.invoke(functionArn, event));
      }
    },
    async submit(intent, caller) {
      const response = await clock.busy(() => api.request('POST', '/intents', { body: intent, caller }));
      const body = response.json() as Record<string, unknown>;
      const intentId = String(body.intentId ?? '');
      const execution = executionOf(intentId);
      return {
        statusCode: response.statusCode,
        body,
        intentId,
        ...(execution ? { executionArn: execution.executionArn } : {}),
      };
    },
    async finished(intentId) {
      const execution = executionOf(intentId);
      if (!execution) throw new Error(`no execution for intent ${intentId}`);
      // A scenario whose execution never ends (parked for a report or review that was refused) fails here,
      // saying where it waits, not at the suite's ten-minute timeout.
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), executionBudgetMs);
      });
      const ended = await Promise.race([execution.done.then(() => 'done' as const), expired]);
      clearTimeout(timer);
      if (ended === 'expired') {
        const parked = stepFunctions.waitingTokens.some((token) =>
          token.startsWith(`${execution.executionArn}#`),
        );
        throw new Error(
          `${intentId}: still ${execution.status} after ${executionBudgetMs / 1000} s, ${parked ? 'parked for a task token' : 'not parked'} in ${execution.states.at(-1)}; states: ${execution.states.slice(-10).join(' → ')}`,
        );
      }
      const failure = (await ledger.forIntent(ledgerName, intentId)).find(
        (e) => e.entry.type === 'stage.failed',
      );
      if (failure) {
        // What a reader of a failed scenario needs first: which stage failed, why, and what the functions logged.
        console.log(
          [
            `${intentId}: ${execution.status} after ${execution.states.join(' → ')}`,
            `stage.failed ${JSON.stringify(failure.entry.payload).slice(0, 1500)}`,
            ...lambda.logs.slice(-15),
          ].join('\n'),
        );
      }
      return execution;
    },
    async status(intentId) {
      return intentStatus(intentId, await ledger.forIntent(ledgerName, intentId));
    },
    async entryTypes(intentId) {
      return (await ledger.forIntent(ledgerName, intentId)).map((stored) => stored.entry.type);
    },
    async parkedForReview(intentId) {
      const deadline = Date.now() + executionBudgetMs;
      for (;;) {
        if (Date.now() > deadline)
          throw new Error(`${intentId} did not park within ${executionBudgetMs / 1000} s`);
        const execution = executionOf(intentId);
        // Parked for a person: a queued intent's park for its lane (AwaitLane), or for CI's check results
        // (AwaitChecks), is not one.
        if (
          execution &&
          !['AwaitLane', 'AwaitChecks'].includes(execution.states.at(-1) ?? '') &&
          stepFunctions.waitingTokens.some((token) => token.startsWith(`${execution.executionArn}#`))
        )
          return true;
        if (execution && execution.status !== 'RUNNING') return false;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async until(condition) {
      const deadline = Date.now() + 120_000;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error('condition not met within two minutes');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      // An execution still running when the stack stops is a scenario that never ended: say where it was.
      for (const execution of stepFunctions.executions.values()) {
        if (execution.status !== 'RUNNING') continue;
        const states = execution.states;
        console.log(
          `${execution.name} still RUNNING after ${states.length} states; last: ${states.slice(-8).join(' → ')}\n${lambda.logs.slice(-10).join('\n')}`,
        );
      }
      await stepFunctions.close();
      lambda.stop();
      await services.stop();
    },
  };
  return stack;
}
