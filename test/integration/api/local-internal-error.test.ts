import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { localApi } from '../../../cli/control-plane/api.js';
import { controlPlaneAdmits, controlPlaneCaller } from '../../../cli/control-plane/local-auth.js';
import { ProgressLog } from '../../../cli/control-plane/progress-log.js';
import { schedulerFor } from '../../../cli/runtime/clock-mode.js';
import { LocalExecutions } from '../../../cli/runtime/local-executions.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { type LocalStack, openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';
import { setupMs } from '../../support/time-budget.js';

/**
 * A request the control plane fails (a full disk under the ledger, say) answers 500 naming the control plane's
 * log, where the error is written, not "the function logs", which only a deployed stack has.
 */
describe('an internal error on the control plane', () => {
  const secret = 'b3f1c2d4e5b6a7980112233445566778';
  let home: string;
  let stack: LocalStack;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-internal-error-'));
    stack = await openLocalStack({ home, inMemory: true, clockStart: new Date('2026-11-04T15:00:00Z') });
    const ledger = stack.deps.ledger;
    const full = {
      ...ledger,
      read: ledger.read.bind(ledger),
      head: ledger.head.bind(ledger),
      append: ledger.append.bind(ledger),
      forIntent: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, read'), { code: 'ENOSPC' });
      },
    } as typeof ledger;
    const deps = { ...stack.deps, ledger: full };
    const pipeline = new LocalPipeline(pipelineDefinition(), deps, { scheduler: schedulerFor(stack.clock) });
    const executions = new LocalExecutions(pipeline, deps.ledger, deps.ledgerName);
    const handle = localApi({ deps }, executions, {
      authenticate: controlPlaneCaller(home, secret),
      admit: controlPlaneAdmits(home, secret),
      logFile: join(home, 'control-plane.log'),
      local: { progress: new ProgressLog(), instance: 'test', stop: () => {}, secret, clockMode: 'wall' },
    });
    server = createServer((request, response) => void handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, setupMs);
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stack.close();
    rmSync(home, { recursive: true, force: true });
  });

  test('names the control plane log, not the function logs', async () => {
    // Prepare: silence the error the route writes to the log (stderr here).
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});

    // Act
    const answer = await fetch(`${base}/intents/int-0123456789abcdef0123`, {
      headers: { authorization: `ItvLocal ${secret}` },
    });

    // Assess
    error.mockRestore();
    const body = (await answer.json()) as { error: string; message: string; detail: string };
    expect(answer.status).toBe(500);
    expect(body.error).toBe('InternalError');
    expect(body.message).toBe(
      `the request failed; see the control plane's log, ${join(home, 'control-plane.log')}`,
    );
    expect(body.detail).toBe(body.message);
    expect(body.message).not.toContain('function logs');
  });
});
