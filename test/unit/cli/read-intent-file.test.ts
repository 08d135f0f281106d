import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIntentFile } from '../../../cli/commands/read-intent-file.js';
import { InvalidInputError } from '../../../lambdas/core/errors.js';

describe('an intent file as the CLI reads it', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'itv-intent-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const file = (text: string) => {
    const path = join(dir, 'intent.json');
    writeFileSync(path, text);
    return path;
  };
  const issuesOf = (path: string) => {
    try {
      readIntentFile(path);
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      return (error as InvalidInputError).issues;
    }
  };

  test('a number beyond a double (1e999) is refused naming its field, not sent on as null', () => {
    const issues = issuesOf(file('{"title":"t","value":{"years":1e999,"perHour":-1e999}}'));
    expect(issues).toEqual([
      { path: 'value.years', message: expect.stringContaining('must be a finite number, not Infinity') },
      { path: 'value.perHour', message: expect.stringContaining('must be a finite number, not -Infinity') },
    ]);
  });

  test('finite numbers pass, however small', () => {
    expect(readIntentFile(file('{"value":{"years":5e-324}}'))).toEqual({ value: { years: 5e-324 } });
  });

  test('a file nested far deeper than an intent may be is read without a crash (the door refuses it)', () => {
    const deep = `${'['.repeat(5000)}1e999${']'.repeat(5000)}`;
    expect(() => readIntentFile(file(deep))).not.toThrow();
  });
});
