import { createHash } from 'node:crypto';
import { merkleRoot } from '../../../lambdas/core/ledger/index.js';
import {
  emptyFrontier,
  extendFrontier,
  frontierRoot,
} from '../../../lambdas/core/pipeline/merkle-frontier.js';

const leaf = (i: number) => createHash('sha256').update(`leaf ${i}`).digest('hex');

describe('Merkle frontier', () => {
  test('the root after extending leaf by leaf equals the RFC 9162 root of all leaves, for every size up to 70', () => {
    // Prepare
    const leaves = Array.from({ length: 70 }, (_, i) => leaf(i));
    let frontier = emptyFrontier;
    for (let size = 1; size <= leaves.length; size++) {
      // Act
      frontier = extendFrontier(frontier, [leaves[size - 1]!]);
      // Assess
      expect(frontier.size).toBe(size);
      expect(frontierRoot(frontier)).toBe(merkleRoot(leaves.slice(0, size)));
    }
  });

  test('extending in batches gives the same frontier as one leaf at a time', () => {
    const leaves = Array.from({ length: 37 }, (_, i) => leaf(i));
    const batched = extendFrontier(
      extendFrontier(extendFrontier(emptyFrontier, leaves.slice(0, 5)), leaves.slice(5, 21)),
      leaves.slice(21),
    );
    const single = leaves.reduce((f, l) => extendFrontier(f, [l]), emptyFrontier);
    expect(batched).toEqual(single);
  });

  test('an empty tree has the hash of the empty string as its root', () => {
    expect(frontierRoot(emptyFrontier)).toBe(createHash('sha256').digest('hex'));
  });

  test('a frontier holds one node per set bit of its size', () => {
    const frontier = extendFrontier(
      emptyFrontier,
      Array.from({ length: 0b101101 }, (_, i) => leaf(i)),
    );
    expect(frontier.nodes.map((n) => n.height)).toEqual([5, 3, 2, 0]);
  });
});
