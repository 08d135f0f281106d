import canonicalizeModule from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from '../../../lambdas/core/ledger/canonical-json.js';

/*
 * RFC 8785 (JCS) properties of canonicalJson over generated JSON values: the published vectors
 * (canonical-json.test.ts) pin single outputs, these pin what must hold for every input.
 */

const json = fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 });

/** The same value with every object's keys inserted in another order. */
function reorder(value: unknown, pick: (n: number) => number): unknown {
  if (Array.isArray(value)) return value.map((item) => reorder(item, pick));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const shuffled: Array<[string, unknown]> = [];
  while (entries.length > 0) shuffled.push(entries.splice(pick(entries.length), 1)[0]!);
  return Object.fromEntries(shuffled.map(([key, item]) => [key, reorder(item, pick)]));
}

/**
 * RFC 8785 written out plainly as the reference: members sorted by their names' UTF-16 code units (§3.2.3),
 * strings and numbers as ECMAScript's JSON.stringify writes them (§3.2.2), no whitespace.
 */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((key) => `${JSON.stringify(key)}:${reference((value as Record<string, unknown>)[key])}`).join(',')}}`;
}

/** The `canonicalize` package (RFC 8785's JavaScript reference), which the ledger's entries were written with. */
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

// JSON has no -0; JSON.parse(JSON.stringify(v)) is the value JSON can carry.
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('canonicalJson properties (RFC 8785)', () => {
  test('the text parses back to a value equal to the input', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(asJson(value));
      }),
    );
  });

  test('is idempotent: canonicalizing the parsed text gives the same text', () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  test('does not depend on the order in which keys were inserted', () => {
    fc.assert(
      fc.property(json, fc.infiniteStream(fc.nat()), (value, picks) => {
        const stream = picks[Symbol.iterator]();
        const reordered = reorder(value, (n) => (stream.next().value as number) % n);
        expect(canonicalJson(reordered)).toBe(canonicalJson(value));
      }),
    );
  });

  test('equals the plain reference: keys sorted by UTF-16 code units, no whitespace', () => {
    const withNumericKeys = fc.dictionary(
      fc.oneof(fc.nat().map(String), fc.string({ unit: 'binary' })),
      json,
    );
    fc.assert(
      fc.property(fc.oneof(json, withNumericKeys), (value) => {
        expect(canonicalJson(value)).toBe(reference(value));
      }),
    );
  });

  test("writes the `canonicalize` package's text for every JSON value, so an entry hashes as it did when written", () => {
    // Strings of any code units; those with a lone surrogate are refused (the next test), the rest compared.
    const wellFormed = json.filter(
      (value) => !/[\uD800-\uDFFF]/.test(JSON.stringify(value) ?? '') || isWellFormed(value),
    );
    fc.assert(
      fc.property(wellFormed, (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  test('a value whose every object is already in RFC 8785 order (written by JSON.stringify) gives the same text', () => {
    // The fast path: rebuilt with each object's keys inserted in sorted order, as the ledger's entries are.
    const inOrder = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(inOrder);
      if (value === null || typeof value !== 'object') return value;
      const record = value as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(record)
          .sort()
          .map((key) => [key, inOrder(record[key])]),
      );
    };
    const wellFormed = json.filter(isWellFormed);
    fc.assert(
      fc.property(wellFormed, (value) => {
        expect(canonicalJson(inOrder(value))).toBe(reference(value));
      }),
      { numRuns: 2000 },
    );
  });

  test('writes a finite number as ECMAScript does (RFC 8785 §3.2.2.3), -0 as 0', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        expect(canonicalJson(n)).toBe(Object.is(n, -0) ? '0' : String(n));
      }),
    );
  });

  test('refuses a lone surrogate anywhere: in a string, in a key, however deep', () => {
    const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
    const poisoned = fc
      .tuple(fc.string({ unit: 'binary' }), lone, fc.string({ unit: 'binary-ascii' }))
      .map(([before, surrogate, after]) => `${before}${surrogate}${after}`);
    const placed = fc.oneof(
      poisoned,
      poisoned.map((text) => ({ [text]: 1 })),
      poisoned.map((text) => ({ a: [1, { b: text }] })),
      poisoned.map((text) => [null, { deep: { [text]: 'x' } }]),
    );
    fc.assert(
      fc.property(placed, (value) => {
        expect(() => canonicalJson(value)).toThrow(/lone UTF-16 surrogate/);
      }),
    );
  });
});

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether every string and key in `value` is well-formed UTF-16 (what RFC 8785 can write at all). */
function isWellFormed(value: unknown): boolean {
  if (typeof value === 'string') return !LONE.test(value);
  if (Array.isArray(value)) return value.every(isWellFormed);
  if (value === null || typeof value !== 'object') return true;
  return Object.entries(value).every(([key, item]) => !LONE.test(key) && isWellFormed(item));
}
