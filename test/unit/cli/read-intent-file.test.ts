import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bodyFileLimit, readBytesFile, readIntentFile } from '../../../cli/commands/read-intent-file.js';
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

  test('bytes that are not UTF-8 are refused naming the file and the byte, as the API refuses them', () => {
    const path = join(dir, 'latin1.json');
    writeFileSync(
      path,
      Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
    );
    expect(issuesOf(path)).toEqual([{ path, message: 'must be UTF-8 text: byte 10 is not' }]);
  });

  test('a key given twice and an integer past 2^53 are refused naming each, not sent on as parsed', () => {
    const issues = issuesOf(
      file(
        '{"authority":{"requester":"victor","requester":"alice"},"change":{"payload":{"n":9007199254740993}}}',
      ),
    );
    expect(issues).toEqual([
      { path: 'authority.requester', message: expect.stringMatching(/^is given twice in one object/) },
      { path: 'change.payload.n', message: expect.stringContaining('as 9007199254740992') },
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

describe('files the CLI sends as request bodies are read only so far', () => {
  test('a file 8 times past what an intent or a payload may hold is refused naming the limit; /dev/zero is not read to its end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'itv-intent-size-'));
    try {
      const path = join(dir, 'big.json');
      writeFileSync(path, `{"title":"${'x'.repeat(16_000_000)}"}`);
      const refusal = (file: string) => {
        try {
          readIntentFile(file);
          return undefined;
        } catch (error) {
          return error as InvalidInputError;
        }
      };
      const limit =
        'holds more than 16000000 bytes, the most itv reads of an intent or payload file: an intent holds at most 131072 bytes (a request body 1048576), a payload by reference 2000000';
      expect(refusal(path)?.issues).toEqual([{ path, message: limit }]);
      expect(refusal('/dev/zero')?.issues).toEqual([{ path: '/dev/zero', message: limit }]);
      expect(() => readBytesFile('/dev/zero', '--payload-file', bodyFileLimit)).toThrow(
        expect.objectContaining({ issues: [{ path: '--payload-file', message: limit }] }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
