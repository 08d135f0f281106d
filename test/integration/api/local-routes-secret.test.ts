import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localApi } from '../../../cli/control-plane/api.js';
import { controlPlaneAdmits, controlPlaneCaller } from '../../../cli/control-plane/local-auth.js';
import { ProgressLog } from '../../../cli/control-plane/progress-log.js';
import { schedulerFor } from '../../../cli/runtime/clock-mode.js';
import { LocalExecutions } from '../../../cli/runtime/local-executions.js';
import { LocalPipeline } from '../../../cli/runtime/local-pipeline.js';
import { pipelineDefinition } from '../../../cli/session.js';
import { openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';
import { setupMs } from '../../support/time-budget.js';

/** The control plane answers `ItvLocal` only with the home's secret: the whole secret, no more, no less. */
describe('the control plane’s /local/ routes', () => {
  const secret = 'a3f1c2d4e5b6a7980112233445566778';
  let home: string;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-local-secret-'));
    const stack = await openLocalStack({
      home,
      inMemory: true,
      clockStart: new Date('2026-11-04T15:00:00Z'),
    });
    const pipeline = new LocalPipeline(pipelineDefinition(), stack.deps, {
      scheduler: schedulerFor(stack.clock),
    });
    const executions = new LocalExecutions(pipeline, stack.deps.ledger, stack.deps.ledgerName);
    const handle = localApi(stack, executions, {
      authenticate: controlPlaneCaller(home, secret),
      admit: controlPlaneAdmits(home, secret),
      local: { progress: new ProgressLog(), instance: 'test', stop: () => {}, secret, clockMode: 'wall' },
    });
    server = createServer((request, response) => void handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, setupMs);
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(home, { recursive: true, force: true });
  });

  const health = async (authorization?: string) =>
    (await fetch(`${base}/local/health`, authorization ? { headers: { authorization } } : {})).status;

  test('the secret is 200; another, a prefix of it, it and more, or none is 401', async () => {
    expect(await health(`ItvLocal ${secret}`)).toBe(200);
    expect(await health(`ItvLocal b${secret.slice(1)}`)).toBe(401);
    expect(await health(`ItvLocal ${secret.slice(0, 8)}`)).toBe(401);
    expect(await health(`ItvLocal ${secret}00`)).toBe(401);
    expect(await health('ItvLocal')).toBe(401);
    expect(await health()).toBe(401);
  });

  test('on the API routes too: the secret reads the ledger, anything else is 401', async () => {
    const list = async (authorization: string) =>
      (await fetch(`${base}/intents`, { headers: { authorization } })).status;
    expect(await list(`ItvLocal ${secret}`)).toBe(200);
    expect(await list(`ItvLocal ${secret.slice(0, 8)}`)).toBe(401);
    expect(await list(`ItvLocal ${secret}00`)).toBe(401);
  });
});
