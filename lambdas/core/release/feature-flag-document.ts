import { InvalidInputError } from '../errors.js';

/**
 * AppConfig's own format for `AWS.AppConfig.FeatureFlags` profiles: AWS validates a hosted version of such a
 * profile against it and refuses anything else with BadRequestException
 * ("Understanding the type reference for AWS.AppConfig.FeatureFlags",
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-type-reference-feature-flags.html).
 * The catalog's flag contracts describe only the values (`{ flag: { enabled, ...attributes } }`), so the
 * releaser turns a payload into the document here: a flag definition per flag the payload sets, with the
 * attribute constraints AppConfig can express derived from the contract, and the values themselves.
 */

type JsonSchema = Record<string, unknown>;

/** AppConfig's attribute constraints (the type reference's number, string, array and bool constraints). */
export type FlagAttributeConstraints =
  | { type: 'number'; required?: boolean; minimum?: number; maximum?: number }
  | { type: 'string'; required?: boolean; pattern?: string; enum?: Array<string | number> }
  | { type: 'boolean'; required?: boolean }
  | { type: 'array'; required?: boolean; elements?: FlagElementConstraints };

export type FlagElementConstraints =
  | { type: 'number'; minimum?: number; maximum?: number }
  | { type: 'string'; pattern?: string; enum?: Array<string | number> };

export type FlagAttributeValue = string | number | boolean | string[] | number[];

export interface FeatureFlagDocument {
  version: '1';
  flags: Record<
    string,
    { name: string; attributes?: Record<string, { constraints: FlagAttributeConstraints }> }
  >;
  values: Record<string, { enabled: boolean } & Record<string, FlagAttributeValue>>;
}

/** The type reference's key pattern for flags and attributes. */
const keyPattern = /^[a-z][a-zA-Z\d_-]{0,63}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function schemaTypes(schema: JsonSchema): string[] {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  const values = Array.isArray(schema.enum) ? schema.enum : 'const' in schema ? [schema.const] : [];
  const inferred = new Set(values.map((v) => (typeof v === 'number' ? 'number' : typeof v)));
  return [...inferred];
}

