import type { APIGatewayProxyEvent } from 'aws-lambda';
import { reportValue } from '../../../lambdas/api/report-value.js';
import { MemoryLedgerStore } from '../../unit/pipeline/helpers/memory-ledger.js';
import { CountingLedger, ledgerName, recordChanges } from '../../unit/pipeline/helpers/value-ledger.js';
import { MemoryStateStore } from '../../unit/release/helpers/memory-state-store.js';

const get = (query: Record<string, string> = {}) =>
  ({ queryStringParameters: query }) as unknown as APIGatewayProxyEvent;

const changes = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `change-${from + i}`, at: (from + i) * 90 }));

describe('GET /value reads the ledger once, not on every request', () => {
  test('a second request reads only the entries appended since the first, and answers for all of them', async () => {
    // Prepare: 40 concluded changes (3 entries each), one request, then 2 more changes.
    const ledger = new CountingLedger(new MemoryLedgerStore());
    const deps = { ledger, ledgerName, state: new MemoryStateStore() };
    await recordChanges(ledger, changes(0, 40));
    const first = await reportValue(get(), deps);
    await recordChanges(ledger, changes(40, 2));
    ledger.entriesRead = 0;

    // Act
    const second = await reportValue(get(), deps);

    // Assess: the 6 new entries, once: the two new intents are summarized from them, not read again.
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(ledger.entriesRead).toBe(6);
    expect(JSON.parse(second.body).groups[0].intents).toBe(42);
  });

  test('a request with nothing new reads no ledger entry at all', async () => {
    // Prepare
    const ledger = new CountingLedger(new MemoryLedgerStore());
    const deps = { ledger, ledgerName, state: new MemoryStateStore() };
    await recordChanges(ledger, changes(0, 10));
    const first = await reportValue(get(), deps);
    ledger.entriesRead = 0;

    // Act
    const again = await reportValue(get(), deps);

    // Assess
    expect(ledger.entriesRead).toBe(0);
    expect(again.body).toBe(first.body);
  });
});
