import {
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openControlPlaneLog } from '../../../cli/control-plane/client.js';
import { claimHome, claimStart, releaseHome, releaseStart } from '../../../cli/control-plane/home-owner.js';
import { writeContexts } from '../../../cli/remote/contexts.js';
import { issueToken } from '../../../cli/runtime/local-tokens.js';
import { openLocalStack } from '../../../lambdas/wiring/local/local-stack.js';

/*
 * A home holds every intent's content (the evidence objects), the ledger, the signing key and the tokens' digests:
 * a home itv makes, and every folder and log itv makes in one, is its owner's alone. A folder the user made for
 * it keeps the mode they gave it.
 */

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** Every folder under `root`, itself included. */
function foldersUnder(root: string): string[] {
  return [
    root,
    ...readdirSync(root, { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(entry.parentPath, entry.name)),
  ];
}

// Windows has no POSIX modes to assert: registered elsewhere only, so no machine reports a skipped test.
const describeWherePosixModes = process.platform === 'win32' ? () => {} : describe;

describeWherePosixModes('a home itv makes is its owner’s alone', () => {
  let parent: string;
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'itv-private-home-'));
    chmodSync(parent, 0o755);
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  test('the stack makes the home, its evidence folders and every folder under them 0700', async () => {
    // Prepare
    const home = join(parent, 'nested', '.itv');

    // Act
    const stack = await openLocalStack({ home });
    try {
      await stack.deps.evidence.putObject(
        'intents/int-1/intent.json',
        Buffer.from('{"title":"x"}'),
        'application/json',
      );
    } finally {
      await stack.close();
    }

    // Assess
    expect(modeOf(home)).toBe('700');
    expect(modeOf(join(parent, 'nested'))).toBe('700');
    const evidence = join(home, 'evidence');
    const folders = foldersUnder(evidence);
    expect(folders).toEqual(expect.arrayContaining([join(evidence, 'objects'), join(evidence, 'refs')]));
    for (const folder of folders) expect({ folder, mode: modeOf(folder) }).toEqual({ folder, mode: '700' });
  });

  test('a home folder the user made keeps its mode, while the evidence folder in it is made private, also one an earlier itv made 0755', async () => {
    // Prepare
    const home = join(parent, 'mine');
    mkdirSync(join(home, 'evidence'), { recursive: true, mode: 0o755 });
    chmodSync(home, 0o755);
    chmodSync(join(home, 'evidence'), 0o755);

    // Act
    const stack = await openLocalStack({ home });
    await stack.close();

    // Assess
    expect(modeOf(home)).toBe('755');
    expect(modeOf(join(home, 'evidence'))).toBe('700');
  });

  test('issuing a token, claiming the home and claiming its start each make a missing home 0700', () => {
    const byToken = join(parent, 'by-token');
    issueToken(byToken, 'alice');
    expect(modeOf(byToken)).toBe('700');

    const byClaim = join(parent, 'by-claim');
    expect(claimHome(byClaim, 'control-plane')).toBe(true);
    releaseHome(byClaim);
    expect(modeOf(byClaim)).toBe('700');

    const byStart = join(parent, 'by-start');
    expect(claimStart(byStart, 60_000)).toBe(true);
    releaseStart(byStart);
    expect(modeOf(byStart)).toBe('700');
  });

  test("the control plane's log is 0600, in a home it makes 0700, and one an earlier itv wrote 0644 is made 0600", () => {
    const home = join(parent, 'logged');
    closeSync(openControlPlaneLog(home).fd);
    expect(modeOf(home)).toBe('700');
    expect(modeOf(join(home, 'control-plane.log'))).toBe('600');

    const older = join(parent, 'older');
    mkdirSync(older);
    writeFileSync(join(older, 'control-plane.log'), 'started\n', { mode: 0o644 });
    chmodSync(join(older, 'control-plane.log'), 0o644);
    closeSync(openControlPlaneLog(older).fd);
    expect(modeOf(join(older, 'control-plane.log'))).toBe('600');
  });

  test('the folder of deployed contexts is made 0700', () => {
    const config = join(parent, 'config', 'itv');
    writeContexts({ current: '', contexts: {} }, { ITV_CONFIG_DIR: config });
    expect(modeOf(config)).toBe('700');
  });
});
