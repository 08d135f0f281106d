import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// The package is CommonJS with an ESM-style `export default` in its types; at run time the default
// import is the function itself.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

// `canonicalize` implements RFC 8785 ordering and number formatting but, like JSON.stringify, escapes a
// lone UTF-16 surrogate instead of refusing it. RFC 8785 §3.2.2.2 requires refusing it: two different
// in-memory strings would otherwise hash alike on some platforms and not on others.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function assertWellFormed(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new TypeError(`${path}: string holds a lone UTF-16 surrogate`);
    return;
  }
  if (typeof value === 'bigint') throw new TypeError(`${path}: bigint has no JSON form`);
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      assertWellFormed(item, `${path}[${index}]`);
    });
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) throw new TypeError(`${path}: key holds a lone UTF-16 surrogate`);
    assertWellFormed(item, `${path}.${key}`);
  }
}

/** RFC 8785 (JCS) text of a JSON value, e.g. `canonicalJson({ b: 1, a: [true] })` → `{"a":[true],"b":1}`. */
export function canonicalJson(value: unknown): string {
  assertWellFormed(value, '$');
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('$: value has no JSON form');
  return text;
}

/** UTF-8 bytes of the RFC 8785 text of a JSON value: the bytes that get hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Hex SHA-256 of the RFC 8785 text of a JSON value: the digest that names an intent, a payload or a contract. */
export function canonicalDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
