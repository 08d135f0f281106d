import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiGet } from '../../../cli/api/api-get.js';
import { downloadRecordedBundle } from '../../../cli/api/bundle-download.js';
import type { ApiClient } from '../../../cli/api/itv-api.js';
import { ConsoleApi } from '../../../cli/console/console-api.js';
import { startConsole } from '../../../cli/console/server.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import type { FileEvidenceStore } from '../../../lambdas/adapters/local/file-evidence-store.js';
import { EvidenceIntegrityError } from '../../../lambdas/core/errors.js';
import { bundleKey, MANIFEST_FILE } from '../../../lambdas/core/evidence/bundle-layout.js';
import { recordedBundleOf } from '../../../lambdas/core/evidence/recorded-bundle.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { intentsBudgetMs, setupMs } from '../../support/time-budget.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/**
 * A sealed bundle is signed, so one intent's bundle copied over another's verifies on its own. Every reader of an
 * intent's bundle — the API route (`itv evidence pull` and the console read it) and the CLI's own check of what
 * the API served — refuses a bundle that is not the one the ledger recorded for the intent asked for.
 */
describe("one intent's bundle copied over another's in the local evidence folder", () => {
  let home: string;
  let api: LocalApiServer;
  let reader = '';
  const a = 'swapped-evidence-a';
  const b = 'swapped-evidence-b';
  const get: ApiGet = async (path) => {
    const response = await fetch(`${api.base}${path}`, { headers: { authorization: `Bearer ${reader}` } });
    const text = await response.text();
    return { status: response.status, text, header: (name) => response.headers.get(name) ?? undefined };
  };
  const manifestSha256 = async (intentId: string) => {
    const own = await api.stack.deps.ledger.forIntent(api.stack.deps.ledgerName, intentId);
    return recordedBundleOf(
      intentId,
      own.map((stored) => stored.entry),
    )!.manifestSha256;
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-swapped-evidence-'));
    reader = issueToken(home, 'alice');
    // The home's own evidence files, which the test damages behind the store.
    api = await startLocalApi(home, bearerCaller(home), new Date('2026-11-04T15:00:00Z'), undefined, {
      onDisk: true,
    });
    for (const id of [a, b]) {
      const submitted = await fetch(`${api.base}/intents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...example('01-low-risk-flag.json'), id }),
      });
      expect(submitted.status).toBe(202);
    }
    await api.executions.idle();
  }, intentsBudgetMs(2));
  afterAll(async () => {
    await api.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test("the CLI refuses B's bundle served as A's, naming both intents and both digests", async () => {
    // Prepare: an API that answers A's evidence with B's bundle.
    const swapping: ApiGet = (path) => get(path.replace(`/intents/${a}/evidence`, `/intents/${b}/evidence`));
    const [digestA, digestB] = [await manifestSha256(a), await manifestSha256(b)];

    // Act
    const download = downloadRecordedBundle(swapping, a);

    // Assess
    await expect(download).rejects.toThrow(EvidenceIntegrityError);
    await expect(download).rejects.toThrow(
      new RegExp(`intent ${a}.*names intent ${b}, not ${a}.*${digestB}.*${digestA}`),
    );
    expect((await downloadRecordedBundle(get, b)).get(MANIFEST_FILE)).toBeDefined();
  });

  test("B's bundle copied over A's: the API and the console's evidence page answer 409 naming both", async () => {
    // Prepare
    const root = (api.stack.deps.evidence as FileEvidenceStore).root;
    const refsOf = (id: string) => join(root, 'refs', 'bundles', id);
    for (const name of readdirSync(refsOf(b))) copyFileSync(join(refsOf(b), name), join(refsOf(a), name));
    const [digestA, digestB] = [await manifestSha256(a), await manifestSha256(b)];
    const client: ApiClient = {
      async call<T>(_method: string, path: string) {
        const answer = await get(path);
        return { status: answer.status, body: JSON.parse(answer.text) as T };
      },
      text: get,
    };
    const running = await startConsole({
      api: new ConsoleApi({ kind: 'deployed', client, name: 'test', endpoint: api.base }, undefined),
    });
    try {
      // Act
      const answer = await get(`/intents/${a}/evidence`);
      const page = await fetch(`http://127.0.0.1:${running.port}/intents/${a}/evidence`, {
        headers: { cookie: `${running.session.cookieName}=${running.session.openSession()}` },
      });

      // Assess
      expect(answer.status).toBe(409);
      expect(answer.header('content-type')).toContain('application/problem+json');
      const problem = JSON.parse(answer.text) as { detail: string };
      expect(problem).toMatchObject({
        type: 'urn:itv:problem:evidence-integrity-error',
        error: 'EvidenceIntegrityError',
        key: bundleKey(a, MANIFEST_FILE),
      });
      expect(problem.detail).toContain(`the evidence bundle of intent ${a} is not served`);
      expect(problem.detail).toContain(`names intent ${b}, not ${a}`);
      expect(problem.detail).toContain(digestA);
      expect(problem.detail).toContain(digestB);
      expect(page.status).toBe(409);
      const text = await page.text();
      expect(text).toContain(`names intent ${b}, not ${a}`);
      expect(text).not.toContain('verified</span>');
    } finally {
      await running.close();
    }
  });
});
