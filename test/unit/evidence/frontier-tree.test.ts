import { createHash } from 'node:crypto';
import { FrontierTree, MerkleFrontier } from '../../../lambdas/core/evidence/frontier-tree.js';
import { LeafLog } from '../../../lambdas/core/evidence/leaf-log.js';
import { inclusionProof, merkleRoot, verifyInclusion } from '../../../lambdas/core/ledger/index.js';

const leaves = Array.from({ length: 40 }, (_, i) => createHash('sha256').update(`leaf ${i}`).digest('hex'));
const leafBytes = (i: number) => Buffer.from(leaves[i]!, 'hex');

function frontierAt(size: number): MerkleFrontier {
  const frontier = MerkleFrontier.empty();
  for (let i = 0; i < size; i++) frontier.push(leafBytes(i));
  return frontier;
}

describe('MerkleFrontier', () => {
  test('its root equals the RFC 9162 root for every size up to 40', () => {
    const frontier = MerkleFrontier.empty();
    for (let size = 0; size <= leaves.length; size++) {
      expect(frontier.root()).toBe(merkleRoot(leaves.slice(0, size)));
      if (size < leaves.length) frontier.push(leafBytes(size));
    }
  });

  test('its JSON holds one node per set bit of the size: the RFC 9162 roots of its perfect subtrees, largest first', () => {
    const hex = frontierAt(0b100101).toJSON();
    expect(hex.size).toBe(0b100101);
    expect(hex.nodes.map((node) => node.height)).toEqual([5, 2, 0]);
    let start = 0;
    for (const node of hex.nodes) {
      expect(node.hash).toBe(merkleRoot(leaves.slice(start, start + 2 ** node.height)));
      start += 2 ** node.height;
    }
  });

  test('an empty frontier has the hash of the empty string as its root and no nodes', () => {
    expect(MerkleFrontier.empty().root()).toBe(createHash('sha256').digest('hex'));
    expect(MerkleFrontier.empty().toJSON()).toEqual({ size: 0, nodes: [] });
  });

  test('round-trips through the hex form kept in the state store', () => {
    const hex = frontierAt(27).toJSON();
    const restored = MerkleFrontier.fromJSON(hex);
    expect(restored.toJSON()).toEqual(hex);
    expect(restored.root()).toBe(merkleRoot(leaves.slice(0, 27)));
    restored.push(leafBytes(27));
    expect(restored.root()).toBe(merkleRoot(leaves.slice(0, 28)));
  });

  test('past the roots its buffer first holds (255 leaves: eight), from leaves at offsets in one buffer or in plain Uint8Arrays, its roots stay the RFC 9162 roots', () => {
    const many = Array.from({ length: 600 }, (_, i) => createHash('sha256').update(`many ${i}`).digest());
    const joined = Buffer.concat(many);
    const fromBuffer = MerkleFrontier.empty();
    const fromArrays = MerkleFrontier.empty();
    for (let i = 0; i < many.length; i++) {
      fromBuffer.push(joined, 32 * i);
      fromArrays.push(new Uint8Array(joined.buffer, joined.byteOffset, joined.length), 32 * i);
      if (i === 254 || i === 255 || i === 511 || i === 599) {
        const root = merkleRoot(many.slice(0, i + 1).map((leaf) => leaf.toString('hex')));
        expect([fromBuffer.root(), fromArrays.root()]).toEqual([root, root]);
      }
    }
    // The leaves are read, never written: hashing a pair in place borrows a byte of the frontier's own buffer.
    expect(Buffer.concat(many).equals(joined)).toBe(true);
    const restored = MerkleFrontier.fromJSON(fromBuffer.toJSON());
    for (let i = 0; i < 300; i++) restored.push(createHash('sha256').update(`more ${i}`).digest());
    const all = [
      ...many,
      ...Array.from({ length: 300 }, (_, i) => createHash('sha256').update(`more ${i}`).digest()),
    ];
    expect(restored.root()).toBe(merkleRoot(all.map((leaf) => leaf.toString('hex'))));
    expect(restored.toJSON().nodes.map((node) => node.height)).toEqual([9, 8, 7, 2]);
  });

  test('a clone grows independently', () => {
    const a = frontierAt(5);
    const b = a.clone();
    b.push(leafBytes(5));
    expect([a.size, b.size]).toEqual([5, 6]);
    expect(a.root()).toBe(merkleRoot(leaves.slice(0, 5)));
  });
});

describe('FrontierTree', () => {
  test('inclusion proofs from any base equal the proofs over all leaves, for every size up to 40', () => {
    for (let size = 1; size <= leaves.length; size++) {
      for (let base = 0; base < size; base += 3) {
        const tree = new FrontierTree(frontierAt(base), leafBytes, size);
        for (let index = base; index < size; index++) {
          // Act
          const proof = tree.inclusionProof(index);
          // Assess
          expect(proof).toEqual(inclusionProof(leaves, index, size));
          expect(verifyInclusion(leaves[index]!, proof, merkleRoot(leaves.slice(0, size)))).toEqual({
            ok: true,
          });
        }
      }
    }
  });

  test('memoised, every proof of one tree is the same, and no subtree is hashed twice: a leaf is read at most twice', () => {
    // Prepare
    const reads = new Map<number, number>();
    const counted = (i: number) => {
      reads.set(i, (reads.get(i) ?? 0) + 1);
      return leafBytes(i);
    };
    const tree = new FrontierTree(frontierAt(8), counted, 40, true);

    // Act
    const proofs = Array.from({ length: 32 }, (_, i) => tree.inclusionProof(8 + i));

    // Assess
    proofs.forEach((proof, i) => {
      expect(proof).toEqual(inclusionProof(leaves, 8 + i, 40));
    });
    expect(tree.root()).toBe(merkleRoot(leaves));
    // Leaves are not kept: one read as a node, one as its neighbour's sibling. Unmemoised, leaf 8 alone is read 31 times.
    expect(Math.max(...reads.values())).toBeLessThanOrEqual(2);
  });

  test('roots from a base equal the roots over all leaves', () => {
    const tree = new FrontierTree(frontierAt(13), leafBytes, 40);
    for (let size = 13; size <= 40; size++) expect(tree.root(size)).toBe(merkleRoot(leaves.slice(0, size)));
  });

  test('refuses proofs that would need leaves hidden inside the frontier', () => {
    const tree = new FrontierTree(frontierAt(16), leafBytes, 20);
    expect(() => tree.inclusionProof(3)).toThrow(RangeError);
    expect(() => tree.root(15)).toThrow(RangeError);
    expect(() => new FrontierTree(frontierAt(16), leafBytes, 15)).toThrow(RangeError);
  });

  test('reads leaves from a LeafLog', () => {
    const log = new LeafLog();
    for (let i = 0; i < 2000; i++) log.push(createHash('sha256').update(`x${i}`).digest());
    const all = Array.from({ length: 2000 }, (_, i) => log.at(i).toString('hex'));
    const tree = new FrontierTree(MerkleFrontier.empty(), (i) => log.at(i), 2000);
    expect(tree.root()).toBe(merkleRoot(all));
    expect(() => log.at(2000)).toThrow(RangeError);
  });
});
