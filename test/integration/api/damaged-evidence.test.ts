import { chmodSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiGet } from '../../../cli/api/api-get.js';
import type { ApiClient } from '../../../cli/api/itv-api.js';
import { auditLedgerBundles, downloadLedger } from '../../../cli/api/ledger-download.js';
import { ConsoleApi } from '../../../cli/console/console-api.js';
import { startConsole } from '../../../cli/console/server.js';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import type { FileEvidenceStore } from '../../../lambdas/adapters/local/file-evidence-store.js';
import { ARCHIVE_FILE, bundleKey, MANIFEST_FILE } from '../../../lambdas/core/evidence/bundle-layout.js';
import { checkpointPrefix } from '../../../lambdas/core/evidence/checkpoint-object.js';
import { auditExport } from '../../../lambdas/core/evidence/export-audit.js';
import { pemToSpki } from '../../../lambdas/core/evidence/pem.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { intentsBudgetMs, setupMs } from '../../support/time-budget.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/**
 * The local store keeps each object under its SHA-256: an object whose bytes were changed or removed in the
 * home's folder is named by its key through every reader the CLI and console use — `itv ledger verify`
 * (the checkpoints), `itv ledger verify --bundles` and `itv evidence pull` (the bundle route).
 */
describe('damaged objects in the local evidence folder, read through the API', () => {
  let home: string;
  let api: LocalApiServer;
  let root: string;
  let reader = '';
  const intentId = 'damaged-evidence-1';
  const get: ApiGet = async (path) => {
    const response = await fetch(`${api.base}${path}`, { headers: { authorization: `Bearer ${reader}` } });
    const text = await response.text();
    return { status: response.status, text, header: (name) => response.headers.get(name) ?? undefined };
  };
  const objectOf = (key: string) => {
    const digest = readFileSync(join(root, 'refs', key), 'utf8')
      .trim()
      .replace(/^sha256:/, '');
    return join(root, 'objects', 'sha256', digest.slice(0, 2), digest.slice(2));
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-damaged-evidence-'));
    const alice = issueToken(home, 'alice');
    reader = alice;
    // The home's own evidence files, which the test damages behind the store.
    api = await startLocalApi(home, bearerCaller(home), new Date('2026-11-04T15:00:00Z'), undefined, {
      onDisk: true,
    });
    const submitted = await fetch(`${api.base}/intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...example('01-low-risk-flag.json'), id: intentId }),
    });
    expect(submitted.status).toBe(202);
    await api.executions.idle();
    root = (api.stack.deps.evidence as FileEvidenceStore).root;
  }, intentsBudgetMs(1));
  afterAll(async () => {
    await api.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test('the honest store: the ledger and its bundles verify', async () => {
    const download = await downloadLedger(get);
    const key = pemToSpki(download.publicKeyPem);
    expect(auditExport(download.lines, key, { checkpoints: download.checkpoints })).toMatchObject({
      ok: true,
    });
    expect(await auditLedgerBundles(download, get, key)).toEqual({ checked: 1, failures: [] });
  });

  test("the newest checkpoint object's bytes changed: the ledger's audit names its key", async () => {
    // Prepare
    const keys = await api.stack.deps.evidence.list(checkpointPrefix(api.stack.deps.ledgerName));
    const newest = keys.at(-1)!;
    const path = objectOf(newest);
    const honest = readFileSync(path);
    chmodSync(path, 0o644);
    writeFileSync(path, readFileSync(objectOf(keys.at(-2)!)));
    try {
      // Act
      const download = await downloadLedger(get);
      const audit = auditExport(download.lines, pemToSpki(download.publicKeyPem), {
        checkpoints: download.checkpoints,
      });

      // Assess
      expect(audit).toMatchObject({ ok: false, fault: 'evidence-damaged' });
      expect((audit as { reason: string }).reason).toContain(`evidence object ${newest}`);
    } finally {
      writeFileSync(path, honest);
      chmodSync(path, 0o444);
    }
  });

  test("a bundle archive's bytes changed: the API and the console's evidence page answer 409 naming its key", async () => {
    // Prepare
    const archive = bundleKey(intentId, ARCHIVE_FILE);
    const path = objectOf(archive);
    const honest = readFileSync(path);
    const changed = Buffer.from(honest);
    changed[changed.length - 1024] = 0x41;
    chmodSync(path, 0o644);
    writeFileSync(path, changed);
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
      const answer = await get(`/intents/${intentId}/evidence`);
      const page = await fetch(`http://127.0.0.1:${running.port}/intents/${intentId}/evidence`, {
        headers: { cookie: `${running.session.cookieName}=${running.session.openSession()}` },
      });

      // Assess
      expect(answer.status).toBe(409);
      expect(JSON.parse(answer.text)).toMatchObject({
        type: 'urn:itv:problem:evidence-integrity-error',
        title: 'Conflict',
        error: 'EvidenceIntegrityError',
        key: archive,
        detail: expect.stringContaining(`evidence object ${archive} was changed after it was written`),
        issues: [{ path: 'evidence', message: expect.stringContaining(archive) }],
      });
      expect(page.status).toBe(409);
      expect(await page.text()).toContain(`evidence object ${archive} was changed after it was written`);
    } finally {
      await running.close();
      writeFileSync(path, honest);
      chmodSync(path, 0o444);
    }
  });

  test("a bundle's manifest deleted: the bundle route says so naming the key, and --bundles reports it", async () => {
    // Prepare
    const manifest = bundleKey(intentId, MANIFEST_FILE);
    const download = await downloadLedger(get);
    unlinkSync(objectOf(manifest));

    // Act
    const answer = await get(`/intents/${intentId}/evidence`);
    const audit = await auditLedgerBundles(download, get, pemToSpki(download.publicKeyPem));

    // Assess
    expect(answer.status).toBe(409);
    expect(answer.header('content-type')).toContain('application/problem+json');
    expect(JSON.parse(answer.text)).toMatchObject({
      type: 'urn:itv:problem:evidence-missing-error',
      error: 'EvidenceMissingError',
      key: manifest,
      message: expect.stringContaining(`evidence object ${manifest}`),
    });
    expect(audit.failures).toEqual([
      {
        intentId,
        seq: expect.any(Number),
        reason: expect.stringContaining(`evidence object ${manifest}`),
      },
    ]);
  });
});
