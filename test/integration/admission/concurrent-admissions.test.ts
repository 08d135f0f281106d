import { DynamoLedgerStore } from '../../../lambdas/adapters/aws/dynamodb-ledger-store.js';
import { DynamoStateStore } from '../../../lambdas/adapters/aws/dynamodb-state-store.js';
import { overlapOf } from '../../../lambdas/core/admission/occupant.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { type InFlightRecord, stateKeys } from '../../../lambdas/core/state-keys.js';
import { intentsBudgetMs } from '../../support/time-budget.js';
import { admit, changes, declared } from '../../unit/admission/harness.js';
import { type Harness, pipelineHarness } from '../../unit/pipeline/helpers/pipeline-harness.js';
import { clientFor, type LocalTables, startLocalTables } from '../ledger/dynalite-fixture.js';

/**
 * Many AdmitPolicy attempts at once against DynamoStateStore on dynalite, each with its own DynamoDB client as
 * separate Lambda invocations would have: the conditional writes on the admission sequencer must keep any two
 * overlapping intents from being admitted together, and hand out arrival tickets once each.
 */
let tables: LocalTables;
let h: Harness;

beforeAll(async () => {
  tables = await startLocalTables();
  const base = pipelineHarness();
  h = {
    ...base,
    deps: {
      ...base.deps,
      state: new DynamoStateStore(tables.client, tables.names.state),
      ledger: new DynamoLedgerStore(tables.client, tables.names.ledger),
      ledgerName: 'test',
    },
  };
});
afterAll(async () => {
  await tables.close();
});

/** AdmitPolicy for one intent through a client of its own, as its own Lambda invocation would run it. */
async function admitAlone(state: PipelineState): Promise<PipelineState> {
  const client = clientFor(tables.endpoint, 10);
  try {
    const own = { ...h, deps: { ...h.deps, state: new DynamoStateStore(client, tables.names.state) } };
    return await admit(own, state);
  } finally {
    client.destroy();
  }
}

async function occupancy(): Promise<InFlightRecord[]> {
  return (await h.deps.state.list<InFlightRecord>(stateKeys.inFlight().pk)).map((item) => item.data);
}

function overlappingAdmittedPairs(records: InFlightRecord[]): string[] {
  const admitted = records.filter((r) => (r.status ?? 'admitted') === 'admitted');
  const pairs: string[] = [];
  for (const [i, a] of admitted.entries()) {
    for (const b of admitted.slice(i + 1)) if (overlapOf(a, b)) pairs.push(`${a.intentId}+${b.intentId}`);
  }
  return pairs;
}

test(
  'concurrent admissions never admit two overlapping intents, and the queue drains in arrival order',
  async () => {
    // Prepare: 18 intents over four services whose blast radii overlap in a chain.
    const edits = [undefined, changes.incidentRouter, changes.procurement, changes.customerOnboarding];
    const states: PipelineState[] = [];
    for (let i = 0; i < 18; i++) {
      const edit = edits[i % edits.length];
      states.push(
        await declared(h, ...(edit ? [edit] : []), (d) => {
          d.title = `Concurrent change ${i}`;
        }),
      );
    }

    // Act: every intent asks at once; then, round by round, admitted releases conclude and the queue re-asks at once.
    let pending = await Promise.all(states.map(admitAlone));
    const firstRound = await occupancy();
    const admittedOrder: InFlightRecord[] = [];
    const violations: string[] = [...overlappingAdmittedPairs(firstRound)];
    for (let round = 0; round < 30 && pending.length > 0; round++) {
      const records = await occupancy();
      const admitted = records.filter((r) => r.status === 'admitted');
      admittedOrder.push(...admitted);
      for (const r of admitted)
        await h.deps.state.delete(stateKeys.inFlightIntent(r.intentId).pk, r.intentId);
      pending = pending.filter((s) => s.admission?.verdict === 'queued');
      pending = await Promise.all(pending.map(admitAlone));
      violations.push(...overlappingAdmittedPairs(await occupancy()));
    }
    admittedOrder.push(...(await occupancy()).filter((r) => r.status === 'admitted'));

    // Assess
    expect(violations).toEqual([]);
    const tickets = firstRound.map((r) => r.arrival);
    expect(new Set(tickets).size).toBe(states.length);
    expect(admittedOrder).toHaveLength(states.length);
    // No intent was admitted before an earlier-ticketed intent that overlaps it.
    const overtaken = admittedOrder.flatMap((later, i) =>
      admittedOrder
        .slice(i + 1)
        .filter((earlier) => (earlier.arrival ?? 0) < (later.arrival ?? 0) && overlapOf(earlier, later))
        .map((earlier) => `${later.intentId} before ${earlier.intentId}`),
    );
    expect(overtaken).toEqual([]);
  },
  intentsBudgetMs(18),
);
