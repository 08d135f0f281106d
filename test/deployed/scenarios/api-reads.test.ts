import type { ApiGet } from '../../../cli/api/api-get.js';
import { downloadBundle } from '../../../cli/api/bundle-download.js';
import { downloadLedger } from '../../../cli/api/ledger-download.js';
import { auditExport } from '../../../lambdas/core/evidence/export-audit.js';
import { pemToSpki } from '../../../lambdas/core/evidence/pem.js';
import { verifyBundle } from '../../../lambdas/core/evidence/verify-bundle.js';
import type { CallerIdentity } from '../harness/api-gateway.js';
import { type DeployedStack, deployStack } from '../harness/deployed-stack.js';
import {
  declaredAt,
  example,
  personCalling,
  suiteEnvironment,
  unblockedStart,
} from '../harness/scenario-support.js';

/**
 * The ledger, the evidence, the value report and delegations over the deployed API, read by the client code
 * the CLI runs and verified by it: each route's function calls only what its role allows, the export pages
 * through API Gateway byte for byte, and what KMS signed verifies with the public key the API serves.
 */
describe('the ledger, evidence, value and delegations over the deployed API', () => {
  let stack: DeployedStack;
  let intentId: string;
  const auditor = personCalling('xavier', 'ItvReviewers');

  /** A GET through API Gateway as `caller`, in the shape the CLI's reads take. */
  const getAs =
    (caller: CallerIdentity): ApiGet =>
    async (path) => {
      const answer = await stack.clock.busy(() => stack.api.request('GET', path, { caller }));
      const headers = Object.fromEntries(
        Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
      );
      return { status: answer.statusCode, text: answer.body, header: (name) => headers[name.toLowerCase()] };
    };
  const call = async (method: string, path: string, caller: CallerIdentity | undefined, body?: unknown) => {
    const answer = await stack.clock.busy(() => stack.api.request(method, path, { caller, body }));
    return {
      status: answer.statusCode,
      body: answer.json() as Record<string, unknown>,
      headers: answer.headers,
    };
  };

  beforeAll(async () => {
    stack = await deployStack({ ...suiteEnvironment(), start: unblockedStart(['01-low-risk-flag.json']) });
    const submitted = await stack.submit(
      declaredAt(example('01-low-risk-flag.json'), stack.clock.now()),
      personCalling('alice'),
    );
    expect(submitted.statusCode).toBe(202);
    intentId = submitted.intentId;
    await stack.finished(intentId);
    expect((await stack.status(intentId))?.status).toBe('released');
  });
  afterAll(async () => {
    console.log(stack.services.iamSummary());
    await stack?.stop();
  });

  test('after a release, the ledger exported over the API, in pages or whole, verifies with the KMS key against the stored checkpoints', async () => {
    // Act
    const get = getAs(auditor);
    const download = await downloadLedger(get);
    const pages: string[] = [];
    let path: string | undefined = '/ledger?limit=5';
    while (path) {
      const page = await get(path);
      expect(page.status).toBe(200);
      pages.push(page.text);
      path = /<([^>]+)>; rel="next"/.exec(page.header('link') ?? '')?.[1];
    }
    const badLimit = await get('/ledger?limit=0');

    // Assess
    // The key the API serves is the one KMS signs with: the evidence bundle got it from KMS too, in Observe.
    const key = pemToSpki(download.publicKeyPem);
    const bundled = (await downloadBundle(get, intentId)).get('public-key.pem');
    expect(Buffer.from(pemToSpki(Buffer.from(bundled!).toString('utf8')))).toEqual(Buffer.from(key));
    const stored = await stack.ledger.read(stack.ledgerName);
    expect(download.entries).toBe(stored.length);
    expect(pages.join('')).toBe(download.lines.toString('utf8'));
    expect(pages.length).toBe(Math.ceil(stored.length / 5));
    expect(download.checkpoints.length).toBeGreaterThan(0);
    // The execution ended with a head signed after its own checkpoint.signed entry: nothing trails.
    expect(auditExport(download.lines, key, { checkpoints: download.checkpoints })).toMatchObject({
      ok: true,
      size: stored.length,
      anchored: stored.length,
      trailing: 0,
    });
    expect(badLimit.status).toBe(400);
    expect(JSON.parse(badLimit.text)).toMatchObject({ issues: [{ path: 'query.limit' }] });
  });

  test("the intent's evidence bundle pulled over the API verifies with the ledger's key pinned; an unknown intent is 404", async () => {
    const get = getAs(auditor);
    const { publicKeyPem } = await downloadLedger(get);
    const files = await downloadBundle(get, intentId);
    expect(verifyBundle(files, { publicKeySpkiDer: pemToSpki(publicKeyPem) })).toMatchObject({
      ok: true,
      intentId,
    });
    expect((await get('/intents/no-such-intent/evidence')).status).toBe(404);
  });

  test('the value report groups the release; an unknown dimension is a 400 naming it', async () => {
    const report = await call('GET', '/value?by=service,region', auditor);
    const unknown = await call('GET', '/value?by=service,nonsense', auditor);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      groups: [{ key: { service: 'launch-flags', region: 'NA' }, released: 1 }],
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.issues)).toMatch(/by.*nonsense/);
  });

  test('the value report over a window reaches the function through API Gateway; a malformed bound is a 400 naming it', async () => {
    const future = await call('GET', '/value?since=2999-01-01&until=2999-02-01&curveBy=service', auditor);
    const bad = await call('GET', '/value?until=tomorrow', auditor);

    expect(future.status).toBe(200);
    expect(future.body).toMatchObject({
      window: { since: '2999-01-01T00:00:00.000Z', until: '2999-02-01T00:00:00.000Z' },
      groups: [],
      compounding: { dimensions: ['service'] },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.issues)).toMatch(/until.*ISO-8601/);
  });

  test('an IAM role no catalog principal claims reads nothing: every read route answers it 401, as a write does', async () => {
    // Prepare: a role in the account, allowed execute-api:Invoke, that no principal lists among its identities.
    const stranger: CallerIdentity = {
      arn: personCalling('dev@example.com', 'Developer').arn,
      accessKey: 'ASIASTRANGER00000001',
    };
    const reads = [
      `/intents/${encodeURIComponent(intentId)}`,
      '/intents',
      '/ledger',
      '/ledger/checkpoints',
      `/intents/${encodeURIComponent(intentId)}/evidence`,
      '/value',
      '/delegations',
      '/openapi.json',
      '/no/such/route',
    ];

    // Act
    const answers: Array<{ status: number; body: Record<string, unknown> }> = [];
    for (const path of reads) {
      const answer = await stack.clock.busy(() => stack.api.request('GET', path, { caller: stranger }));
      // A route that served the stranger answers what it serves (JSON Lines for the ledger), not a problem.
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(answer.body) as Record<string, unknown>;
      } catch {
        body = { served: answer.body.slice(0, 80) };
      }
      answers.push({ status: answer.statusCode, body });
    }
    const known = await call('GET', '/intents', auditor);

    // Assess
    expect(answers.map((a, i) => [reads[i], a.status, a.body.error])).toEqual(
      reads.map((path) => [path, 401, 'UnknownCallerError']),
    );
    for (const answer of answers) expect(String(answer.body.message)).toContain(stranger.arn);
    expect(known.status).toBe(200);
  });

  test('the IAM caller grants a delegation and alone revokes it; an unsigned request never reaches the function', async () => {
    // Prepare
    const expiresAt = new Date(stack.clock.now().getTime() + 7 * 86_400_000).toISOString();
    const grant = {
      to: 'bob',
      services: ['launch-flags'],
      role: 'engineer',
      expiresAt,
      reason: 'on call',
    };

    // Act
    const unsigned = await call('POST', '/delegations', undefined, grant);
    const naming = await call('POST', '/delegations', personCalling('bob'), {
      ...grant,
      to: 'carol',
      from: 'alice',
    });
    const granted = await call('POST', '/delegations', personCalling('alice'), grant);
    const id = String(granted.body.id);
    const path = `/delegations/${encodeURIComponent(id)}?reason=${encodeURIComponent('rotation over')}`;
    const live = await call('GET', '/delegations?principal=bob', personCalling('carol'));
    // The grant's Location, as a client follows it: under the stage the request came through.
    const followed = await call('GET', `/delegations/${encodeURIComponent(id)}`, personCalling('carol'));
    const byBob = await call('DELETE', path, personCalling('bob'));
    const byAlice = await call('DELETE', path, personCalling('alice'));
    const revoked = await call('GET', '/delegations?principal=bob&status=revoked', personCalling('carol'));
    const badFilter = await call('GET', '/delegations?status=pending', personCalling('carol'));

    // Assess
    expect(unsigned.status).toBe(401);
    expect([naming.status, naming.body.issues]).toEqual([400, [expect.objectContaining({ path: 'from' })]]);
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({
      from: 'alice',
      grantedBy: { authenticatedAs: { method: 'aws-iam', arn: personCalling('alice').arn } },
    });
    // Under the stage the request came through (the emulator's is `prod`), as a client must follow it.
    expect(granted.headers?.location).toBe(`/prod/delegations/${encodeURIComponent(id)}`);
    expect([followed.status, followed.body]).toEqual([
      200,
      expect.objectContaining({ id, from: 'alice', to: 'bob', source: 'granted', status: 'live' }),
    ]);
    expect([byBob.status, byBob.body.error]).toEqual([403, 'NotTheGrantorError']);
    expect([byAlice.status, byAlice.body]).toEqual([
      200,
      expect.objectContaining({
        alreadyRevoked: false,
        revocation: expect.objectContaining({ revokedBy: 'alice' }),
      }),
    ]);
    // Anybody signed in lists delegations: the grant with its id, live, then revoked by its grantor.
    expect([live.status, live.body.delegations]).toEqual([
      200,
      [expect.objectContaining({ id, from: 'alice', to: 'bob', source: 'granted', status: 'live' })],
    ]);
    expect([revoked.status, revoked.body.delegations]).toEqual([
      200,
      [
        expect.objectContaining({
          id,
          status: 'revoked',
          revocation: expect.objectContaining({ revokedBy: 'alice' }),
        }),
      ],
    ]);
    expect([badFilter.status, badFilter.body.issues]).toEqual([
      400,
      [expect.objectContaining({ path: 'query.status' })],
    ]);
  });
});
