import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import '../../../cli/runtime/polyfills.js';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { readReferencePath } from '../../../statemachines/reference-path.js';
import { withHostTimedTasks } from '../../../statemachines/runner-timeouts.js';
import { validateOnce } from '../../../statemachines/validated-definition.js';
import { waitMilliseconds, waitThatRan } from '../../../statemachines/wait-that-ran.js';
import { LambdaFunctionError, type LambdaService } from './lambda-runtime.js';
import { deployedAccount, deployedRegion } from './template.js';
import type { VirtualClock } from './virtual-clock.js';

/**
 * Step Functions, emulated: the state machine definition synthesized into the template, run by
 * aws-local-stepfunctions, every Task invoking the emulated Lambda function its resolved ARN names (never a
 * handler chosen by state name). Served over the awsJson1_0 protocol for the SDK clients of the API functions:
 * StartExecution (names 1–80 characters, reserved; same name and input while running → the same execution,
 * otherwise ExecutionAlreadyExists), DescribeExecution, SendTaskSuccess and SendTaskFailure for the
 * `.waitForTaskToken` integration, which the runner itself does not support.
 * Wait states and Retry intervals (IntervalSeconds × BackoffRate^(attempt − 1), capped by MaxDelaySeconds) take
 * virtual time from the deployment's clock, and so does a callback Task's timeout, TimeoutSeconds or
 * TimeoutSecondsPath (read from the state input; the runner hands a Task only its Parameters, so the path must
 * select a field those pass on — `$.admission.retryAfterSeconds` through `"admission.$": "$.admission"`).
 */

type AslState = {
  Type: string;
  Next?: string;
  Resource?: string;
  Seconds?: number;
  SecondsPath?: string;
  TimestampPath?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Parameters?: unknown;
  Retry?: Retrier[];
};

type Retrier = {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
};

export interface Execution {
  executionArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** States entered, in order, for assertions and diagnostics. */
  states: string[];
  /** Stops the execution (StopExecution): it ends ABORTED at its next transition. */
  abort: () => void;
  done: Promise<void>;
}

/** Authorizes one action of the state machine's role (Lambda invocations); throws when IAM would deny. */
export type RoleAuthorizer = (action: string, resource: string) => Promise<void>;

