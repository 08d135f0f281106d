import { createHash } from 'node:crypto';
import {
  EMPTY_TREE_HASH,
  leafHashOfBytes,
  merkleRoot,
  nodeHash,
  nodeHashBytes,
} from '../../../lambdas/core/ledger/index.js';
import { leafData, rootsBySize } from './ct-vectors.js';

const leafHashes = leafData.map((hex) => leafHashOfBytes(Buffer.from(hex, 'hex')).toString('hex'));

describe('merkleRoot', () => {
  test('the empty tree hashes to SHA-256 of nothing', () => {
    // Act
    const root = merkleRoot([]);

    // Assess
    expect(root).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(root).toBe(EMPTY_TREE_HASH);
  });

  test.each(rootsBySize.map((root, i) => [i + 1, root] as const))(
    'matches the RFC 6962 test vector root for %i leaves',
    (size, expected) => {
      // Act
      const root = merkleRoot(leafHashes.slice(0, size));

      // Assess
      expect(root).toBe(expected);
    },
  );

  test('a leaf hash is SHA-256(0x00 ‖ data) and a node hash SHA-256(0x01 ‖ left ‖ right)', () => {
    // Prepare
    const [a, b] = [Buffer.from('00', 'hex'), Buffer.from('10', 'hex')];
    const leafA = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), a]))
      .digest('hex');
    const leafB = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), b]))
      .digest('hex');
    const node = createHash('sha256')
      .update(Buffer.concat([Buffer.from([1]), Buffer.from(leafA, 'hex'), Buffer.from(leafB, 'hex')]))
      .digest('hex');

    // Act
    const computed = nodeHash(leafHashOfBytes(a).toString('hex'), leafHashOfBytes(b).toString('hex'));

    // Assess
    expect(computed).toBe(node);
    expect(merkleRoot([leafA, leafB])).toBe(node);
  });

  test('refuses a malformed leaf hash, naming its index', () => {
    // Act / Assess
    expect(() => merkleRoot([leafHashes[0]!, 'ABC'])).toThrow('leafHashes[1]');
  });
});

describe('nodeHashBytes', () => {
  const spec = (left: Uint8Array, right: Uint8Array) =>
    createHash('sha256')
      .update(Buffer.concat([Buffer.from([1]), left, right]))
      .digest('hex');

  test('returns a fresh digest per call: a later node hash never changes an earlier one', () => {
    // Prepare
    const [a, b, c] = ['a', 'b', 'c'].map((s) => createHash('sha256').update(s).digest());
    // Act
    const first = nodeHashBytes(a!, b!);
    const firstHex = first.toString('hex');
    const second = nodeHashBytes(b!, c!);
    // Assess
    expect(first.toString('hex')).toBe(firstHex);
    expect(firstHex).toBe(spec(a!, b!));
    expect(second.toString('hex')).toBe(spec(b!, c!));
  });

  test('hashes children of any length by the RFC definition, not only 32-byte ones', () => {
    // Prepare
    const full = createHash('sha256').update('x').digest();
    const short = Buffer.from('0102', 'hex');
    // Act / Assess
    expect(nodeHashBytes(short, full).toString('hex')).toBe(spec(short, full));
    expect(nodeHashBytes(full, short).toString('hex')).toBe(spec(full, short));
    expect(nodeHashBytes(full, Buffer.concat([full, short])).toString('hex')).toBe(
      spec(full, Buffer.concat([full, short])),
    );
  });
});
