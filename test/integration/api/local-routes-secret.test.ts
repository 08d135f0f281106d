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

  test.each([
    ['a line of its own', 'itv serve bearer token%1B%5B2J%0AFORGED'],
    ["a bearer token's", 'itv serve bearer token'],
    ['anything long', `itv ${'x'.repeat(6000)} --as`],
  ])(
    'how the CLI named its principal is a short label, never a bearer token’s: %s is 400, nothing recorded',
    async (_what, namedBy) => {
      // Prepare: a delegation alice may grant, sent as the CLI sends it.
      const grant = (via: string) =>
        fetch(`${base}/delegations`, {
          method: 'POST',
          headers: {
            authorization: `ItvLocal ${secret}`,
            'content-type': 'application/json',
            'x-itv-principal': 'alice',
            'x-itv-named-by': via,
          },
          body: JSON.stringify({
            to: 'victor',
            services: ['customer-onboarding'],
            role: 'engineering-manager',
            expiresAt: '2026-11-20T00:00:00Z',
            reason: 'cover',
          }),
        });

      // Act
      const refused = await grant(namedBy);
      const listed = await fetch(`${base}/delegations`, { headers: { authorization: `ItvLocal ${secret}` } });

      // Assess
      expect(refused.status).toBe(400);
      expect(JSON.stringify(await refused.json())).toMatch(/x-itv-named-by/);
      expect(JSON.stringify(await listed.json())).not.toMatch(/victor/);
    },
  );

  test('the ways the CLI names its principal are recorded as it said them', async () => {
    const as = (principal: string, via: string) =>
      fetch(`${base}/delegations`, {
        headers: { authorization: `ItvLocal ${secret}`, 'x-itv-principal': principal, 'x-itv-named-by': via },
      });
    expect((await as('alice', 'itv delegate revoke --as')).status).toBe(200);
    expect((await as('alice', 'ITV_PRINCIPAL')).status).toBe(200);
    expect((await as('alice', 'itv console --as')).status).toBe(200);
  });

  /** A delegation alice may grant, its reason `reason`, as JSON text. */
  const grantWith = (reason: string) =>
    JSON.stringify({
      to: 'victor',
      services: ['customer-onboarding'],
      role: 'engineering-manager',
      expiresAt: '2026-11-21T00:00:00Z',
      reason,
    });

  test.each([
    ['the secret alone', () => grantWith(secret)],
    ['the secret inside a sentence', () => grantWith(`use ${secret} for the control plane`)],
    // `\u0061` is `a`: the same text once parsed, not the same bytes.
    [
      'the secret written with a JSON escape',
      () => grantWith(secret).replace(secret, `\\u0061${secret.slice(1)}`),
    ],
  ])(
    "a body holding the control plane's own secret (%s) is 400 naming its field, nothing recorded",
    async (_what, body) => {
      // Act: sent with a valid credential.
      const refused = await fetch(`${base}/delegations`, {
        method: 'POST',
        headers: {
          authorization: `ItvLocal ${secret}`,
          'content-type': 'application/json',
          'x-itv-principal': 'alice',
        },
        body: body(),
      });
      const listed = await fetch(`${base}/delegations`, { headers: { authorization: `ItvLocal ${secret}` } });

      // Assess
      expect(refused.status).toBe(400);
      const answer = JSON.stringify(await refused.json());
      expect(answer).toContain('"path":"reason"');
      expect(answer).toContain("holds this control plane's own secret");
      expect(answer).not.toContain(secret);
      expect(JSON.stringify(await listed.json())).not.toContain('2026-11-21');
    },
  );
});
