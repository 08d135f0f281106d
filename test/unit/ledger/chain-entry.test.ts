import { createHash } from 'node:crypto';
import { InvalidInputError } from '../../../lambdas/core/errors.js';
import {
  canonicalJson,
  chainEntry,
  GENESIS_PREV_HASH,
  leafHash,
  leafHashOfBytes,
  leafHashOfText,
  parseStoredEntry,
} from '../../../lambdas/core/ledger/index.js';
import { buildChain, draftAt } from './chain-fixtures.js';

describe('chainEntry', () => {
  test('the genesis entry has seq 0 and 64 zeros as prevHash', () => {
    // Act
    const { entry, hash } = chainEntry('main', draftAt(0));

    // Assess
    expect(entry.seq).toBe(0);
    expect(entry.prevHash).toBe(GENESIS_PREV_HASH);
    expect(GENESIS_PREV_HASH).toBe('0'.repeat(64));
    expect(hash).toBe(leafHash(entry));
  });

  test('each entry links to the hash of the one before', () => {
    // Act
    const [first, second] = buildChain(2);

    // Assess
    expect(second!.entry.seq).toBe(1);
    expect(second!.entry.prevHash).toBe(first!.hash);
  });

  test('the leaf hash is SHA-256(0x00 ‖ UTF-8 JCS(entry))', () => {
    // Prepare
    const { entry } = chainEntry('main', draftAt(0));
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), Buffer.from(canonicalJson(entry), 'utf8')]))
      .digest('hex');

    // Act / Assess
    expect(leafHash(entry)).toBe(expected);
  });

  test('keeps only the draft fields, so stray properties are never hashed', () => {
    // Prepare
    const draft = { ...draftAt(0), extra: 'x' };

    // Act / Assess
    expect(() => chainEntry('main', draft)).toThrow(InvalidInputError);
  });

  test.each([
    ['intentId', { intentId: '' }],
    ['type', { type: 'Not Dotted' }],
    ['idempotencyKey', { idempotencyKey: '' }],
    ['timestamp', { timestamp: 'yesterday' }],
  ])('names the bad field %s', (field, change) => {
    // Prepare
    const draft = { ...draftAt(0), ...change };

    // Act
    let caught: unknown;
    try {
      chainEntry('main', draft);
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).issues.map((i) => i.path)).toContain(field);
  });

  test('refuses a ledger name holding "#"', () => {
    // Act / Assess
    expect(() => chainEntry('main#x', draftAt(0))).toThrow('ledger name "main#x" is invalid');
  });
});

describe('parseStoredEntry', () => {
  test('round-trips an entry through JSON', () => {
    // Prepare
    const [stored] = buildChain(1);

    // Act
    const parsed = parseStoredEntry(JSON.parse(JSON.stringify(stored)));

    // Assess
    expect(parsed).toEqual(stored);
  });

  test('refuses an entry with an unknown field', () => {
    // Prepare
    const [stored] = buildChain(1);
    const tampered = { ...stored, entry: { ...stored!.entry, admin: true } };

    // Act / Assess
    expect(() => parseStoredEntry(tampered)).toThrow(InvalidInputError);
  });
});

describe('leafHashOfText', () => {
  test.each([
    ['empty text', ''],
    ['ASCII', '{"a":1}'],
    ['two-, three- and four-byte UTF-8', '{"t":"café – 記録 😀"}'],
    ['a NUL inside', '{"t":"\\u0000"}'],
  ])('is SHA-256 of 0x00 and the UTF-8 bytes of %s', (_name, text) => {
    // Act
    const hex = leafHashOfText(text);
    // Assess: RFC 9162's leaf recipe over the bytes, written out with createHash.
    const expected = createHash('sha256')
      .update(Buffer.from([0]))
      .update(Buffer.from(text, 'utf8'))
      .digest('hex');
    expect(hex).toBe(expected);
    expect(hex).toBe(leafHashOfBytes(Buffer.from(text, 'utf8')).toString('hex'));
  });
});