/** AppConfig's number bounds are integers ("minimum": {"type": "integer"}); a fractional bound stays with the contract. */
function integerBound(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function elementConstraints(schema: JsonSchema): FlagElementConstraints | undefined {
  const [type, ...others] = schemaTypes(schema);
  if (others.length > 0) return undefined;
  if (type === 'number' || type === 'integer') {
    const minimum = integerBound(schema.minimum);
    const maximum = integerBound(schema.maximum);
    return {
      type: 'number',
      ...(minimum !== undefined ? { minimum } : {}),
      ...(maximum !== undefined ? { maximum } : {}),
    };
  }
  if (type === 'string') {
    // The type reference forbids pattern and enum together; an enum is the narrower of the two.
    const values = Array.isArray(schema.enum)
      ? schema.enum.filter((v): v is string => typeof v === 'string')
      : undefined;
    if (values && values.length > 0) return { type: 'string', enum: values };
    if (typeof schema.pattern === 'string') return { type: 'string', pattern: schema.pattern };
    return { type: 'string' };
  }
  return undefined;
}

/** The constraints AppConfig can hold for one attribute of the contract; undefined when it has none for it. */
function attributeConstraints(schema: JsonSchema, required: boolean): FlagAttributeConstraints | undefined {
  const requiredPart = required ? { required: true } : {};
  const [type, ...others] = schemaTypes(schema);
  if (others.length > 0) return undefined;
  if (type === 'boolean') return { type: 'boolean', ...requiredPart };
  if (type === 'array') {
    const items = isObject(schema.items) ? elementConstraints(schema.items) : undefined;
    return { type: 'array', ...requiredPart, ...(items ? { elements: items } : {}) };
  }
  const element = elementConstraints(schema);
  return element ? { ...element, ...requiredPart } : undefined;
}

function isAttributeValue(value: unknown): value is FlagAttributeValue {
  if (typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (!Array.isArray(value)) return false;
  return (
    value.every((item) => typeof item === 'string') ||
    value.every((item) => typeof item === 'number' && Number.isFinite(item))
  );
}

/**
 * A catalog feature-flag payload as AppConfig's feature-flag document, constraints from `contract` (the
 * profile's flags contract, `flagsContract` in catalog/contracts.ts).
 * Example: `{ 'new-checkout': { enabled: true, rolloutPercent: 10 } }` →
 * `{ version: '1', flags: { 'new-checkout': { name: 'new-checkout', attributes: { rolloutPercent:
 * { constraints: { type: 'number', minimum: 0, maximum: 100 } } } } }, values: { 'new-checkout':
 * { enabled: true, rolloutPercent: 10 } } }`.
 * Throws `InvalidInputError` naming each flag or attribute AppConfig's format cannot carry.
 */
export function featureFlagDocument(
  payload: Readonly<Record<string, unknown>>,
  contract: Readonly<JsonSchema>,
): FeatureFlagDocument {
  const issues: Array<{ path: string; message: string }> = [];
  const contractFlags = isObject(contract.properties) ? contract.properties : {};
  const document: FeatureFlagDocument = { version: '1', flags: {}, values: {} };
  for (const [flag, value] of Object.entries(payload)) {
    if (!keyPattern.test(flag)) {
      issues.push({ path: flag, message: `is not an AppConfig flag key (${keyPattern.source})` });
      continue;
    }
    if (!isObject(value) || typeof value.enabled !== 'boolean') {
      issues.push({ path: flag, message: 'must be an object with a boolean "enabled"' });
      continue;
    }
    const flagSchema = isObject(contractFlags[flag]) ? contractFlags[flag] : {};
    const attributeSchemas = isObject(flagSchema.properties) ? flagSchema.properties : {};
    const requiredAttributes = Array.isArray(flagSchema.required) ? flagSchema.required : [];
    const attributes: Record<string, { constraints: FlagAttributeConstraints }> = {};
    // Every attribute the contract declares is defined, so values set by a later release stay in the definition.
    for (const [attribute, schema] of Object.entries(attributeSchemas)) {
      if (attribute === 'enabled' || !isObject(schema)) continue;
      if (!keyPattern.test(attribute)) {
        issues.push({
          path: `${flag}.${attribute}`,
          message: `is not an AppConfig attribute key (${keyPattern.source})`,
        });
        continue;
      }
      const constraints = attributeConstraints(schema, requiredAttributes.includes(attribute));
      if (constraints) attributes[attribute] = { constraints };
    }
    const values: { enabled: boolean } & Record<string, FlagAttributeValue> = { enabled: value.enabled };
    for (const [attribute, attributeValue] of Object.entries(value)) {
      if (attribute === 'enabled') continue;
      if (!isAttributeValue(attributeValue)) {
        issues.push({
          path: `${flag}.${attribute}`,
          message:
            'AppConfig flag attributes are strings, numbers, booleans or arrays of strings or of numbers',
        });
        continue;
      }
      if (!keyPattern.test(attribute)) {
        issues.push({
          path: `${flag}.${attribute}`,
          message: `is not an AppConfig attribute key (${keyPattern.source})`,
        });
        continue;
      }
      // An attribute the contract types in a way AppConfig cannot constrain is still defined, unconstrained.
      attributes[attribute] ??= { constraints: unconstrained(attributeValue) };
      values[attribute] = attributeValue;
    }
    document.flags[flag] = {
      name: flag,
      ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    };
    document.values[flag] = values;
  }
  if (issues.length > 0) {
    throw new InvalidInputError(
      'the payload cannot be written as an AppConfig feature-flag document',
      issues,
    );
  }
  return document;
}

function unconstrained(value: FlagAttributeValue): FlagAttributeConstraints {
  if (Array.isArray(value)) return { type: 'array' };
  if (typeof value === 'number') return { type: 'number' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  return { type: 'string' };
}
