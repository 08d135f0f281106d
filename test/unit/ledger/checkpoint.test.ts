import { InvalidInputError } from '../../../lambdas/core/errors.js';
import {
  canonicalJson,
  checkpointBytes,
  checkpointMatches,
  checkpointOf,
  merkleRoot,
  parseCheckpoint,
} from '../../../lambdas/core/ledger/index.js';
import { buildChain } from './chain-fixtures.js';

const at = '2026-11-01T12:00:00.000Z';

describe('checkpoints', () => {
  test('a checkpoint holds the size and Merkle root of the leaves given', () => {
    // Prepare
    const hashes = buildChain(5).map((s) => s.hash);

    // Act
    const checkpoint = checkpointOf('main', hashes, at);

    // Assess
    expect(checkpoint).toEqual({ ledger: 'main', size: 5, rootHash: merkleRoot(hashes), timestamp: at });
  });

  test('its bytes are the RFC 8785 text of exactly its four fields', () => {
    // Prepare
    const checkpoint = { ...checkpointOf('main', [], at), extra: 'ignored' };

    // Act
    const text = Buffer.from(checkpointBytes(checkpoint)).toString('utf8');

    // Assess
    expect(text).toBe(
      canonicalJson({ ledger: 'main', rootHash: checkpoint.rootHash, size: 0, timestamp: at }),
    );
    expect(text.startsWith('{"ledger":"main","rootHash":"e3b0c442')).toBe(true);
  });

  test('parses its own bytes back', () => {
    // Prepare
    const checkpoint = checkpointOf(
      'main',
      buildChain(3).map((s) => s.hash),
      at,
    );

    // Act / Assess
    expect(parseCheckpoint(checkpointBytes(checkpoint))).toEqual(checkpoint);
  });

  test.each([
    ['not JSON', Buffer.from('{')],
    ['a negative size', { ledger: 'main', size: -1, rootHash: '0'.repeat(64), timestamp: at }],
    ['an upper-case root', { ledger: 'main', size: 1, rootHash: 'A'.repeat(64), timestamp: at }],
    ['an extra field', { ledger: 'main', size: 1, rootHash: '0'.repeat(64), timestamp: at, by: 'x' }],
  ])('refuses %s', (_name, input) => {
    // Act / Assess
    expect(() => parseCheckpoint(input)).toThrow(InvalidInputError);
  });

  test('a ledger that grew still matches an older checkpoint', () => {
    // Prepare
    const hashes = buildChain(9).map((s) => s.hash);
    const old = checkpointOf('main', hashes.slice(0, 4), at);

    // Act / Assess
    expect(checkpointMatches(hashes, old)).toEqual({ ok: true });
  });

  test('a rewritten or truncated ledger no longer matches', () => {
    // Prepare
    const hashes = buildChain(6).map((s) => s.hash);
    const checkpoint = checkpointOf('main', hashes, at);
    const rewritten = [...hashes];
    rewritten[2] = hashes[3]!;

    // Act / Assess
    expect(checkpointMatches(rewritten, checkpoint).ok).toBe(false);
    expect(checkpointMatches(hashes.slice(0, 5), checkpoint).ok).toBe(false);
  });
});
