import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileEvidenceStore } from '../../../lambdas/adapters/local/file-evidence-store.js';
import { EvidenceConflictError } from '../../../lambdas/core/errors.js';

describe('FileEvidenceStore', () => {
  test('a folder removed after the store made it is made again on the next put', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'itv-evidence-test-'));
    const store = new FileEvidenceStore(root);
    await store.putObject('bundles/a/one.json', Buffer.from('1'), 'application/json');
    rmSync(join(root, 'bundles'), { recursive: true, force: true });

    // Act
    await store.putObject('bundles/a/two.json', Buffer.from('2'), 'application/json');

    // Assess
    expect(Buffer.from((await store.getObject('bundles/a/two.json'))!).toString()).toBe('2');
    await expect(
      store.putObject('bundles/a/two.json', Buffer.from('3'), 'application/json'),
    ).rejects.toBeInstanceOf(EvidenceConflictError);
    expect(await store.list('bundles/')).toEqual(['bundles/a/two.json']);
    rmSync(root, { recursive: true, force: true });
  });
});
