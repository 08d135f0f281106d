import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ThreadedEvidenceStore } from '../../../lambdas/adapters/local/threaded-evidence-store.js';
import { EvidenceConflictError } from '../../../lambdas/core/errors.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/**
 * The local stack writes evidence files on a thread of their own: the same files as FileEvidenceStore (the
 * contract suite holds it to the same cases), refused or failed as it would refuse or fail them.
 */
describe('evidence files written on a thread of their own', () => {
  let dir: string;
  const stores: ThreadedEvidenceStore[] = [];
  const storeAt = (root: string, beforeWrite?: () => void) => {
    const store = new ThreadedEvidenceStore(root, beforeWrite);
    stores.push(store);
    return store;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'itv-threaded-evidence-'));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('a write the home refuses (its beforeWrite throws) is refused before anything is handed over or written', async () => {
    // Prepare
    const root = join(dir, 'evidence');
    const store = storeAt(root, () => {
      throw new Error('the home has moved');
    });

    // Act
    const refused = await store
      .putObject('bundles/a/x.json', bytes('{}'), 'application/json')
      .catch((e) => e);

    // Assess
    expect((refused as Error).message).toBe('the home has moved');
    expect(existsSync(root)).toBe(false);
  });

  test("a failure of the machine keeps its system code, and a conflict its class, as the store's own would", async () => {
    // Prepare: a root where a file stands, and a key written once.
    writeFileSync(join(dir, 'a-file'), 'not a folder');
    const blocked = storeAt(join(dir, 'a-file', 'evidence'));
    const store = storeAt(join(dir, 'evidence'));
    await store.putObject('k.json', bytes('one'), 'application/json');

    // Act
    const failed = await blocked.putObject('k.json', bytes('one'), 'application/json').catch((e) => e);
    const conflict = await store.putObject('k.json', bytes('two'), 'application/json').catch((e) => e);

    // Assess
    expect((failed as NodeJS.ErrnoException).code).toBe('ENOTDIR');
    expect(conflict).toBeInstanceOf(EvidenceConflictError);
    expect(new TextDecoder().decode(await store.getObject('k.json'))).toBe('one');
  });

  test('close waits for the writes handed over, then stops the thread', async () => {
    // Prepare
    const store = storeAt(join(dir, 'evidence'));
    const writes = Array.from({ length: 20 }, (_, i) =>
      store.putObject(`bundles/b/${i}.json`, bytes(`{"n":${i}}`), 'application/json'),
    );

    // Act
    await store.close();

    // Assess: every write was answered, and is there.
    expect(await Promise.all(writes)).toEqual(writes.map((_, i) => `itv-evidence:bundles/b/${i}.json`));
    expect(readdirSync(join(dir, 'evidence', 'refs', 'bundles', 'b'))).toHaveLength(20);
  });

  test('keeps no process alive while idle: a process that never closes the store still exits', () => {
    // Act: a process writes one object and ends its work without closing the store.
    const script = [
      `import { ThreadedEvidenceStore } from ${JSON.stringify(new URL('../../../lambdas/adapters/local/threaded-evidence-store.ts', import.meta.url).href)};`,
      `const store = new ThreadedEvidenceStore(${JSON.stringify(join(dir, 'evidence'))});`,
      "console.log(await store.putObject('a.json', new TextEncoder().encode('{}'), 'application/json'));",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });

    // Assess: it printed the object's URI and exited by itself, well before the timeout.
    expect(run.error).toBeUndefined();
    expect([run.status, run.stdout, run.stderr]).toEqual([0, 'itv-evidence:a.json\n', '']);
  });
});
