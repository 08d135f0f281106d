import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBundleDir, writeBundleDir } from '../../../cli/commands/bundle-folder.js';
import { refuseMissingFolder, writeNamedFile } from '../../../cli/output-file.js';
import { InvalidInputError } from '../../../lambdas/core/errors.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/**
 * A bundle's files, and an attacker who plants `plant` (a link to the victim) in the folder once the first file
 * is there: as one watching a shared folder such as /tmp/bundle would, after the emptiness check.
 */
function filesPlantingAfterFirst(plant: () => void): ReadonlyMap<string, Uint8Array> {
  const entries: Array<[string, Uint8Array]> = [
    ['bundle.tar', bytes('tar')],
    ['manifest.intoto.json', bytes('{"payload":"…"}')],
  ];
  return new (class extends Map<string, Uint8Array> {
    override *[Symbol.iterator](): MapIterator<[string, Uint8Array]> {
      const [first, ...rest] = entries;
      if (first) yield first;
      plant();
      yield* rest;
    }
  })(entries);
}

function issuesOf(act: () => unknown): Array<{ path: string; message: string }> {
  try {
    act();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** `itv evidence pull --out DIR`: every file made new, none followed through a link planted in DIR. */
describe('writing a pulled bundle into --out', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'itv-bundle-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a link planted in the folder during the write is refused naming --out and the file; its target is untouched', () => {
    // Prepare
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const out = join(dir, 'bundle');
    mkdirSync(out);
    const planted = join(out, 'manifest.intoto.json');
    const files = filesPlantingAfterFirst(() => symlinkSync(victim, planted));

    // Act
    const issues = issuesOf(() => writeBundleDir(files, out));

    // Assess
    expect(issues).toEqual([{ path: '--out', message: expect.stringContaining(planted) }]);
    expect(issues[0]?.message).toMatch(/not replaced or followed/);
    // What this pull wrote before the refusal is removed: half a bundle is not one to keep.
    expect(readdirSync(out)).toEqual(['manifest.intoto.json']);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  test('a folder it makes is made 0700 and holds the files', () => {
    // Prepare
    const out = join(dir, 'new', 'bundle');

    // Act
    const names = writeBundleDir(new Map([['intent.json', bytes('{}')]]), out);

    // Assess
    expect(names).toEqual(['intent.json']);
    expect(readdirSync(out)).toEqual(['intent.json']);
    // Windows keeps no POSIX modes.
    if (process.platform !== 'win32') expect(statSync(out).mode & 0o777).toBe(0o700);
  });

  test('an existing folder somebody else owns is refused naming --out, before anything is written', () => {
    // Prepare: the folder is this user's; the check is told it runs as another.
    const out = join(dir, 'theirs');
    mkdirSync(out);
    const me = statSync(out).uid;

    // Act
    const issues = issuesOf(() => checkBundleDir(out, me + 1));

    // Assess
    expect(issues).toEqual([
      { path: '--out', message: expect.stringMatching(/is owned by another user \(uid \d+\)/) },
    ]);
    expect(() => checkBundleDir(out, me)).not.toThrow();
  });

  test('an existing folder anybody may write to is refused naming --out', () => {
    // Prepare
    const out = join(dir, 'shared');
    mkdirSync(out);
    chmodSync(out, 0o777);

    // Act
    const issues = issuesOf(() => writeBundleDir(new Map([['intent.json', bytes('{}')]]), out));

    // Assess
    expect(issues).toEqual([{ path: '--out', message: expect.stringMatching(/any user may write/) }]);
    expect(readdirSync(out)).toEqual([]);
  });

  test('a new folder, or a file, in a folder anybody may write to without the sticky bit is refused; a sticky one is not', () => {
    // Prepare: a shared folder as `mkdir /tmp/x; chmod 777 /tmp/x` makes it, and one as /tmp is (1777).
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const sticky = join(dir, 'sticky');
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    const swappable = `${shared} is a folder any user may write to, without the sticky bit: another user could replace what itv writes there before you read it; write into a folder of your own`;

    // Act, Assess
    expect(
      issuesOf(() => writeBundleDir(new Map([['intent.json', bytes('{}')]]), join(shared, 'new'))),
    ).toEqual([{ path: '--out', message: swappable }]);
    expect(existsSync(join(shared, 'new'))).toBe(false);
    expect(issuesOf(() => refuseMissingFolder(join(shared, 'ledger.jsonl'), '--out'))).toEqual([
      { path: '--out', message: swappable },
    ]);
    expect(issuesOf(() => refuseMissingFolder(join(shared, 'value.html'), '--html'))).toEqual([
      { path: '--html', message: swappable },
    ]);
    expect(() => refuseMissingFolder(join(sticky, 'ledger.jsonl'), '--out')).not.toThrow();
    expect(writeBundleDir(new Map([['intent.json', bytes('{}')]]), join(sticky, 'new'))).toEqual([
      'intent.json',
    ]);
  });

  test('a file named by --out or --html that is a link, even a dangling one, is refused and not followed', () => {
    // Prepare
    const target = join(dir, 'elsewhere');
    const link = join(dir, 'report.html');
    symlinkSync(target, link);

    // Act
    const issues = issuesOf(() => writeNamedFile(link, '<html>', '--html', { flag: 'wx' }));

    // Assess
    expect(issues).toEqual([
      { path: '--html', message: expect.stringMatching(/exists.*not replaced or followed/) },
    ]);
    expect(existsSync(target)).toBe(false);
  });
});
