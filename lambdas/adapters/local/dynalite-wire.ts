/*
 * What crosses between the SDK's view of a call and dynalite's, for the owner's direct client: each side gets a
 * value of its own, as it would after a trip over HTTP. Copied in one walk each way, rather than by writing JSON
 * and parsing it back (with a reviver, on the way back), which took about three times as long on every call.
 */

/**
 * The command's input as the SDK puts it on the wire and dynalite parses it: a fresh copy, binary values (B, BS:
 * any Uint8Array) in base64, and what JSON cannot carry as JSON.stringify leaves it (a member without a value
 * left out, an array's held as null, a number that is not finite as null).
 */
export function onTheWire(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
  return copied(value, onTheWire);
}

/**
 * dynalite's result as the SDK hands it back: a fresh copy (nothing shared with dynalite's store), with each
 * binary attribute value ({ B: base64 }, { BS: [base64] }) decoded. An attribute value is the only object whose
 * one member is B or BS and holds a string or strings: in an item or a map, every value is itself an object.
 */
export function fromTheWire(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const decoded = binaryValue(value as Record<string, unknown>);
    if (decoded !== undefined) return decoded;
  }
  return copied(value, fromTheWire);
}

function binaryValue(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const keys = Object.keys(value).filter((key) => hasValue(value[key]));
  if (keys.length !== 1) return undefined;
  if (keys[0] === 'B' && typeof value.B === 'string') return { B: bytesOf(value.B) };
  if (keys[0] === 'BS' && Array.isArray(value.BS) && value.BS.every((v) => typeof v === 'string')) {
    return { BS: value.BS.map((v: string) => bytesOf(v)) };
  }
  return undefined;
}

function bytesOf(base64: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** A JSON member or item: anything but undefined, a function or a symbol (which JSON.stringify leaves out). */
function hasValue(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/** `value` copied as JSON would carry it, each member or item by `each`. */
function copied(value: unknown, each: (item: unknown) => unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null; // -0 as 0, as JSON has it
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => (hasValue(item) ? each(item) : null));
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (!hasValue(item)) continue;
    // A member named __proto__ is a member, as JSON.parse makes it, not the copy's prototype.
    if (key === '__proto__')
      Object.defineProperty(copy, key, {
        value: each(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[key] = each(item);
  }
  return copy;
}
