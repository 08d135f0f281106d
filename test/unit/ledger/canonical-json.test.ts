import { createHash } from 'node:crypto';
import { canonicalBytes, canonicalDigest, canonicalJson } from '../../../lambdas/core/ledger/index.js';

describe('canonicalJson (RFC 8785)', () => {
  test('serialises the RFC 8785 §3.2.2 sample exactly', () => {
    // Prepare
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );

    // Act
    const text = canonicalJson(input);

    // Assess
    expect(text).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  test('sorts keys by UTF-16 code units as in RFC 8785 §3.2.3', () => {
    // Prepare
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };

    // Act
    const order = [...canonicalJson(input).matchAll(/:"([^"]+)"/g)].map((m) => m[1]);

    // Assess
    expect(order).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  test('gives the same text whatever the key order of nested objects', () => {
    // Act / Assess
    expect(canonicalJson({ b: { y: 1, x: [2, { d: 1, c: 0 }] }, a: -0 })).toBe(
      canonicalJson({ a: 0, b: { x: [2, { c: 0, d: 1 }], y: 1 } }),
    );
  });

  test.each([
    ['a lone high surrogate', { s: 'a\ud800b' }, '$.s'],
    ['a lone low surrogate in a key', { 'k\udc00': 1 }, 'key'],
    ['a lone surrogate in an array', { list: ['ok', '\udfff'] }, '$.list[1]'],
    ['NaN', { n: Number.NaN }, 'NaN'],
    ['Infinity', { n: Number.POSITIVE_INFINITY }, 'Infinity'],
    ['a bigint', { n: 1n }, 'bigint'],
    // The `canonicalize` package wrote these as the text `undefined`: no JSON at all.
    ['a function as a member', { f: () => 1 }, '$.f: a function has no JSON form'],
    ['a function in an array', { list: [1, () => 1] }, '$.list[1]: a function has no JSON form'],
    ['NaN, naming where', { a: [{ n: Number.NaN }] }, '$.a[0].n: NaN has no JSON form'],
  ])('refuses %s', (_name, value, message) => {
    // Act / Assess
    expect(() => canonicalJson(value)).toThrow(message);
  });

  // Objects whose keys are already in order are written by JSON.stringify: what it would write otherwise is not let
  // through, and what RFC 8785 writes differently goes the long way.
  test.each([
    ['a function member', { a: 1, b: () => 1 }, '$.b: a function has no JSON form'],
    ['a function in an array', { a: [() => 1] }, '$.a[0]: a function has no JSON form'],
    ['a bigint', { a: 1n }, '$.a: bigint has no JSON form'],
    ['Infinity', { a: 1, b: Number.POSITIVE_INFINITY }, '$.b: Infinity has no JSON form'],
    ['a lone surrogate in a value', { a: 'x', b: 'a\udc00' }, '$.b: string holds a lone UTF-16 surrogate'],
    ['a lone surrogate in a key', { a: 1, 'b\ud800': 1 }, '$: key holds a lone UTF-16 surrogate'],
  ])('refuses %s in an object already in order', (_name, value, message) => {
    // Act / Assess
    expect(() => canonicalJson(value)).toThrow(message);
  });

  test.each([
    ['integer-like keys, which objects list numerically', { '10': 1, '9': 2 }, '{"10":1,"9":2}'],
    [
      'a toJSON, called without the key',
      { a: { toJSON: (key?: string) => `k=${key}` } },
      '{"a":"k=undefined"}',
    ],
    ['an array with a toJSON', { a: Object.assign([1], { toJSON: () => 'mine' }) }, '{"a":"mine"}'],
    ['a Date', { at: new Date(Date.UTC(2026, 0, 2)) }, '{"at":"2026-01-02T00:00:00.000Z"}'],
    ['a boxed string, read as its own keys', { a: new String('hi') }, '{"a":{"0":"h","1":"i"}}'],
    [
      'an object without a prototype',
      Object.assign(Object.create(null), { a: 1, b: [2] }),
      '{"a":1,"b":[2]}',
    ],
    [
      'members without a value, and holes',
      { a: undefined, b: [undefined, 3], c: new Array(2), d: Symbol('s') },
      '{"b":[null,3],"c":[null,null]}',
    ],
    ['-0', { a: -0 }, '{"a":0}'],
  ])('writes %s as RFC 8785 does', (_name, value, text) => {
    // Act / Assess
    expect(canonicalJson(value)).toBe(text);
  });

  test('refuses a value with no JSON form', () => {
    // Act / Assess
    expect(() => canonicalJson(undefined)).toThrow('no JSON form');
  });

  test('canonicalBytes is the UTF-8 encoding of the canonical text', () => {
    // Act
    const bytes = canonicalBytes({ s: '€' });

    // Assess
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from('{"s":"€"}', 'utf8').toString('hex'));
  });
});

describe('canonicalDigest', () => {
  test('hashes the RFC 8785 form: sorted keys, no whitespace', () => {
    const expected = createHash('sha256').update('{"a":"x","b":[1,2]}').digest('hex');
    expect(canonicalDigest({ b: [1, 2], a: 'x' })).toBe(expected);
  });

  test('refuses values without a JSON form', () => {
    expect(() => canonicalDigest(undefined)).toThrow(TypeError);
  });

  test('refuses a lone surrogate, as the ledger does: an intent digest and its ledger entry agree on what is JSON', () => {
    expect(() => canonicalDigest({ title: 'a\ud800b' })).toThrow(
      '$.title: string holds a lone UTF-16 surrogate',
    );
  });
});
