/**
 * What an intent may be, whoever sends it: checked at the door before anything parses it further or writes
 * it anywhere. Each limit says why it is what it is.
 */
export const intentLimits = {
  /**
   * The intent's JSON in UTF-8. The pipeline carries the intent in its Step Functions state (256 KiB for the
   * whole state, stage results included) and records it in the `intent.declared` ledger entry (a DynamoDB
   * item holds at most 400 KB): half the state leaves room for everything the stages add to it.
   */
  bytes: 128 * 1024,
  /** Nesting of objects and arrays from the intent itself; every nested walk downstream stays far from a stack overflow. */
  depth: 32,
  /** Any string without a tighter limit of its own (payload values, test details have theirs). */
  stringLength: 32 * 1024,
  /** Any object key. */
  keyLength: 256,
  /** Items of any array. */
  arrayLength: 1000,
  /** Keys of any object. */
  objectKeys: 1000,
} as const;

/**
 * Keys that JavaScript objects take for their prototype: a parser that assigns one sets the prototype
 * instead of a field and the key silently disappears, so it is refused, never dropped.
 */
export const reservedKeys: ReadonlySet<string> = new Set(['__proto__']);

/**
 * What a payload by reference (`change.payloadRef`) may be. Its content is released as one AppConfig hosted
 * configuration version, which AppConfig's hosted configuration store keeps to 2 MB by default (a larger version
 * is refused with PayloadTooLargeException at StartRelease): a payload that could never be released is refused at
 * the door instead. Its JSON is held to every limit of `intentLimits` but the intent's own size, the content
 * counted as nested where an inline payload sits (`change.payload`).
 */
export const payloadLimits = {
  /** Bytes of the stored object: 2 MB, AppConfig's default quota for a hosted configuration version. */
  bytes: 2_000_000,
  /** Where `payloads/sha256/<hex>` objects live, in the evidence bucket on AWS and the home's store locally. */
  prefix: 'payloads/sha256/',
} as const;