const waitForTaskToken = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const lambdaInvoke = 'arn:aws:states:::lambda:invoke';
// Step Functions refuses whitespace, brackets, wildcards, these punctuation marks and control characters.
const forbiddenInNames = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
const validExecutionName = (name: string) =>
  name.length >= 1 &&
  name.length <= 80 &&
  !forbiddenInNames.test(name) &&
  [...name].every((c) => {
    const code = c.charCodeAt(0);
    return code > 0x1f && (code < 0x7f || code > 0x9f);
  });

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class StepFunctionsEmulator {
  readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<
    string,
    { resolve: (output: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly states: Record<string, AslState>;
  private server: Server | undefined;
  private readonly parked = new Set<string>();
  private tokenCounter = 0;
  /** How many SendTaskSuccess/SendTaskFailure calls to come are answered 503 ServiceUnavailable (fault injection). */
  unavailableTaskCompletions = 0;
  /** Told of each task token issued, so the gateway can authorize SendTask* against this state machine. */
  onTaskToken: (token: string) => void = () => {};
  /** Tokens whose task failed with States.Timeout: SendTaskSuccess for them is TaskTimedOut. */
  private readonly timedOut = new Set<string>();

  constructor(
    private readonly definition: StateMachineDefinition,
    readonly stateMachineArn: string,
    private readonly lambda: LambdaService,
    private readonly clock: VirtualClock,
    private readonly authorizeRole: RoleAuthorizer,
  ) {
    this.states = definition.States as unknown as Record<string, AslState>;
  }

  async listen(): Promise<string> {
    this.server = createServer((request, response) => void this.serve(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    // Executions still running are stopped; those waiting on a task token end, as they would when stopped.
    for (const execution of this.executions.values()) {
      if (execution.status !== 'RUNNING') continue;
      execution.status = 'ABORTED';
      execution.stopDate = this.clock.now();
      execution.abort();
    }
    for (const [token, waiter] of this.tokens) {
      const stopped = new Error('the emulated deployment was stopped');
      stopped.name = 'States.Timeout';
      waiter.reject(stopped);
      this.tokens.delete(token);
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** StartExecution as Step Functions answers it. */
  startExecution(
    input: string,
    name: string = crypto.randomUUID(),
  ): { executionArn: string; startDate: Date } {
    if (!validExecutionName(name)) {
      throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
    }
    const machineName = this.stateMachineArn.split(':').at(-1);
    const executionArn = `arn:aws:states:${deployedRegion}:${deployedAccount}:execution:${machineName}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new AwsError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const execution: Execution = {
      executionArn,
      name,
      input,
      status: 'RUNNING',
      startDate: this.clock.now(),
      states: [],
      done: Promise.resolve(),
      abort: () => {},
    };
    this.executions.set(executionArn, execution);
    this.clock.enter();
    execution.done = this.run(execution, parsed).finally(() => this.clock.idle());
    return { executionArn, startDate: execution.startDate };
  }

  /** Resolves once the execution has ended. */
  async waitFor(executionArn: string): Promise<Execution> {
    const execution = this.executions.get(executionArn);
    if (!execution) throw new Error(`no execution ${executionArn}`);
    await execution.done;
    return execution;
  }

  /** Task tokens whose task has run its function and now waits for SendTaskSuccess or SendTaskFailure. */
  get waitingTokens(): string[] {
    return [...this.parked];
  }

  private async run(execution: Execution, input: unknown): Promise<void> {
    // The runner would time Tasks out on the wall clock and misread a TimeoutSecondsPath: timeouts are kept here.
    // Validated once, as Step Functions validates a definition when the machine is created.
    const definition = withHostTimedTasks(this.definition);
    validateOnce(definition, { checkArn: true, checkPaths: true });
    const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
    const zero = (predicate: (state: AslState) => boolean) =>
      Object.fromEntries(
        Object.entries(this.states)
          .filter(([, state]) => predicate(state))
          .map(([name]) => [name, 0]),
      );
    const run = machine.run(input as never, {
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(execution) as never,
        waitTimeOverrides: zero((state) => state.Type === 'Wait'),
        retryIntervalOverrides: zero((state) => Array.isArray(state.Retry)),
      },
      context: {
        Execution: {
          Id: execution.executionArn,
          Name: execution.name,
          Input: input,
          StartTime: execution.startDate.toISOString(),
        },
        StateMachine: { Id: this.stateMachineArn, Name: this.stateMachineArn.split(':').at(-1) },
        // Resolves `$$.Task.Token` in the Parameters; the task's handler issues the real, unique token.
        Task: { Token: `${execution.executionArn}#task` },
      } as never,
    });
    execution.abort = run.abort;
    try {
      const output = await run.result;
      if (output === null && execution.status === 'ABORTED') return;
      execution.output = JSON.stringify(output);
      execution.status = 'SUCCEEDED';
    } catch (error) {
      const failed = error as {
        name?: string;
        message?: string;
        cause?: { name?: string; message?: string };
      };
      execution.status = 'FAILED';
      execution.error = failed.cause?.name ?? failed.name;
      execution.cause = failed.cause?.message ?? failed.message;
    }
    execution.stopDate = this.clock.now();
  }

  private taskHandlers(execution: Execution): Record<string, (input: unknown) => Promise<unknown>> {
    const waitsBefore: Record<string, AslState[]> = {};
    for (const state of Object.values(this.states)) {
      if (state.Type === 'Wait' && state.Next)
        waitsBefore[state.Next] = [...(waitsBefore[state.Next] ?? []), state];
    }
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    // The runner retries at once (its intervals are overridden to 0); the interval passes in virtual time here.
    const failures: Record<string, { error: string; count: number } | undefined> = {};
    for (const [name, state] of Object.entries(this.states)) {
      if (state.Type !== 'Task') continue;
      handlers[name] = async (input: unknown) => {
        const failed = failures[name];
        if (failed) {
          const retrier = state.Retry?.find(
            (r) => r.ErrorEquals.includes(failed.error) || r.ErrorEquals.includes('States.ALL'),
          );
          if (retrier) {
            const seconds = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** (failed.count - 1);
            await this.clock.sleep(
              Math.min(seconds, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY) * 1000,
            );
          }
        } else {
          const wait = waitThatRan(waitsBefore[name] ?? [], input);
          const ms = wait ? waitMilliseconds(wait, input, this.clock.now()) : 0;
          if (ms > 0) await this.clock.sleep(ms);
        }
        execution.states.push(name);
        try {
          const output = await this.runTask(execution, state, input);
          failures[name] = undefined;
          return output;
        } catch (error) {
          const errorName = (error as Error).name;
          failures[name] = {
            error: errorName,
            count: failed && failed.error === errorName ? failed.count + 1 : 1,
          };
          throw error;
        }
      };
    }
    return handlers;
  }

  private async runTask(execution: Execution, state: AslState, input: unknown): Promise<unknown> {
    const resource = state.Resource ?? '';
    if (resource === waitForTaskToken) {
      const parameters = input as { FunctionName: string; Payload: { taskToken?: string } };
      const token = `${execution.executionArn}#task-${++this.tokenCounter}`;
      const payload = { ...parameters.Payload, taskToken: token };
      this.onTaskToken(token);
      const decided = new Promise<unknown>((resolve, reject) => this.tokens.set(token, { resolve, reject }));
      // TimeoutSeconds counts from the task's start: past it, the task fails with States.Timeout and a later
      // SendTaskSuccess is TaskTimedOut (https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html).
      const timeoutSeconds = state.TimeoutSeconds ?? timeoutFromPath(state, input);
      const cancelTimeout =
        timeoutSeconds === undefined
          ? () => {}
          : this.clock.deadline(new Date(this.clock.now().getTime() + timeoutSeconds * 1000), () => {
              const waiter = this.tokens.get(token);
              if (!waiter) return;
              this.tokens.delete(token);
              this.timedOut.add(token);
              const timeout = new Error('the task did not complete within its TimeoutSeconds');
              timeout.name = 'States.Timeout';
              waiter.reject(timeout);
            });
      await this.invoke(parameters.FunctionName, payload);
      this.parked.add(token);
      this.clock.idle();
      try {
        return await decided;
      } finally {
        cancelTimeout();
        this.tokens.delete(token);
        this.parked.delete(token);
        this.clock.enter();
      }
    }
    if (resource === lambdaInvoke) {
      const parameters = input as { FunctionName: string; Payload: unknown };
      return {
        StatusCode: 200,
        ExecutedVersion: '$LATEST',
        Payload: await this.invoke(parameters.FunctionName, parameters.Payload),
      };
    }
    if (resource.startsWith('arn:aws:lambda:')) return this.invoke(resource, input);
    throw new Error(`Task resource ${resource} is not emulated`);
  }

  private async invoke(functionArn: string, payload: unknown): Promise<unknown> {
    await this.authorizeRole('lambda:InvokeFunction', this.lambda.find(functionArn).arn);
    try {
      return await this.lambda.invoke(functionArn, payload);
    } catch (error) {
      if (error instanceof LambdaFunctionError) {
        // As Step Functions reports a Lambda function error: Error = errorType, Cause = the JSON error object.
        const reported = new Error(
          JSON.stringify({ errorType: error.errorType, errorMessage: error.message, trace: error.trace }),
        );
        reported.name = error.errorType;
        throw reported;
      }
      throw error;
    }
  }

  /** The token's task succeeds with `output` (SendTaskSuccess) or fails with `error` (SendTaskFailure). */
  private completeTask(token: string, outcome: { output?: string; error?: string; cause?: string }): void {
    const waiter = this.tokens.get(token);
    if (!waiter && this.timedOut.has(token)) throw new AwsError('TaskTimedOut', 'Task Timed Out');
    if (!waiter) throw new AwsError('TaskDoesNotExist', 'Task Does Not Exist');
    if (outcome.output !== undefined) {
      let output: unknown;
      try {
        output = JSON.parse(outcome.output);
      } catch {
        throw new AwsError('InvalidOutput', 'Invalid Output: not JSON');
      }
      waiter.resolve(output);
    } else {
      const failure = new Error(outcome.cause ?? '');
      failure.name = outcome.error ?? '';
      waiter.reject(failure);
    }
    this.tokens.delete(token);
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const operation = String(request.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>;
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(payload));
    };
    const seconds = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);
    try {
      switch (operation) {
        case 'StartExecution': {
          if (body.stateMachineArn !== this.stateMachineArn) {
            throw new AwsError(
              'StateMachineDoesNotExist',
              `State Machine Does Not Exist: '${body.stateMachineArn}'`,
            );
          }
          const started = this.startExecution(body.input ?? '{}', body.name);
          return send(200, { executionArn: started.executionArn, startDate: seconds(started.startDate) });
        }
        case 'DescribeExecution': {
          const execution = this.executions.get(body.executionArn ?? '');
          if (!execution)
            throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${body.executionArn}'`);
          return send(200, {
            executionArn: execution.executionArn,
            stateMachineArn: this.stateMachineArn,
            name: execution.name,
            status: execution.status,
            startDate: seconds(execution.startDate),
            stopDate: seconds(execution.stopDate),
            input: execution.input,
            output: execution.output,
            error: execution.error,
            cause: execution.cause,
          });
        }
        case 'SendTaskSuccess':
        case 'SendTaskFailure':
          if (this.unavailableTaskCompletions > 0) {
            this.unavailableTaskCompletions--;
            response.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' });
            response.end(JSON.stringify({ __type: 'ServiceUnavailable', message: 'Service Unavailable' }));
            return;
          }
          if (operation === 'SendTaskFailure') {
            this.completeTask(body.taskToken ?? '', { error: body.error, cause: body.cause });
            return send(200, {});
          }
          this.completeTask(body.taskToken ?? '', { output: body.output ?? '' });
          return send(200, {});
        default:
          throw new AwsError('UnknownOperationException', `${operation} is not emulated`);
      }
    } catch (error) {
      if (error instanceof AwsError) return send(400, { __type: error.type, message: error.message });
      return send(500, { __type: 'InternalFailure', message: String(error) });
    }
  }
}

/**
 * A Task's TimeoutSecondsPath, read from the state input as Step Functions reads it ("a path in the state input";
 * the value must be a positive integer, else the state fails with States.Runtime). The runner hands the emulator
 * the Task's effective input, its Parameters, so the path is read through the Parameters field that selects it.
 */
function timeoutFromPath(state: AslState, effectiveInput: unknown): number | undefined {
  const path = state.TimeoutSecondsPath;
  if (path === undefined) return undefined;
  const found = selectingField(state.Parameters, path);
  if (!found) {
    throw new Error(`TimeoutSecondsPath ${path} selects no field the Task's Parameters pass on`);
  }
  const value = readReferencePath(readReferencePath(effectiveInput, `$.${found.at.join('.')}`), found.rest);
  if (!Number.isInteger(value) || (value as number) < 1) {
    const error = new Error(`TimeoutSecondsPath ${path} is ${JSON.stringify(value)}, not a positive integer`);
    error.name = 'States.Runtime';
    throw error;
  }
  return value as number;
}

/** Where in the Parameters a `"field.$"` selects `path` or a field above it, and the rest of `path` below it. */
function selectingField(
  parameters: unknown,
  path: string,
  at: string[] = [],
): { at: string[]; rest: string } | undefined {
  if (typeof parameters !== 'object' || parameters === null) return undefined;
  for (const [key, value] of Object.entries(parameters)) {
    if (key.endsWith('.$') && typeof value === 'string' && (path === value || path.startsWith(`${value}.`))) {
      return { at: [...at, key.slice(0, -2)], rest: `$${path.slice(value.length)}` };
    }
    const inner = selectingField(value, path, [...at, key]);
    if (inner) return inner;
  }
  return undefined;
}
