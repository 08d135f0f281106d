import { Ajv2020 } from 'ajv/dist/2020.js';
import { openApiDocument } from '../../../lambdas/api/openapi.js';

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: Record<string, unknown>;
}
const document = openApiDocument() as {
  paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
};
const parameter = (path: string, method: string, name: string) =>
  document.paths[path]?.[method]?.parameters?.find((p) => p.name === name);
const accepts = (schema: Record<string, unknown>, value: unknown) =>
  new Ajv2020({ strict: false }).validate(schema, value);

describe('the OpenAPI document describes parameters as the server checks them', () => {
  test('DELETE /delegations/{id} requires reason, as the server answers 400 without one', () => {
    const reason = parameter('/delegations/{id}', 'delete', 'reason');

    expect(reason?.required).toBe(true);
    expect(reason?.schema).toMatchObject({ type: 'string', minLength: 1, maxLength: 500 });
  });

  test('limit takes 1 to 200 on GET /intents and 1 to 1000 on GET /ledger', () => {
    expect(parameter('/intents', 'get', 'limit')?.schema).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 200,
    });
    expect(parameter('/ledger', 'get', 'limit')?.schema).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 1000,
    });
    expect(parameter('/intents', 'get', 'limit')?.required).toBe(false);
  });

  test("an intent's {id} is 1 to 256 of A-Z a-z 0-9 . _ : -, never dots alone", () => {
    const id = parameter('/intents/{id}', 'get', 'id')!;

    expect(id.required).toBe(true);
    expect(accepts(id.schema, 'int-abc:attempt-2')).toBe(true);
    expect(accepts(id.schema, 'x'.repeat(257))).toBe(false);
    expect(accepts(id.schema, 'a/b')).toBe(false);
    expect(accepts(id.schema, '..')).toBe(false);
  });

  test('enumerations are declared: a delegation status, include and dryRun', () => {
    expect(parameter('/delegations', 'get', 'status')?.schema).toMatchObject({
      enum: ['live', 'expired', 'revoked'],
    });
    expect(parameter('/intents', 'post', 'dryRun')?.schema).toMatchObject({ enum: ['true', 'false'] });
    const include = parameter('/intents/{id}', 'get', 'include')!.schema;
    expect(accepts(include, 'entries,metrics')).toBe(true);
    expect(accepts(include, 'steps')).toBe(false);
  });
});
