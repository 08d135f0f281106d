import { createHash } from 'node:crypto';

// RFC 8785 ordering and number formatting, as the `canonicalize` package (2.1) writes them, in one pass that also
// refuses what RFC 8785 §3.2.2.2 requires refusing and `canonicalize` escapes instead: a lone UTF-16 surrogate
// (two different in-memory strings would otherwise hash alike on some platforms and not on others). The text is
// the package's for every JSON value (test/unit/ledger/canonical-json.property.test.ts holds it to that). One pass,
// writing plain strings without JSON.stringify, takes about half the time of the package and the separate check.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** RFC 8785 (JCS) text of a JSON value, e.g. `canonicalJson({ b: 1, a: [true] })` → `{"a":[true],"b":1}`. */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'object' && value !== null && inCanonicalOrder(value)) return JSON.stringify(value);
  const text = written(value);
  if (text === undefined) {
    // Only the slow path names where: the value is walked again to find the first thing without a JSON form.
    refuse(value, '$');
    throw new TypeError('$: value has no JSON form');
  }
  return text;
}

/** The text of `value`, or undefined where something in it has no JSON form (RFC 8785 refuses it). */
function written(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quoted(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined; // undefined, bigint, symbol, function
  }
  if (value === null) return 'null';
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return written((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      // As JSON.stringify and RFC 8785: an array holds null where a value has none to give.
      const itemText = item === undefined || typeof item === 'symbol' ? 'null' : written(item);
      if (itemText === undefined) return undefined;
      text += i === 0 ? itemText : `,${itemText}`;
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    // As JSON.stringify and RFC 8785: a member without a value is left out.
    if (item === undefined || typeof item === 'symbol') continue;
    const keyText = quoted(key);
    const itemText = written(item);
    if (keyText === undefined || itemText === undefined) return undefined;
    text += first ? `${keyText}:${itemText}` : `,${keyText}:${itemText}`;
    first = false;
  }
  return `${text}}`;
}

/**
 * Whether JSON.stringify writes `value` exactly as RFC 8785 does: every object a plain one whose keys are already in
 * RFC 8785 order (as `Object.keys(…).sort()` orders them: UTF-16 code units), every string free of lone
 * surrogates, every number finite, no function, bigint or `toJSON` anywhere. Then the text is JSON.stringify's: the
 * engine's own writer, about three times as fast as `written`, and one flat string rather than a rope of pieces
 * (which the hash and the store would each copy out again). Members without a value (undefined, a symbol) are left
 * out by both, and an array holds null for them in both.
 */
function inCanonicalOrder(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return wellFormed(value);
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (Array.isArray(value)) {
    // An array's own members other than its items are not read below: a toJSON among them is looked for here.
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item !== undefined && typeof item !== 'symbol' && !inCanonicalOrder(item)) return false;
    }
    return true;
  }
  const prototype = Object.getPrototypeOf(value);
  // Another prototype may give a toJSON (a Date) or a reading of its own (a boxed string); an own toJSON is a
  // function member, refused below.
  if (prototype !== Object.prototype && prototype !== null) return false;
  const record = value as Record<string, unknown>;
  let previous: string | undefined;
  // for…in: the own keys in JSON.stringify's order (no inherited one is enumerable on these prototypes).
  for (const key in record) {
    if (previous !== undefined && !(previous < key)) return false;
    if (!wellFormed(key)) return false;
    const item = record[key];
    if (item !== undefined && typeof item !== 'symbol' && !inCanonicalOrder(item)) return false;
    previous = key;
  }
  return true;
}

/** No lone surrogate: `String.prototype.isWellFormed` (ES2024, in every Node.js itv runs on), typed here. */
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Nothing JSON.stringify would escape, and no surrogate: such a string is written as it is, between quotes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what JSON escapes.
const PLAIN = /^[^"\\\u0000-\u001f\uD800-\uDFFF]*$/;

/** A string as RFC 8785 writes it (§3.2.2.2: as JSON.stringify does), or undefined for a lone surrogate. */
function quoted(text: string): string | undefined {
  if (PLAIN.test(text)) return `"${text}"`;
  return LONE_SURROGATE.test(text) ? undefined : JSON.stringify(text);
}

/** Throws for the first thing in `value` (at `path`) that has no JSON form, naming where it is and why. */
function refuse(value: unknown, path: string): void {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw new TypeError(`${path}: string holds a lone UTF-16 surrogate`);
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} has no JSON form`);
      return;
    case 'bigint':
      throw new TypeError(`${path}: bigint has no JSON form`);
    case 'function':
      throw new TypeError(`${path}: a function has no JSON form`);
    case 'object':
      break;
    default:
      return;
  }
  if (value === null) return;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    refuse((value as { toJSON(): unknown }).toJSON(), path);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      refuse(item, `${path}[${index}]`);
    });
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || typeof item === 'symbol') continue;
    if (LONE_SURROGATE.test(key)) throw new TypeError(`${path}: key holds a lone UTF-16 surrogate`);
    refuse(item, `${path}.${key}`);
  }
}

/** UTF-8 bytes of the RFC 8785 text of a JSON value: the bytes that get hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

/** Hex SHA-256 of the RFC 8785 text of a JSON value: the digest that names an intent, a payload or a contract. */
export function canonicalDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
