import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localApi, principalHeader } from '../../../cli/commands/serve.js';
import { LocalExecutions } from '../../../cli/runtime/local-executions.js';
import { type Session, withSession } from '../../../cli/session.js';

const example = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

/** The API Gateway routes over local HTTP, answered by the same handler functions the Lambdas run. */
describe('itv serve', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'itv-serve-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  async function withApi(work: (base: string, executions: LocalExecutions) => Promise<void>) {
    await withSession({ home, inMemory: true }, async (session: Session) => {
      const executions = new LocalExecutions(
        session.pipeline,
        session.stack.deps.ledger,
        session.stack.deps.ledgerName,
      );
      const server: Server = createServer((req, res) => void localApi(session, executions)(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        await work(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, executions);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await executions.idle();
      }
    });
  }

  test('submit, duplicate, status, bad input, review', async () => {
    await withApi(async (base, executions) => {
      // Act: a low-risk intent
      const low = { ...example('01-low-risk-flag.json'), id: 'api-low-1' };
      const first = await fetch(`${base}/intents`, { method: 'POST', body: JSON.stringify(low) });
      const again = await fetch(`${base}/intents`, { method: 'POST', body: JSON.stringify(low) });
      await executions.idle();
      const status = await fetch(`${base}/intents/api-low-1`);

      // Assess
      expect(first.status).toBe(202);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ duplicate: true });
      expect(await status.json()).toMatchObject({ intentId: 'api-low-1', status: 'released' });

      // Bad input names the field
      const bad = await fetch(`${base}/intents`, {
        method: 'POST',
        body: JSON.stringify({ ...low, timestamp: 'soon' }),
      });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain('timestamp');
      expect((await fetch(`${base}/intents/nope`)).status).toBe(404);

      // A high-risk intent waits for review; the caller's identity is the reviewer of record
      const high = { ...example('04-high-risk-review.json'), id: 'api-high-1' };
      expect((await fetch(`${base}/intents`, { method: 'POST', body: JSON.stringify(high) })).status).toBe(
        202,
      );
      await executions.idle();
      expect(await (await fetch(`${base}/intents/api-high-1`)).json()).toMatchObject({
        status: 'awaiting-review',
      });
      const review = (principal: string) =>
        fetch(`${base}/intents/api-high-1/review`, {
          method: 'POST',
          headers: { [principalHeader]: principal },
          body: JSON.stringify({ decision: 'approve' }),
        });
      expect((await review('alice@example.com')).status).toBe(403);
      expect((await review('xavier@example.com')).status).toBe(200);
      await executions.idle();
      expect(await (await fetch(`${base}/intents/api-high-1`)).json()).toMatchObject({ status: 'released' });
      expect((await review('xavier@example.com')).status).toBe(409);
    });
  });
});
