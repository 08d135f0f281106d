import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../catalog/index.js';
import { demoStartInstant } from '../../../cli/demo-clock.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { intentSchema } from '../../../lambdas/core/intent.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';

const pricing = JSON.parse(
  readFileSync(new URL('../../../examples/06-deal-desk-pricing.json', import.meta.url), 'utf8'),
);
// Its check's result is left for CI to report: its fail-fast gate parks it in AwaitChecks, holding its lane.
const { testResults: _attached, ...withoutResults } = pricing;
const check = 'quote-regression-suite';

/**
 * On the local runtime, an emergency that arrives while the lane's holder waits for CI's check results (it has no
 * deployment to stop yet) waits only until that deployment starts, then preempts it, as on Step Functions, where the
 * holder's StartRelease sends its park token back.
 */
describe('an emergency behind a holder waiting for its checks, locally', () => {
  let home: string;
  let api: LocalApiServer;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-emergency-checks-'));
    tokens.dana = issueToken(home, 'dana');
    const start = demoStartInstant(
      new Date('2026-11-03T14:00:00Z'),
      [intentSchema.parse(pricing)],
      loadCatalog(),
    );
    api = await startLocalApi(home, bearerCaller(home), start);
  });
  afterAll(async () => {
    await api.close();
    rmSync(home, { recursive: true, force: true });
  });

  const call = async (path: string, body: unknown, method = 'POST') => {
    const response = await fetch(`${api.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens.dana}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const entries = (id: string) => api.stack.deps.ledger.forIntent('main', id);
  const types = async (id: string) => (await entries(id)).map((stored) => stored.entry.type);
  const until = async (condition: () => Promise<boolean>) => {
    for (let i = 0; i < 600 && !(await condition()); i++) await new Promise((r) => setTimeout(r, 50));
  };

  test('is admitted once the holder has started its deployment, and preempts it', async () => {
    // Prepare: the routine change parks for its check results, holding the lane; the fix queues behind it.
    const routine = { ...withoutResults, id: 'pricing-routine' };
    expect((await call('/intents', routine)).status).toBe(202);
    await until(async () => (await types('pricing-routine')).includes('verification.awaiting-checks'));
    const fix = {
      ...pricing,
      id: 'pricing-fix',
      title: 'Put the EMEA discount cap back to 20% now',
      authority: { ...pricing.authority, emergencyOverride: true },
    };
    expect((await call('/intents', fix)).status).toBe(202);
    await until(async () => (await types('pricing-fix')).includes('admission.queued'));
    const queued = (await entries('pricing-fix')).find((s) => s.entry.type === 'admission.queued');

    // Act: the routine's check is reported; it is verified and starts its deployment.
    expect((await call(`/intents/pricing-routine/checks/${check}`, { status: 'passed' }, 'PUT')).status).toBe(
      201,
    );
    await until(async () => (await types('pricing-fix')).includes('admission.admitted'));

    // Assess: the fix waited for the routine's deployment to start, not for it to end: it preempted it.
    expect(queued?.entry.payload).toMatchObject({
      nonInterference: { preemption: { action: 'waits', intentId: 'pricing-routine' } },
    });
    const admitted = (await entries('pricing-fix')).find((s) => s.entry.type === 'admission.admitted');
    expect(admitted?.entry.payload).toMatchObject({
      nonInterference: { preemption: { action: 'preempted', intentId: 'pricing-routine' } },
    });
    await until(async () => (await types('pricing-routine')).includes('release.preempted'));
    expect(await types('pricing-routine')).toContain('release.preempted');
  });
});
