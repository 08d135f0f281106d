/**
 * AppConfig's JSON_SCHEMA validators are draft-04: its documentation's validator declares
 * `http://json-schema.org/draft-04/schema#`
 * (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-configuration-and-profile-validators.html).
 * The catalog's contracts are draft-07, which ValidateStructure checks with ajv; this writes a contract in
 * draft-04 for a profile's validator, keyword for keyword where draft-04 has an equivalent, and refuses one
 * it has none for, naming it, rather than leave AppConfig a validator that ignores it or is not valid draft-04.
 * Hand-written: no maintained library translates JSON Schema down to draft-04.
 */

export const draft04 = 'http://json-schema.org/draft-04/schema#';

type Schema = Record<string, unknown>;

/** Keywords whose value is one subschema, a map of them or a list of them. */
const oneSchema = new Set(['additionalProperties', 'additionalItems', 'not', 'items']);
const schemaMap = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);
const schemaList = new Set(['allOf', 'anyOf', 'oneOf', 'items']);
/** Annotations draft-04 lacks: they never decide whether a configuration is valid, so they are left out. */
const annotations = new Set([
  '$comment',
  'examples',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
]);
/** Keywords draft-04 has, as they are: the rest are translated below or refused. */
const draft04Keywords = new Set([
  ...oneSchema,
  ...schemaMap,
  ...schemaList,
  '$ref',
  'type',
  'enum',
  'format',
  'title',
  'description',
  'default',
  'multipleOf',
  'maximum',
  'minimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
]);
/** The formats draft-04 defines; `date` (draft-07) is written as its pattern. */
const draft04Formats = new Set(['date-time', 'email', 'hostname', 'ipv4', 'ipv6', 'uri']);
const datePattern = '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';

export class Draft04TranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Draft04TranslationError';
  }
}

/**
 * A draft-07 contract as a draft-04 schema without `$schema`, e.g. `{ exclusiveMinimum: 0 }` →
 * `{ minimum: 0, exclusiveMinimum: true }`; throws `Draft04TranslationError` on a keyword draft-04 cannot express.
 */
export function toDraft04(schema: unknown, at = ''): Schema {
  if (schema === true) return {};
  if (schema === false) return { not: {} };
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw new Draft04TranslationError(`${at || 'contract'}: a schema must be an object or a boolean`);
  const where = (keyword: string) => (at ? `${at}.${keyword}` : keyword);
  const refuse = (keyword: string): never => {
    throw new Draft04TranslationError(
      `${at || 'contract'}: "${keyword}" has no JSON Schema draft-04 equivalent, so AppConfig's validator cannot hold configurations to it`,
    );
  };
  const out: Schema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === '$schema' || annotations.has(keyword)) continue;
    if (keyword === 'items' && Array.isArray(value)) {
      out.items = value.map((item, i) => toDraft04(item, `${where('items')}[${i}]`));
    } else if (schemaList.has(keyword) && keyword !== 'items') {
      out[keyword] = (value as unknown[]).map((item, i) => toDraft04(item, `${where(keyword)}[${i}]`));
    } else if (oneSchema.has(keyword)) {
      // additionalProperties and additionalItems may be booleans in draft-04 too.
      out[keyword] =
        typeof value === 'boolean' && keyword.startsWith('additional')
          ? value
          : toDraft04(value, where(keyword));
    } else if (schemaMap.has(keyword)) {
      out[keyword] = Object.fromEntries(
        Object.entries(value as Schema).map(([name, sub]) => [
          name,
          // A property dependency is a list of names in both drafts.
          keyword === 'dependencies' && Array.isArray(sub)
            ? sub
            : toDraft04(sub, `${where(keyword)}.${name}`),
        ]),
      );
    } else if (keyword === 'format') {
      if (value === 'date') {
        if ('pattern' in schema) refuse('format: date beside a pattern');
        out.pattern = datePattern;
      } else if (draft04Formats.has(String(value))) out.format = value;
      else refuse(`format: ${String(value)}`);
    } else if (draft04Keywords.has(keyword)) {
      out[keyword] = value;
    } else if (keyword === 'const') {
      out.enum = [value];
    } else if (keyword === 'exclusiveMinimum' || keyword === 'exclusiveMaximum') {
      if (typeof value !== 'number') refuse(`${keyword}: ${String(value)}`);
    } else if (keyword === 'propertyNames') {
      // Handled below, once properties and additionalProperties are known.
    } else {
      refuse(keyword);
    }
  }
  exclusiveBound(schema as Schema, out, 'exclusiveMinimum', 'minimum', (a, b) => a >= b);
  exclusiveBound(schema as Schema, out, 'exclusiveMaximum', 'maximum', (a, b) => a <= b);
  if ('propertyNames' in schema) namesFromEnum(schema as Schema, out, refuse);
  return out;
}

/** Draft-06's numeric exclusive bound as draft-04's bound with its boolean, unless the inclusive one is stricter. */
function exclusiveBound(
  schema: Schema,
  out: Schema,
  exclusive: 'exclusiveMinimum' | 'exclusiveMaximum',
  inclusive: 'minimum' | 'maximum',
  atLeastAsStrict: (exclusiveValue: number, inclusiveValue: number) => boolean,
): void {
  const bound = schema[exclusive];
  if (typeof bound !== 'number') return;
  const other = schema[inclusive];
  if (typeof other === 'number' && !atLeastAsStrict(bound, other)) return;
  out[inclusive] = bound;
  out[exclusive] = true;
}

/**
 * `propertyNames: { enum: [...] }` as draft-04 says it: each allowed name a property (held to
 * `additionalProperties`, or to its own schema), and no other property.
 */
function namesFromEnum(schema: Schema, out: Schema, refuse: (keyword: string) => never): void {
  const names = schema.propertyNames as Schema;
  const allowed = names.enum;
  if (
    Object.keys(names).length !== 1 ||
    !Array.isArray(allowed) ||
    !allowed.every((name) => typeof name === 'string') ||
    'patternProperties' in schema
  )
    refuse('propertyNames (other than an enum of names, without patternProperties)');
  const rest = out.additionalProperties ?? true;
  const declared = (out.properties ?? {}) as Schema;
  const properties: Schema = {};
  for (const name of allowed as string[])
    properties[name] = declared[name] ?? (rest === true ? {} : rest === false ? { not: {} } : rest);
  // A declared property whose name the enum leaves out can never be present.
  for (const name of Object.keys(declared))
    if (!(allowed as string[]).includes(name)) properties[name] = { not: {} };
  out.properties = properties;
  out.additionalProperties = false;
}
