import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runItv } from '../support/run-itv.js';

/**
 * What a command refuses before it sends anything (a flag missing, two that exclude each other, a port that is
 * not one, commander's own refusals) is printed as every other error is: a line starting `itv:`, then the flag
 * and the reason in words.
 */
describe('refusals a command makes before sending anything', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-refusals-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const cases: Array<[string, string[], RegExp]> = [
    ['stop without --reason', ['stop', 'some-intent', '--as', 'alice'], /^ {2}--reason: is required/m],
    ['stop without an id', ['stop'], /itv control-plane stop/],
    [
      'release decide without --reason',
      ['release', 'decide', 'some-intent', '--hold', '--reason', ' ', '--as', 'alice'],
      /^ {2}--reason: is required/m,
    ],
    [
      'release decide with two decisions',
      ['release', 'decide', 'some-intent', '--hold', '--roll-back', '--reason', 'x', '--as', 'alice'],
      /option '--roll-back' cannot be used with option '--hold'/,
    ],
    [
      'release decide with no decision',
      ['release', 'decide', 'some-intent', '--reason', 'x', '--as', 'alice'],
      /--roll-forward, --roll-back or --hold/,
    ],
    ['review without an id', ['review', '--approve'], /missing required argument 'id'/],
    [
      'review --reject without --reason',
      ['review', 'some-intent', '--reject', '--as', 'xavier'],
      /^ {2}--reason: is required to reject: the rejection is recorded on the ledger with it, for the requester to act on$/m,
    ],
    [
      'review --reject with a blank --reason',
      ['review', 'some-intent', '--reject', '--reason', '  ', '--as', 'xavier'],
      /^ {2}--reason: is required to reject/m,
    ],
    [
      'review --reason without a decision',
      ['review', 'some-intent', '--reason', 'looks fine', '--as', 'xavier'],
      /^ {2}--reason: is recorded with --approve or --reject: add one, or leave --reason out to read the change$/m,
    ],
    [
      'review with both decisions',
      ['review', 'some-intent', '--approve', '--reject', '--as', 'victor'],
      /option '--(approve|reject)' cannot be used with option '--(reject|approve)'/,
    ],
    [
      'ledger verify --file without --public-key',
      ['ledger', 'verify', '--file', 'ledger.jsonl'],
      /^ {2}--public-key: is required with --file: the key that signed the ledger, in PEM or DER$/m,
    ],
    [
      'serve --port abc',
      ['serve', '--port', 'abc'],
      /^ {2}--port: must be a whole number from 0 to 65535, not "abc"$/m,
    ],
    [
      'console --port 70000',
      ['console', '--port', '70000', '--as', 'alice'],
      /^ {2}--port: must be a whole number from 0 to 65535, not "70000"$/m,
    ],
  ];

  test.each(cases)('%s: exit 1, one error starting itv:, naming the flag', async (_, args, reason) => {
    // Act
    const run = await runItv(home, args);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^itv: /);
    expect(run.stderr).toMatch(reason);
    expect(existsSync(join(home, 'control-plane.log'))).toBe(false);
    // The refusal and a pointer to --help, not the command's whole usage (it buried the one line that matters).
    expect(run.stderr).not.toContain('Usage:');
  });

  test('value report --html over an existing file: refused naming --html, the file left as it was', async () => {
    // Arrange
    const file = join(home, 'earlier.html');
    writeFileSync(file, 'an earlier report');
    // Act
    const run = await runItv(home, ['value', 'report', '--html', file]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `itv: ${file} exists\n  --html: ${file} exists: give another --html, or move it away first`,
    );
    expect(readFileSync(file, 'utf8')).toBe('an earlier report');
    expect(existsSync(join(home, 'control-plane.log'))).toBe(false);
  });

  test('evidence pull --out into a folder that holds files: refused naming --out, in words', async () => {
    // Arrange
    const folder = join(home, 'bundle');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'not a bundle');
    // Act
    const run = await runItv(home, ['evidence', 'pull', 'some-intent', '--out', folder]);
    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `itv: ${folder} is not empty\n  --out: ${folder} holds files: pull a bundle into a new folder\n`,
    );
    expect(existsSync(join(home, 'control-plane.log'))).toBe(false);
  });
});
