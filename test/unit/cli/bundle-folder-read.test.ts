import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundleDir } from '../../../cli/commands/evidence.js';
import { EvidenceIntegrityError } from '../../../lambdas/core/errors.js';
import { ustarArchive } from '../../../lambdas/core/evidence/ustar.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/**
 * `itv evidence verify DIR` on a folder holding a bundle as the store keeps it (`bundle.tar` beside the manifest
 * and the pinned checkpoint): an archive that is not sound is named by its path in the folder, never by a store
 * key the folder's name was made into.
 */
describe('reading a bundle folder that holds the archive', () => {
  let root: string;
  const folder = (name: string, files: Record<string, Uint8Array>) => {
    const dir = join(root, name);
    mkdirSync(dir);
    for (const [file, body] of Object.entries(files)) writeFileSync(join(dir, file), body);
    return dir;
  };
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'itv-bundle-folder-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('an archive with bytes after its end: refused naming the file in the folder', () => {
    // Prepare
    const archive = ustarArchive(new Map([['intent.json', bytes('{}')]]), new Date(0));
    const dir = folder('t1', { 'bundle.tar': Buffer.concat([archive, Buffer.from('garbage')]) });

    // Act
    const act = () => readBundleDir(dir);

    // Assess
    expect(act).toThrow(EvidenceIntegrityError);
    expect(act).toThrow(`${join(dir, 'bundle.tar')} is not a bundle archive: its length`);
    expect(act).not.toThrow(/bundles\/t1\//);
  });

  test('a checkpoint beside the archive other than the archived one: refused naming both files in the folder', () => {
    // Prepare
    const archive = ustarArchive(new Map([['checkpoint.json', bytes('{"a":1}')]]), new Date(0));
    const dir = folder('my bundle', { 'bundle.tar': archive, 'checkpoint.json': bytes('{"a":2}') });

    // Act
    const act = () => readBundleDir(dir);

    // Assess
    expect(act).toThrow(
      `${join(dir, 'checkpoint.json')} is not the checkpoint.json that ${join(dir, 'bundle.tar')} holds`,
    );
  });
});
