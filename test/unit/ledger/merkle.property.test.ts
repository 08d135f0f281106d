import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { FrontierTree, MerkleFrontier } from '../../../lambdas/core/evidence/frontier-tree.js';
import {
  consistencyProof,
  inclusionProof,
  merkleRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../../lambdas/core/ledger/index.js';

/*
 * RFC 9162 properties over random tree sizes, indices and leaves: the vectors (ct-vectors.ts) pin single
 * trees, these pin that every proof the code makes verifies, and that a changed leaf or node never does.
 */

/** `size` distinct leaf hashes drawn from `seed`. */
function leaves(seed: number, size: number): string[] {
  return Array.from({ length: size }, (_, i) => createHash('sha256').update(`${seed}:${i}`).digest('hex'));
}

/** The hash with one bit of one byte flipped. */
function tamper(hash: string, byte: number, bit: number): string {
  const bytes = Buffer.from(hash, 'hex');
  bytes[byte % 32]! ^= 1 << (bit % 8);
  return bytes.toString('hex');
}

const seed = fc.nat();
/** A tree size and a leaf index in it. */
const sizeAndIndex = fc
  .integer({ min: 1, max: 300 })
  .chain((size) => fc.record({ size: fc.constant(size), index: fc.nat({ max: size - 1 }) }));
/** Two tree sizes, old ≤ new. */
const sizes = fc
  .integer({ min: 0, max: 300 })
  .chain((newSize) => fc.record({ oldSize: fc.nat({ max: newSize }), newSize: fc.constant(newSize) }));
const flip = fc.record({ byte: fc.nat({ max: 31 }), bit: fc.nat({ max: 7 }) });

describe('Merkle tree properties (RFC 9162)', () => {
  test('every inclusion proof verifies against the root of its tree size', () => {
    fc.assert(
      fc.property(seed, sizeAndIndex, (s, { size, index }) => {
        const hashes = leaves(s, size);
        const proof = inclusionProof(hashes, index);
        expect(verifyInclusion(hashes[index]!, proof, merkleRoot(hashes))).toEqual({ ok: true });
      }),
    );
  });

  test('an inclusion proof fails for a tampered leaf, a tampered path node, another leaf or another root', () => {
    fc.assert(
      fc.property(seed, sizeAndIndex, flip, (s, { size, index }, { byte, bit }) => {
        const hashes = leaves(s, size);
        const root = merkleRoot(hashes);
        const proof = inclusionProof(hashes, index);
        expect(verifyInclusion(tamper(hashes[index]!, byte, bit), proof, root).ok).toBe(false);
        expect(verifyInclusion(hashes[index]!, proof, tamper(root, byte, bit)).ok).toBe(false);
        if (size > 1) {
          const node = (byte + bit) % proof.path.length;
          const path = proof.path.map((hash, i) => (i === node ? tamper(hash, byte, bit) : hash));
          expect(verifyInclusion(hashes[index]!, { ...proof, path }, root).ok).toBe(false);
          expect(verifyInclusion(hashes[(index + 1) % size]!, proof, root).ok).toBe(false);
        }
      }),
    );
  });

  test('a proof in an older tree verifies against that tree’s root and not the newer one', () => {
    fc.assert(
      fc.property(seed, sizeAndIndex, fc.integer({ min: 1, max: 50 }), (s, { size, index }, more) => {
        const hashes = leaves(s, size + more);
        const proof = inclusionProof(hashes, index, size);
        expect(verifyInclusion(hashes[index]!, proof, merkleRoot(hashes.slice(0, size))).ok).toBe(true);
        expect(verifyInclusion(hashes[index]!, proof, merkleRoot(hashes)).ok).toBe(false);
      }),
    );
  });

  test('every consistency proof verifies between the two roots', () => {
    fc.assert(
      fc.property(seed, sizes, (s, { oldSize, newSize }) => {
        const hashes = leaves(s, newSize);
        const proof = consistencyProof(hashes, oldSize, newSize);
        const check = verifyConsistency(proof, merkleRoot(hashes.slice(0, oldSize)), merkleRoot(hashes));
        expect(check).toEqual({ ok: true });
      }),
    );
  });

  test('a history rewritten under the old tree head fails consistency', () => {
    const rewrite = fc.integer({ min: 2, max: 300 }).chain((newSize) =>
      fc.record({
        oldSize: fc.integer({ min: 1, max: newSize - 1 }),
        newSize: fc.constant(newSize),
      }),
    );
    fc.assert(
      fc.property(seed, rewrite, fc.nat(), flip, (s, { oldSize, newSize }, at, { byte, bit }) => {
        const hashes = leaves(s, newSize);
        const rewritten = hashes.map((hash, i) => (i === at % oldSize ? tamper(hash, byte, bit) : hash));
        const proof = consistencyProof(rewritten, oldSize, newSize);
        const check = verifyConsistency(proof, merkleRoot(hashes.slice(0, oldSize)), merkleRoot(rewritten));
        expect(check.ok).toBe(false);
      }),
    );
  });

  test('a frontier fed leaf by leaf has the root of every prefix, and survives its JSON form', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 120 }), (s, size) => {
        const hashes = leaves(s, size);
        let frontier = MerkleFrontier.empty();
        for (const [i, hash] of hashes.entries()) {
          frontier.push(Buffer.from(hash, 'hex'));
          if (i % 17 === 0) frontier = MerkleFrontier.fromJSON(JSON.parse(JSON.stringify(frontier.toJSON())));
          expect(frontier.root()).toBe(merkleRoot(hashes.slice(0, i + 1)));
        }
        expect(frontier.size).toBe(size);
      }),
      { numRuns: 30 },
    );
  });

  test('a tree on a frontier makes the same proofs as the whole ledger does', () => {
    const shape = fc.integer({ min: 1, max: 300 }).chain((size) =>
      fc.nat({ max: size - 1 }).chain((base) =>
        fc.record({
          size: fc.constant(size),
          base: fc.constant(base),
          index: fc.integer({ min: base, max: size - 1 }),
        }),
      ),
    );
    fc.assert(
      fc.property(seed, shape, (s, { size, base, index }) => {
        const hashes = leaves(s, size);
        const frontier = MerkleFrontier.empty();
        for (const hash of hashes.slice(0, base)) frontier.push(Buffer.from(hash, 'hex'));
        const tree = new FrontierTree(frontier, (i) => Buffer.from(hashes[i]!, 'hex'), size);
        expect(tree.root()).toBe(merkleRoot(hashes));
        expect(tree.inclusionProof(index)).toEqual(inclusionProof(hashes, index));
      }),
    );
  });
});
