import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';

/*
 * An in-memory stack (tests, the bench, `itv demo --in-memory`) keeps its tables in memory, and its evidence with
 * them: nothing of an intent's content is written to disk, and nothing is left to delete when it closes.
 */

let parent: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'itv-in-memory-'));
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

/** Folders the in-memory stack used to make for its evidence (`mkdtemp` of `<tmp>/itv-evidence-`). */
const evidenceFolders = () =>
  readdirSync(tmpdir()).filter((name) => /^itv-evidence-[A-Za-z0-9]{6}$/.test(name));

test('an in-memory stack keeps its evidence in memory: no evidence folder, in the home or the temporary folder', async () => {
  // Prepare
  const home = join(parent, 'home');
  const before = new Set(evidenceFolders());
  const stack = await openLocalStack({ home, inMemory: true });
  try {
    // Act
    const uri = await stack.deps.evidence.putObject(
      'bundles/int-1/bundle.tar',
      Buffer.from('archive'),
      'application/x-tar',
    );

    // Assert: answered as a home's files answer, read back, and written nowhere on disk.
    expect(uri).toBe('itv-evidence:bundles/int-1/bundle.tar');
    const read = await stack.deps.evidence.getObject('bundles/int-1/bundle.tar');
    expect(Buffer.from(read!).toString()).toBe('archive');
    expect(evidenceFolders().filter((name) => !before.has(name))).toEqual([]);
    expect(readdirSync(home)).not.toContain('evidence');
  } finally {
    await stack.close();
  }
});
