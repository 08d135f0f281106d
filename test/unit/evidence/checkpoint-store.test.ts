import { generateKeyPairSync } from 'node:crypto';
import { VirtualClock } from '../../../lambdas/adapters/local/virtual-clock.js';
import { LedgerIntegrityError } from '../../../lambdas/core/errors.js';
import { checkpointObjectKey } from '../../../lambdas/core/evidence/checkpoint-object.js';
import { readCheckpointObject } from '../../../lambdas/core/evidence/checkpoint-store.js';
import { signPendingCheckpoints } from '../../../lambdas/core/pipeline/checkpoint.js';
import type { PipelineDeps } from '../../../lambdas/core/pipeline/deps.js';
import { NOW } from '../core/fixtures.js';
import { appendFiller } from '../pipeline/helpers/filler-entry.js';
import { pipelineHarness } from '../pipeline/helpers/pipeline-harness.js';
import { WriteOnceEvidence } from './helpers/write-once-evidence.js';

/** Counts the reads that reach the store. */
class CountingEvidence extends WriteOnceEvidence {
  gets = 0;
  override async getObject(key: string): Promise<Uint8Array | undefined> {
    this.gets++;
    return super.getObject(key);
  }
}

async function signedHeads(count: number) {
  const h = pipelineHarness(NOW, new VirtualClock(NOW));
  const evidence = new CountingEvidence();
  const deps: PipelineDeps = { ...h.deps, evidence };
  const keys: string[] = [];
  for (let n = 1; n <= count; n++) {
    await appendFiller(deps, `intent-${n}`, 'test.filler', { n });
    const head = await signPendingCheckpoints(deps, 64);
    keys.push(checkpointObjectKey(deps.ledgerName, head.signed.checkpoint.size));
  }
  return { deps, evidence, keys, publicKey: await h.deps.publicKey() };
}

describe('reading back a checkpoint object', () => {
  test('one this process just wrote is read back from memory, not read and verified again', async () => {
    // Arrange
    const { evidence, keys, publicKey } = await signedHeads(1);
    const gets = evidence.gets;

    // Act
    const read = await readCheckpointObject(evidence, keys[0]!, publicKey);

    // Assess
    expect(evidence.gets).toBe(gets);
    expect(read?.signed.checkpoint.size).toBe(1);
    expect(read?.uri).toBe(evidence.uriOf(keys[0]!));
  });

  test('another store, or another public key, reads and verifies the object itself', async () => {
    // Arrange
    const { evidence, keys, publicKey } = await signedHeads(1);
    const copy = new CountingEvidence();
    copy.objects.set(keys[0]!, evidence.objects.get(keys[0]!)!);
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      type: 'spki',
      format: 'der',
    });

    // Act
    const fromCopy = await readCheckpointObject(copy, keys[0]!, publicKey);
    const underOtherKey = readCheckpointObject(evidence, keys[0]!, otherKey);

    // Assess
    expect(copy.gets).toBe(1);
    expect(fromCopy?.signed.checkpoint.size).toBe(1);
    await expect(underOtherKey).rejects.toBeInstanceOf(LedgerIntegrityError);
  });

  test('only the newest objects are kept: an old one is read from the store again', async () => {
    // Arrange
    const { evidence, keys, publicKey } = await signedHeads(40);
    const gets = evidence.gets;

    // Act
    const oldest = await readCheckpointObject(evidence, keys[0]!, publicKey);
    const newest = await readCheckpointObject(evidence, keys.at(-1)!, publicKey);

    // Assess
    expect(oldest?.signed.checkpoint.size).toBe(1);
    expect(newest?.signed.checkpoint.size).toBe(40);
    expect(evidence.gets).toBe(gets + 1);
  });
});
