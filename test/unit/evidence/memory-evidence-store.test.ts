import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileEvidenceStore } from '../../../lambdas/adapters/local/file-evidence-store.js';
import { MemoryEvidenceStore } from '../../../lambdas/adapters/local/memory-evidence-store.js';

/* An in-memory stack's evidence answers as a home's files do, so a session behaves the same in either. */

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'itv-memory-evidence-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const body = new TextEncoder().encode('{}');

test.each(['../outside.json', 'bundles/../../outside.json', '/etc/outside.json'])(
  'a key that would leave the evidence folder (%s) is refused in memory as on disk',
  async (key) => {
    // Act
    const inMemory = new MemoryEvidenceStore().putObject(key, body, 'application/json');
    const onDisk = new FileEvidenceStore(root).putObject(key, body, 'application/json');

    // Assess
    await expect(inMemory).rejects.toThrow(`evidence key ${key} escapes the evidence folder`);
    await expect(onDisk).rejects.toThrow(`evidence key ${key} escapes the evidence folder`);
  },
);

test('a key names the same URI in memory as in a home', () => {
  // Act
  const key = 'bundles/int-1/manifest.json';

  // Assess
  expect(new MemoryEvidenceStore().uriOf(key)).toBe(new FileEvidenceStore(root).uriOf(key));
});
