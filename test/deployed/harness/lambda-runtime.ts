import { type ChildProcess, fork } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployedAccount, deployedRegion, type StackTemplate } from './template.js';
import type { VirtualClock } from './virtual-clock.js';

/**
 * Lambda, emulated from the template: each `AWS::Lambda::Function` runs its bundled asset from cdk.out in its
 * own Node.js process with exactly the environment its template entry sets, plus what the Lambda runtime itself
 * sets (region, function name, the role's temporary credentials) and one addition: `AWS_ENDPOINT_URL`, which
 * sends every SDK call to the suite's IAM-enforcing gateway. Execution environments are reused between
 * invocations and more are started when all are busy, as Lambda scales out.
 */

export interface DeployedFunction {
  logicalId: string;
  name: string;
  arn: string;
  roleArn: string;
  /** Access key id of the role's credentials: the gateway knows the caller by it. */
  accessKeyId: string;
  bundle: string;
  handler: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySize: number;
}

/** A function error, named as Lambda reports it (`errorType`), so Step Functions Retry/Catch match on it. */
export class LambdaFunctionError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly trace: string[] = [],
  ) {
    super(message);
    this.name = errorType;
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

class ExecutionEnvironment {
  busy = false;
  private readonly pending = new Map<string, Pending>();
  private readonly ready: Promise<void>;
  private exited = false;

  constructor(
    private readonly fn: DeployedFunction,
    private readonly baseEnvironment: Record<string, string>,
    private readonly log: (line: string) => void,
  ) {
    const child = fork(containerScript, [fn.bundle, fn.handler], {
      env: this.baseEnvironment,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.trim()) this.log(`${fn.name}: ${line}`);
      });
    }
    this.ready = new Promise((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) =>
        reject(new Error(`${fn.name}: runtime exited before it was ready (${code})`)),
      );
    });
    child.on(
      'message',
      (message: { type: string; id: string; ok: boolean; value?: unknown; error?: never }) => {
        if (message.type !== 'result') return;
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        clearTimeout(pending.timer);
        if (message.ok) pending.resolve(message.value);
        else {
          const error = message.error as unknown as {
            errorType: string;
            errorMessage: string;
            trace: string[];
          };
          pending.reject(new LambdaFunctionError(error.errorType, error.errorMessage, error.trace));
        }
      },
    );
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const [id, pending] of this.pending) {
        clearTimeout(pending.timer);
        pending.reject(new LambdaFunctionError('Runtime.ExitError', `${fn.name} exited (${code ?? signal})`));
        this.pending.delete(id);
      }
    });
  }

  private readonly child: ChildProcess;

  get usable(): boolean {
    return !this.exited;
  }

  async invoke(event: unknown, offsetMs: number): Promise<unknown> {
    await this.ready;
    const id = randomUUID();
    const deadlineMs = Date.now() + this.fn.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // Lambda ends the environment of a timed-out invocation.
        this.child.kill('SIGKILL');
        reject(
          new LambdaFunctionError(
            'Sandbox.Timedout',
            `Task timed out after ${this.fn.timeoutSeconds} seconds`,
          ),
        );
      }, this.fn.timeoutSeconds * 1000);
      this.pending.set(id, { resolve, reject, timer });
      this.child.send({
        type: 'invoke',
        id,
        event,
        offsetMs,
        deadlineMs,
        requestId: id,
        functionArn: this.fn.arn,
      });
    });
  }

  stop(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

const containerScript = fileURLToPath(new URL('./lambda-container.mjs', import.meta.url));

export class LambdaService {
  readonly functions = new Map<string, DeployedFunction>();
  private readonly environments = new Map<string, ExecutionEnvironment[]>();
  readonly logs: string[] = [];
  private stopped = false;
  /** Every invocation, in order: which function, and whether it returned or which error it raised. */
  readonly invocations: Array<{ function: string; outcome: string }> = [];

  constructor(
    private readonly clock: VirtualClock,
    private readonly gatewayUrl: string,
  ) {}

  /** Registers every function of the template; their roles and assets must already be resolvable. */
  register(template: StackTemplate): void {
    for (const [logicalId, resource] of template.ofType('AWS::Lambda::Function')) {
      const properties = resource.Properties ?? {};
      const name = template.physicalOf(logicalId).ref;
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string')
        throw new Error(`${logicalId}: no bundled asset in the template metadata`);
      const [file, handler] = String(properties.Handler ?? 'index.handler').split('.') as [string, string];
      const variables = template.resolve(
        (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
      ) as Record<string, string>;
      this.functions.set(name, {
        logicalId,
        name,
        arn: template.physicalOf(logicalId).attributes.Arn!,
        roleArn: template.resolveString(properties.Role),
        // One key per function: a key cut from the logical id's head would be shared by two functions whose ids
        // start alike (AwaitReview, AwaitReleaseDecision), and the gateway would judge one by the other's role.
        accessKeyId: accessKeyOf(logicalId),
        bundle: path.join(template.assemblyDir, assetPath, `${file}.mjs`),
        handler,
        environment: variables,
        timeoutSeconds: Number(properties.Timeout ?? 3),
        memorySize: Number(properties.MemorySize ?? 128),
      });
    }
  }

  /** The function an ARN, partial ARN or name designates. */
  find(nameOrArn: string): DeployedFunction {
    const name = nameOrArn.startsWith('arn:') ? nameOrArn.split(':')[6] : nameOrArn;
    const fn = name ? this.functions.get(name) : undefined;
    if (!fn)
      throw new LambdaFunctionError('Lambda.ResourceNotFoundException', `Function not found: ${nameOrArn}`);
    return fn;
  }

  /** Invokes synchronously (RequestResponse); a function error is raised as `LambdaFunctionError`. */
  async invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    if (this.stopped)
      throw new LambdaFunctionError('Lambda.ServiceException', 'the emulated deployment was stopped');
    const fn = this.find(nameOrArn);
    const pool = this.environments.get(fn.name) ?? [];
    this.environments.set(fn.name, pool);
    let environment = pool.find((candidate) => !candidate.busy && candidate.usable);
    if (!environment) {
      environment = new ExecutionEnvironment(fn, this.processEnvironment(fn), (line) => this.logs.push(line));
      pool.push(environment);
    }
    environment.busy = true;
    try {
      const value = await environment.invoke(event, this.clock.offset);
      this.invocations.push({ function: fn.name, outcome: 'returned' });
      return value;
    } catch (error) {
      this.invocations.push({ function: fn.name, outcome: (error as Error).name });
      throw error;
    } finally {
      environment.busy = false;
    }
  }

  stop(): void {
    this.stopped = true;
    for (const pool of this.environments.values()) for (const environment of pool) environment.stop();
    this.environments.clear();
  }

  private processEnvironment(fn: DeployedFunction): Record<string, string> {
    return {
      ...fn.environment,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      AWS_REGION: deployedRegion,
      AWS_DEFAULT_REGION: deployedRegion,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      LAMBDA_TASK_ROOT: path.dirname(fn.bundle),
      AWS_ACCESS_KEY_ID: fn.accessKeyId,
      AWS_SECRET_ACCESS_KEY: `secret-of-${fn.name}`,
      AWS_SESSION_TOKEN: `session-of-${fn.name}-in-${deployedAccount}`,
      // The one variable Lambda does not set: every SDK client calls the suite's IAM-enforcing gateway.
      AWS_ENDPOINT_URL: this.gatewayUrl,
    };
  }
}

/** A session access key for a function's role, as Lambda hands one to its runtime: `ASIA` and 16 characters. */
export function accessKeyOf(logicalId: string): string {
  return `ASIA${createHash('sha256').update(logicalId).digest('hex').slice(0, 16).toUpperCase()}`;
}
