import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { jsonTextIssues, utf8Text } from '../../../lambdas/core/intake/json-text.js';

describe('JSON that JSON.parse reads other than it is written', () => {
  test('a key given twice in one object is named by its path, wherever it is', () => {
    const text =
      '{"a":1,"change":{"payload":{"flag":{"enabled":true,"enabled":false}},"items":[{"x":1},{"x":2,"x":3}]},"a":2}';
    expect(jsonTextIssues(text).map((issue) => issue.path)).toEqual([
      'change.payload.flag.enabled',
      'change.items.1.x',
      'a',
    ]);
  });

  test('the same key in two objects, or a key equal to a value, is no duplicate', () => {
    expect(jsonTextIssues('{"a":{"k":1},"b":{"k":1},"c":["k","k"],"k":"k"}')).toEqual([]);
  });

  test('keys are compared as parsed: an escaped spelling of a key is the same key', () => {
    expect(jsonTextIssues('{"ab":1,"a\\u0062":2}').map((issue) => issue.path)).toEqual(['ab']);
  });

  test('an integer past 2^53 − 1 is named with what it would become; safe ones, fractions and exponents pass', () => {
    const issues = jsonTextIssues(
      '{"ok":[9007199254740991,-9007199254740991,1.5,1e300,0,-0.25],"big":9007199254740993,"neg":[-90071992547409930]}',
    );
    expect(issues).toEqual([
      {
        path: 'big',
        message:
          'is 9007199254740993, beyond ±9007199254740991 (2^53 − 1), the integers a JSON number keeps exactly: it would be recorded and released as 9007199254740992; send a smaller number, or the digits as a string',
      },
      expect.objectContaining({ path: 'neg.0' }),
    ]);
  });

  test('strings holding braces, quotes and colons do not confuse the scan', () => {
    expect(
      jsonTextIssues('{"t":"{\\"a\\":1,\\"a\\":2}","u":": , [ ] }","v":true,"w":null,"x":false}'),
    ).toEqual([]);
  });

  test('a string of millions of characters, or of escapes, is scanned without running out of stack', () => {
    const long = 'x'.repeat(10_000_000);
    const escapes = '\\"\\\\'.repeat(500_000);
    expect(jsonTextIssues(`{"title":"${long}","k":1,"k":2}`).map((issue) => issue.path)).toEqual(['k']);
    expect(jsonTextIssues(`{"t":"${escapes}","k":1,"k":2}`).map((issue) => issue.path)).toEqual(['k']);
    expect(JSON.parse(`{"t":"${escapes}"}`).t).toHaveLength(1_000_000);
  });

  test('paths start where the text sits in an intent', () => {
    expect(jsonTextIssues('{"k":1,"k":2}', ['change', 'payload'])[0]?.path).toBe('change.payload.k');
  });

  test('text that is not UTF-8 names the first byte that is not', () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    let refused: unknown;
    try {
      utf8Text(bytes, 'intent.json', 'intent.json');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).issues).toEqual([
      { path: 'intent.json', message: 'must be UTF-8 text: byte 6 is not' },
    ]);
  });
});
