import { auditLedger } from '../../../lambdas/core/evidence/audit-ledger.js';
import { ledgerPayloads } from '../../../lambdas/core/ledger/entry-payloads.js';
import { signCheckpoint } from '../../../lambdas/core/pipeline/checkpoint.js';
import type { LedgerStore } from '../../../lambdas/ports/ledger-store.js';
import { appendFiller } from '../pipeline/helpers/filler-entry.js';
import { pipelineHarness } from '../pipeline/helpers/pipeline-harness.js';

/** A ledger on which another execution appends right after the checkpointer has read it. */
function racedLedger(ledger: LedgerStore, onRead: () => Promise<void>): LedgerStore {
  let raced = false;
  return {
    ...ledger,
    append: (name, draft) => ledger.append(name, draft),
    head: (name) => ledger.head(name),
    forIntent: (name, id) => ledger.forIntent(name, id),
    read: async (name, from, to) => {
      const entries = await ledger.read(name, from, to);
      if (!raced) {
        raced = true;
        await onRead();
      }
      return entries;
    },
  };
}

describe('ledger audit with concurrent executions', () => {
  test('a checkpoint that lands after entries it does not cover attests its own prefix', async () => {
    // Prepare
    const h = pipelineHarness();
    await appendFiller(h.deps, 'int-a', 'intent.declared', { n: 1 });
    await appendFiller(h.deps, 'int-a', 'admission.admitted', { n: 2 });
    const deps = {
      ...h.deps,
      ledger: racedLedger(h.ledger, async () => {
        await appendFiller(h.deps, 'int-b', 'admission.queued', { n: 3 });
      }),
    };

    // Act
    const checkpoint = await signCheckpoint('int-a', deps);
    const audit = auditLedger(await h.ledger.read('test'), await h.deps.publicKey());

    // Assess
    expect(checkpoint).toMatchObject({ size: 2, seq: 3 });
    expect(audit).toMatchObject({ ok: true, size: 4, checkpoints: 1 });
  });

  test('a checkpoint claiming more entries than precede it fails the audit', async () => {
    // Prepare: a well-chained entry whose checkpoint claims entries that do not exist yet.
    const h = pipelineHarness();
    await appendFiller(h.deps, 'int-a', 'intent.declared', { n: 1 });
    await signCheckpoint('int-a', h.deps);
    const signed = ledgerPayloads['checkpoint.signed'].parse((await h.ledger.read('test'))[1]!.entry.payload);
    await appendFiller(
      h.deps,
      'int-a',
      'checkpoint.signed',
      {
        ...signed,
        checkpoint: { ...signed.checkpoint, size: 5 },
      },
      'forged-checkpoint',
    );

    // Act
    const audit = auditLedger(await h.ledger.read('test'), await h.deps.publicKey());

    // Assess
    expect(audit).toMatchObject({ ok: false, seq: 2 });
  });
});
