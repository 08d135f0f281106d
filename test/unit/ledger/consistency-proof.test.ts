import {
  type ConsistencyProof,
  consistencyProof,
  EMPTY_TREE_HASH,
  leafHashOfBytes,
  merkleRoot,
  verifyConsistency,
} from '../../../lambdas/core/ledger/index.js';
import { consistencyVectors, flipBit, leafData, rootsBySize, someHash } from './ct-vectors.js';

const leafHashes = leafData.map((hex) => leafHashOfBytes(Buffer.from(hex, 'hex')).toString('hex'));
const nonTrivial = consistencyVectors.filter((v) => v.path.length > 0);

function mutations(proof: ConsistencyProof, oldRoot: string, newRoot: string) {
  const { oldSize, newSize, path } = proof;
  const cases: Array<[string, ConsistencyProof, string, string]> = [
    ['oldSize - 1', { ...proof, oldSize: oldSize - 1 }, oldRoot, newRoot],
    ['oldSize + 1', { ...proof, oldSize: oldSize + 1 }, oldRoot, newRoot],
    ['oldSize ^ 2', { ...proof, oldSize: oldSize ^ 2 }, oldRoot, newRoot],
    ['newSize * 2', { ...proof, newSize: newSize * 2 }, oldRoot, newRoot],
    ['newSize / 2', { ...proof, newSize: Math.floor(newSize / 2) }, oldRoot, newRoot],
    ['wrong old root', proof, someHash, newRoot],
    ['wrong new root', proof, oldRoot, someHash],
    ['roots swapped', proof, newRoot, oldRoot],
    ['empty path', { ...proof, path: [] }, oldRoot, newRoot],
    ['trailing old root', { ...proof, path: [...path, oldRoot] }, oldRoot, newRoot],
    ['trailing new root', { ...proof, path: [...path, newRoot] }, oldRoot, newRoot],
    ['preceding old root', { ...proof, path: [oldRoot, ...path] }, oldRoot, newRoot],
    ['preceding new root', { ...proof, path: [newRoot, ...path] }, oldRoot, newRoot],
    ['preceding path[0]', { ...proof, path: [path[0]!, ...path] }, oldRoot, newRoot],
    ['last node removed', { ...proof, path: path.slice(0, -1) }, oldRoot, newRoot],
  ];
  path.forEach((_, i) => {
    const flipped = path.map((hash, j) => (j === i ? flipBit(hash, 0x10) : hash));
    cases.push([`path[${i}] bit-flipped`, { ...proof, path: flipped }, oldRoot, newRoot]);
  });
  return cases;
}

describe('consistencyProof', () => {
  test.each(consistencyVectors)(
    'builds the RFC 6962 test vector path from $oldSize to $newSize',
    (vector) => {
      // Act
      const proof = consistencyProof(leafHashes, vector.oldSize, vector.newSize);

      // Assess
      expect(proof).toEqual(vector);
    },
  );

  test('is empty from the empty tree', () => {
    // Act / Assess
    expect(consistencyProof(leafHashes, 0, 5).path).toEqual([]);
  });

  test('refuses a shrinking tree and a size beyond the leaves', () => {
    // Act / Assess
    expect(() => consistencyProof(leafHashes, 4, 3)).toThrow(RangeError);
    expect(() => consistencyProof(leafHashes, 1, 9)).toThrow(RangeError);
  });
});

describe('verifyConsistency', () => {
  test.each(consistencyVectors)('accepts the test vector path from $oldSize to $newSize', (vector) => {
    // Act
    const check = verifyConsistency(
      vector,
      rootsBySize[vector.oldSize - 1]!,
      rootsBySize[vector.newSize - 1]!,
    );

    // Assess
    expect(check).toEqual({ ok: true });
  });

  describe.each(nonTrivial)('rejects every mutation of the path from $oldSize to $newSize', (vector) => {
    const cases = mutations(vector, rootsBySize[vector.oldSize - 1]!, rootsBySize[vector.newSize - 1]!);
    test.each(cases)('%s', (_name, proof, oldRoot, newRoot) => {
      // Act
      const check = verifyConsistency(proof, oldRoot, newRoot);

      // Assess
      expect(check.ok).toBe(false);
    });
  });

  test.each([
    ['equal sizes, equal roots, empty path', 3, 3, 'a', 'a', [], true],
    ['equal sizes, different roots', 3, 3, 'a', 'b', [], false],
    ['equal sizes with a non-empty path', 3, 3, 'a', 'a', ['a'], false],
    ['from the empty tree', 0, 3, 'e', 'b', [], true],
    ['from the empty tree with a non-empty path', 0, 3, 'e', 'b', ['a'], false],
    ['shrinking tree', 4, 3, 'a', 'b', [], false],
    ['growing tree with an empty path', 1, 2, 'a', 'b', [], false],
  ] as const)('edge case: %s', (_name, oldSize, newSize, oldKey, newKey, pathKeys, expected) => {
    // Prepare
    const named: Record<string, string> = { a: rootsBySize[0]!, b: rootsBySize[1]!, e: EMPTY_TREE_HASH };
    const proof = { oldSize, newSize, path: pathKeys.map((k) => named[k]!) };

    // Act
    const check = verifyConsistency(proof, named[oldKey]!, named[newKey]!);

    // Assess
    expect(check.ok).toBe(expected);
  });

  test('every pair of tree sizes up to 40 leaves is consistent, and not against a rewritten history', () => {
    // Prepare
    const leaves = Array.from({ length: 40 }, (_, i) =>
      leafHashOfBytes(Buffer.from(`leaf ${i}`)).toString('hex'),
    );
    const roots = Array.from({ length: 41 }, (_, n) => merkleRoot(leaves.slice(0, n)));
    const failures: string[] = [];

    // Act
    for (let newSize = 1; newSize <= leaves.length; newSize += 1) {
      for (let oldSize = 1; oldSize < newSize; oldSize += 1) {
        const proof = consistencyProof(leaves, oldSize, newSize);
        if (!verifyConsistency(proof, roots[oldSize]!, roots[newSize]!).ok)
          failures.push(`${oldSize}→${newSize}`);
        const rewritten = [...leaves.slice(0, oldSize - 1), someHash];
        if (verifyConsistency(proof, merkleRoot(rewritten), roots[newSize]!).ok) {
          failures.push(`${oldSize}→${newSize} accepted a rewritten old tree`);
        }
      }
    }

    // Assess
    expect(failures).toEqual([]);
  });
});
