import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localApi } from '../../cli/control-plane/api.js';
import { schedulerFor } from '../../cli/runtime/clock-mode.js';
import type { Scheduler } from '../../cli/runtime/event-scheduler.js';
import { LocalExecutions } from '../../cli/runtime/local-executions.js';
import { LocalPipeline } from '../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../cli/session.js';
import type { Authenticate } from '../../lambdas/api/caller.js';
import { type LocalStack, openLocalStack } from '../../lambdas/wiring/local/local-stack.js';

export interface LocalApiServer {
  /** `http://127.0.0.1:PORT`, the API's base. */
  base: string;
  stack: LocalStack;
  executions: LocalExecutions;
  close(): Promise<void>;
}

/**
 * The API routes over local HTTP on a port of their own, on an in-memory stack in `home` (or the home's own
 * tables and evidence files, `onDisk`), as the control plane and `itv serve` answer them; `authenticate` stands
 * where API Gateway's IAM auth would.
 */
export async function startLocalApi(
  home: string,
  authenticate: Authenticate,
  clockStart: Date,
  /** How its executions wait; by default as ITV_CLOCK chooses, on the stack's clock. */
  scheduler?: (stack: LocalStack) => Scheduler,
  { onDisk = false }: { onDisk?: boolean } = {},
): Promise<LocalApiServer> {
  const stack = await openLocalStack({ home, inMemory: !onDisk, clockStart });
  const pipeline = new LocalPipeline(pipelineDefinition(), stack.deps, {
    scheduler: scheduler ? scheduler(stack) : schedulerFor(stack.clock),
  });
  const executions = new LocalExecutions(pipeline, stack.deps.ledger, stack.deps.ledgerName);
  const handle = localApi(stack, executions, { authenticate });
  const server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stack,
    executions,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await executions.idle();
      await stack.close();
    },
  };
}
