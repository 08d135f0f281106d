import type { ValidateFunction } from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import { BadRequestException, type InvalidConfigurationDetail } from './errors.js';

/**
 * AppConfig's JSON_SCHEMA validators. AWS supports them "for free form configurations. (AWS AppConfig
 * automatically validates feature flags against a JSON Schema.)", and its example validator declares
 * `"$schema": "http://json-schema.org/draft-04/schema#"`
 * (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-configuration-and-profile-validators.html).
 * So a validator is read as draft-04 (ajv-draft-04) whatever its `$schema` says, and the draft-04 meta-schema
 * decides what a valid validator is: a draft-06 numeric `exclusiveMinimum`, for one, makes it invalid.
 */

// ajv-draft-04 is CommonJS: under NodeNext its default import is the module object.
const Ajv04 = AjvDraft04Module.default;
const ajv = new Ajv04({ allErrors: true, strict: false, addUsedSchema: false, validateFormats: false });

/** Compiles a validator's content as draft-04; BadRequestException when it is not a draft-04 JSON Schema. */
export function compileJsonSchemaValidator(content: string): ValidateFunction {
  let schema: unknown;
  try {
    schema = JSON.parse(content);
  } catch (error) {
    throw new BadRequestException(`JSON_SCHEMA validator content is not JSON: ${(error as Error).message}`);
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new BadRequestException('JSON_SCHEMA validator content must be a JSON Schema object');
  }
  const { $schema: _declared, ...draft04 } = schema as Record<string, unknown>;
  try {
    return ajv.compile(draft04);
  } catch (error) {
    throw new BadRequestException(
      `JSON_SCHEMA validator is not a valid draft-04 JSON Schema: ${(error as Error).message}`,
    );
  }
}

/** The failures of `content` against a compiled validator; empty when it passes. */
export function jsonSchemaViolations(
  validate: ValidateFunction,
  content: string,
): InvalidConfigurationDetail[] {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (error) {
    return [{ Location: '/', Reason: `is not JSON: ${(error as Error).message}`, Type: 'JSON_SCHEMA' }];
  }
  if (validate(data)) return [];
  return (validate.errors ?? []).map((error) => ({
    Constraint: error.keyword,
    Location: error.instancePath || '/',
    Reason: error.message ?? 'is invalid',
    Type: 'JSON_SCHEMA',
  }));
}
