import {
  chainEntry,
  EMPTY_TREE_HASH,
  leafHash,
  merkleRoot,
  verifyChain,
} from '../../../lambdas/core/ledger/index.js';
import type { StoredEntry } from '../../../lambdas/ports/ledger-store.js';
import { buildChain, draftAt } from './chain-fixtures.js';

function clone(chain: StoredEntry[]): StoredEntry[] {
  return JSON.parse(JSON.stringify(chain)) as StoredEntry[];
}

describe('verifyChain', () => {
  test('accepts an intact chain and returns its size and Merkle root', () => {
    // Prepare
    const chain = buildChain(10);

    // Act
    const result = verifyChain(chain);

    // Assess
    expect(result).toEqual({ ok: true, size: 10, rootHash: merkleRoot(chain.map((s) => s.hash)) });
  });

  test('accepts the empty ledger with the empty-tree root', () => {
    // Act / Assess
    expect(verifyChain([])).toEqual({ ok: true, size: 0, rootHash: EMPTY_TREE_HASH });
  });

  test('names an entry whose payload was edited', () => {
    // Prepare
    const chain = clone(buildChain(6));
    chain[3]!.entry.payload.step = 99;

    // Act / Assess
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 3, fault: 'hash-mismatch' });
  });

  test('names the entry after one that was edited and re-hashed', () => {
    // Prepare
    const chain = clone(buildChain(6));
    chain[3]!.entry.payload.step = 99;
    chain[3]!.hash = leafHash(chain[3]!.entry);

    // Act / Assess
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 4, fault: 'prev-hash-mismatch' });
  });

  test('names a forged genesis prevHash', () => {
    // Prepare
    const chain = clone(buildChain(2));
    chain[0]!.entry.prevHash = 'f'.repeat(64);
    chain[0]!.hash = leafHash(chain[0]!.entry);

    // Act / Assess
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 0, fault: 'prev-hash-mismatch' });
  });

  test('names a gap where an entry was deleted', () => {
    // Prepare
    const chain = buildChain(6);
    chain.splice(2, 1);

    // Act / Assess
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 2, fault: 'seq-gap' });
  });

  test('names a duplicated entry', () => {
    // Prepare
    const chain = buildChain(6);
    chain.splice(3, 0, chain[2]!);

    // Act / Assess
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 3, fault: 'seq-duplicate' });
  });

  test('names two swapped entries', () => {
    // Prepare
    const chain = buildChain(6);
    [chain[1], chain[4]] = [chain[4]!, chain[1]!];

    // Act / Assess
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 1, fault: 'seq-gap' });
  });

  test('names an earlier entry replayed further on', () => {
    // Prepare
    const chain = buildChain(5);
    chain.splice(3, 0, chain[0]!);

    // Act / Assess
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 3, fault: 'seq-reorder' });
  });

  test('names an entry from another ledger spliced in', () => {
    // Prepare
    const chain = buildChain(4);
    chain[2] = chainEntry('other', draftAt(2), chain[1]);

    // Act / Assess
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 2, fault: 'wrong-ledger' });
  });

  test('checks the expected ledger name when one is given', () => {
    // Act / Assess
    expect(verifyChain(buildChain(2), { ledger: 'other' })).toMatchObject({
      ok: false,
      seq: 0,
      fault: 'wrong-ledger',
    });
  });

  test('names a malformed entry and the field at fault', () => {
    // Prepare
    const chain = clone(buildChain(3));
    (chain[1]!.entry as unknown as Record<string, unknown>).seq = '1';

    // Act
    const result = verifyChain(chain);

    // Assess
    expect(result).toMatchObject({ ok: false, seq: 1, fault: 'malformed' });
    expect(result.ok === false && result.reason).toContain('entry.seq');
  });

  test('names an entry whose stored hash is not hex', () => {
    // Prepare
    const chain = clone(buildChain(3));
    chain[2]!.hash = chain[2]!.hash.toUpperCase();

    // Act / Assess
    expect(verifyChain(chain)).toMatchObject({ ok: false, seq: 2, fault: 'malformed' });
  });
});
