import {
  EMPTY_TREE_HASH,
  type InclusionProof,
  inclusionProof,
  leafHashOfBytes,
  merkleRoot,
  verifyInclusion,
} from '../../../lambdas/core/ledger/index.js';
import { flipBit, inclusionVectors, leafData, rootsBySize, someHash } from './ct-vectors.js';

const leafHashes = leafData.map((hex) => leafHashOfBytes(Buffer.from(hex, 'hex')).toString('hex'));

function mutations(proof: InclusionProof, root: string, leaf: string) {
  const { leafIndex, treeSize, path } = proof;
  const cases: Array<[string, InclusionProof, string, string]> = [
    ['leafIndex - 1', { ...proof, leafIndex: leafIndex - 1 }, root, leaf],
    ['leafIndex + 1', { ...proof, leafIndex: leafIndex + 1 }, root, leaf],
    ['leafIndex ^ 2', { ...proof, leafIndex: leafIndex ^ 2 }, root, leaf],
    ['treeSize * 2', { ...proof, treeSize: treeSize * 2 }, root, leaf],
    ['treeSize / 2', { ...proof, treeSize: Math.floor(treeSize / 2) }, root, leaf],
    ['wrong leaf', proof, root, someHash],
    ['empty-tree root', proof, EMPTY_TREE_HASH, leaf],
    ['random root', proof, someHash, leaf],
    ['trailing root', { ...proof, path: [...path, root] }, root, leaf],
    ['preceding root', { ...proof, path: [root, ...path] }, root, leaf],
    ['trailing garbage', { ...proof, path: [...path, ''] }, root, leaf],
  ];
  path.forEach((_, i) => {
    const flipped = path.map((hash, j) => (j === i ? flipBit(hash) : hash));
    cases.push([`path[${i}] bit-flipped`, { ...proof, path: flipped }, root, leaf]);
  });
  if (path.length > 0)
    cases.push(['last sibling removed', { ...proof, path: path.slice(0, -1) }, root, leaf]);
  if (path.length > 1) {
    cases.push(['sibling inserted', { ...proof, path: [path[0]!, someHash, ...path.slice(1)] }, root, leaf]);
  }
  return cases;
}

describe('inclusionProof', () => {
  test.each(inclusionVectors)(
    'builds the RFC 6962 test vector path for leaf $leafIndex of $treeSize',
    (vector) => {
      // Act
      const proof = inclusionProof(leafHashes, vector.leafIndex, vector.treeSize);

      // Assess
      expect(proof).toEqual(vector);
    },
  );

  test('a single-leaf tree has an empty path', () => {
    // Act / Assess
    expect(inclusionProof(leafHashes, 0, 1).path).toEqual([]);
  });

  test('refuses an index outside the tree and a size beyond the leaves', () => {
    // Act / Assess
    expect(() => inclusionProof(leafHashes, 3, 3)).toThrow(RangeError);
    expect(() => inclusionProof(leafHashes, 0, 9)).toThrow(RangeError);
    expect(() => inclusionProof(leafHashes, -1, 3)).toThrow(RangeError);
  });
});

describe('verifyInclusion', () => {
  test.each(inclusionVectors)('accepts the test vector path for leaf $leafIndex of $treeSize', (vector) => {
    // Act
    const check = verifyInclusion(leafHashes[vector.leafIndex]!, vector, rootsBySize[vector.treeSize - 1]!);

    // Assess
    expect(check).toEqual({ ok: true });
  });

  describe.each(inclusionVectors)(
    'rejects every mutation of the path for leaf $leafIndex of $treeSize',
    (vector) => {
      const root = rootsBySize[vector.treeSize - 1]!;
      test.each(mutations(vector, root, leafHashes[vector.leafIndex]!))(
        '%s',
        (_name, proof, mutatedRoot, leaf) => {
          // Act
          const check = verifyInclusion(leaf, proof, mutatedRoot);

          // Assess
          expect(check.ok).toBe(false);
        },
      );
    },
  );

  test('every leaf of every tree up to 40 leaves proves against its root, and only at its own index', () => {
    // Prepare
    const leaves = Array.from({ length: 40 }, (_, i) =>
      leafHashOfBytes(Buffer.from(`leaf ${i}`)).toString('hex'),
    );
    const failures: string[] = [];

    // Act
    for (let size = 1; size <= leaves.length; size += 1) {
      const root = merkleRoot(leaves.slice(0, size));
      for (let index = 0; index < size; index += 1) {
        const proof = inclusionProof(leaves, index, size);
        if (!verifyInclusion(leaves[index]!, proof, root).ok) failures.push(`${index}/${size} rejected`);
        const other = (index + 1) % size;
        if (other !== index && verifyInclusion(leaves[other]!, proof, root).ok) {
          failures.push(`${other} accepted with the proof of ${index}/${size}`);
        }
      }
    }

    // Assess
    expect(failures).toEqual([]);
  });

  test('rejects malformed input with a reason instead of throwing', () => {
    // Prepare
    const proof = { leafIndex: 0, treeSize: 1, path: [] };

    // Act
    const checks = [
      verifyInclusion('nothex', proof, rootsBySize[0]!),
      verifyInclusion(leafHashes[0]!, { ...proof, treeSize: 0 }, rootsBySize[0]!),
      verifyInclusion(leafHashes[0]!, { ...proof, leafIndex: 0.5 }, rootsBySize[0]!),
      verifyInclusion(leafHashes[0]!, { ...proof, path: [7 as unknown as string] }, rootsBySize[0]!),
    ];

    // Assess
    for (const check of checks) expect(check).toEqual({ ok: false, reason: expect.any(String) });
    expect(verifyInclusion(leafHashes[0]!, proof, rootsBySize[0]!)).toEqual({ ok: true });
  });
});
