import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { namedLocally } from '../../../cli/runtime/local-caller.js';
import { type LocalApiServer, startLocalApi } from '../../support/local-api-server.js';

const rejected = {
  ...JSON.parse(readFileSync(new URL('../../../examples/03-policy-reject.json', import.meta.url), 'utf8')),
  id: 'paging-sooner',
};

/**
 * A policy-rejected intent submitted again, through the API on the local runtime with the real ASL: a new
 * attempt runs under its own id, its declaration naming the attempt it follows; the one after is a duplicate.
 */
describe('resubmitting a rejected intent', () => {
  let home: string;
  let api: LocalApiServer;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'itv-attempts-'));
    api = await startLocalApi(home, () => namedLocally('rachel', 'test'), new Date('2026-11-03T15:00:00Z'));
  });
  afterAll(async () => {
    await api.close();
    rmSync(home, { recursive: true, force: true });
  });

  const submit = async () => {
    const response = await fetch(`${api.base}/intents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rejected),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const types = async (id: string) =>
    (await api.stack.deps.ledger.forIntent('main', id)).map((stored) => stored.entry);

  test('starts a second attempt linked to the first, and a third after that one was rejected too', async () => {
    // Prepare
    expect((await submit()).status).toBe(202);
    await api.executions.idle();
    expect((await types('paging-sooner')).map((e) => e.type)).toContain('intent.concluded');

    // Act
    const second = await submit();
    await api.executions.idle();
    const third = await submit();

    // Assess
    expect(second).toMatchObject({
      status: 202,
      body: { intentId: 'paging-sooner:attempt-2', previousIntentId: 'paging-sooner' },
    });
    const declared = (await types('paging-sooner:attempt-2')).find((e) => e.type === 'intent.declared');
    expect(declared?.payload).toMatchObject({
      attempt: { intentId: 'paging-sooner', number: 2, previousIntentId: 'paging-sooner' },
    });
    expect((await types('paging-sooner:attempt-2')).map((e) => e.type)).toContain('intent.concluded');
    expect((await types('paging-sooner:attempt-2')).map((e) => e.type)).not.toContain('stage.failed');
    expect(third).toMatchObject({
      status: 202,
      body: { intentId: 'paging-sooner:attempt-3', previousIntentId: 'paging-sooner:attempt-2' },
    });
  });

  test("an intent whose own id takes the attempts' suffix is refused, naming the field", async () => {
    const response = await fetch(`${api.base}/intents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...rejected, id: 'paging-sooner:attempt-7' }),
    });
    const body = (await response.json()) as { issues?: Array<{ path: string; message: string }> };
    expect(response.status).toBe(400);
    expect(body.issues).toContainEqual(
      expect.objectContaining({ path: 'id', message: expect.stringMatching(/attempt/) }),
    );
  });
});
