import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePrivateFolder, otherWriters } from '../../../lambdas/adapters/local/private-folder.js';
import { ConfigurationError } from '../../../lambdas/core/errors.js';

const posix = process.platform === 'win32' ? describe.skip : describe;

posix('a home is a folder of its owner', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'itv-private-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('a new home is made mode 0700', () => {
    const home = join(root, 'home');
    makePrivateFolder(home);
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });

  test("a home the user made keeps the mode they gave it, readable by others or by the user's group", () => {
    const home = join(root, 'home');
    makePrivateFolder(home);
    chmodSync(home, 0o775);
    makePrivateFolder(home);
    expect(statSync(home).mode & 0o777).toBe(0o775);
  });

  test('a home any user may write to is refused, naming it, its mode and the fix, and left as it is', () => {
    const home = join(root, 'home');
    makePrivateFolder(home);
    chmodSync(home, 0o777);
    expect(() => makePrivateFolder(home)).toThrow(ConfigurationError);
    expect(() => makePrivateFolder(home)).toThrow(
      `${home} is a folder any user on this machine may write to (mode 0777)`,
    );
    expect(() => makePrivateFolder(home)).toThrow(`chmod go-w ${home}`);
    expect(statSync(home).mode & 0o777).toBe(0o777);
  });
});

describe('who else may write to a folder', () => {
  test('any user (o+w), or a group other than your own (g+w); your own group may', () => {
    expect(otherWriters(0o40777, 100, 100)).toBe('any user on this machine may write to');
    expect(otherWriters(0o40775, 27, 1000)).toBe(
      'the members of group 27, not your own (1000), may write to',
    );
    expect(otherWriters(0o40775, 1000, 1000)).toBeUndefined();
    expect(otherWriters(0o40755, 27, 1000)).toBeUndefined();
    expect(otherWriters(0o40700, 27, 1000)).toBeUndefined();
  });
});
