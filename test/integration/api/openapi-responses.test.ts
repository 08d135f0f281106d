import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { bearerCaller, issueToken } from '../../../cli/runtime/local-tokens.js';
import { openApiDocument } from '../../../lambdas/api/openapi.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';
import { intentsBudgetMs, setupMs } from '../../support/time-budget.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/** A Wednesday afternoon outside every freeze. */
const NOW = new Date('2026-11-04T15:00:00Z');

type Schema = Record<string, unknown>;
const document = openApiDocument() as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>
  >;
  components: { schemas: Record<string, Schema> };
};
const ajv = new Ajv2020({ strict: false });
addFormatsModule.default(ajv);
for (const [name, schema] of Object.entries(document.components.schemas)) {
  ajv.addSchema(schema, `#/components/schemas/${name}`);
}
/** The schema the document gives an answer's body, its reference followed. */
const schemaOf = (path: string, method: string, status: string): Schema => {
  const schema = document.paths[path]![method]!.responses[status]!.content!['application/json']!.schema;
  const ref = schema.$ref as string | undefined;
  return ref ? document.components.schemas[ref.replace('#/components/schemas/', '')]! : schema;
};
const conforms = (schema: Schema, body: unknown) => {
  const validate = ajv.compile(schema);
  return validate(body) ? [] : validate.errors;
};

/** The answers the OpenAPI document describes in detail are the answers the server gives. */
describe('the OpenAPI response schemas hold for real answers', () => {
  let home: string;
  let api: LocalApiServer;
  let token = '';
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const intent = { ...example('01-low-risk-flag.json'), id: 'openapi-low-1' };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-openapi-'));
    token = issueToken(home, 'alice');
    api = await startLocalApi(home, bearerCaller(home), NOW);
  }, setupMs);
  afterAll(async () => {
    await api?.close();
    rmSync(home, { recursive: true, force: true });
  }, setupMs);

  test(
    'POST /intents: its 202, its duplicate 200 and its dry-run 200',
    async () => {
      const accepted = await send('POST', '/intents', intent);
      await api.executions.idle();
      const duplicate = await send('POST', '/intents', intent);
      const dryRun = await send('POST', '/intents?dryRun=true', { ...intent, id: 'openapi-dry-1' });

      expect([accepted.status, duplicate.status, dryRun.status]).toEqual([202, 200, 200]);
      const acceptedSchema = schemaOf('/intents', 'post', '202');
      expect(acceptedSchema.required).toEqual(expect.arrayContaining(['intentId', 'executionId', 'status']));
      expect(conforms(acceptedSchema, accepted.body)).toEqual([]);
      expect(conforms(schemaOf('/intents', 'post', '200'), duplicate.body)).toEqual([]);
      expect(conforms(schemaOf('/intents', 'post', '200'), dryRun.body)).toEqual([]);
      expect(conforms(acceptedSchema, { intentId: 'x' })).not.toEqual([]);
    },
    intentsBudgetMs(1),
  );

  test('GET /intents: a page with its items and nextCursor', async () => {
    await send('POST', '/intents', { ...intent, id: 'openapi-low-2' });
    await api.executions.idle();

    const page = await send('GET', '/intents?limit=1');

    const schema = schemaOf('/intents', 'get', '200');
    expect(schema.required).toEqual(['items']);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    expect(conforms(schema, page.body)).toEqual([]);
    expect(conforms(schema, { ...page.body, items: [{ intentId: 1 }] })).not.toEqual([]);
  });

  test('GET /intents/{id}: its status, and with include=entries,metrics its entries and metrics too', async () => {
    const plain = await send('GET', '/intents/openapi-low-1');
    const full = await send('GET', '/intents/openapi-low-1?include=entries,metrics');

    const schema = schemaOf('/intents/{id}', 'get', '200');
    expect(schema.required).toEqual(expect.arrayContaining(['intentId', 'status', 'steps', 'reasons']));
    expect(full.body.entries).toEqual(expect.any(Array));
    expect(conforms(schema, plain.body)).toEqual([]);
    expect(conforms(schema, full.body)).toEqual([]);
  });
});
