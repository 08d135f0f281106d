import {
  canonicalJson,
  chainEntry,
  entryText,
  leafHash,
  SealedOnRead,
  sealedEntry,
} from '../../../lambdas/core/ledger/index.js';
import { draftAt } from './chain-fixtures.js';

describe('sealedEntry', () => {
  const written = chainEntry('main', { ...draftAt(0), payload: { nested: { list: [1, { deep: 'x' }] } } });
  const text = canonicalJson(written.entry);

  test('is the entry its canonical text spells, frozen whole, with its leaf hash', () => {
    // Act
    const sealed = sealedEntry(text, written.hash);
    // Assess
    expect(sealed).toEqual(written);
    expect(canonicalJson(sealed.entry)).toBe(text);
    const nested = sealed.entry.payload.nested as { list: [number, { deep: string }] };
    for (const part of [sealed, sealed.entry, sealed.entry.payload, nested, nested.list, nested.list[1]])
      expect(Object.isFrozen(part)).toBe(true);
    expect(() => {
      nested.list[1].deep = 'changed';
    }).toThrow(TypeError);
  });

  test('leafHash answers a sealed entry with the hash it was sealed with, and hashes any other object', () => {
    // Prepare: sealed with a hash its bytes do not have, to tell the kept answer from a recomputed one.
    const kept = 'ab'.repeat(32);
    const sealed = sealedEntry(text, kept);
    // Act / Assess: the sealed object is not canonicalized again; an equal object (an entry read back from the
    // store, parsed from a file) is.
    expect(leafHash(sealed.entry)).toBe(kept);
    expect(leafHash(JSON.parse(text))).toBe(written.hash);
    expect(leafHash(written.entry)).toBe(written.hash);
  });

  test('entryText answers a sealed entry with the text it was parsed from, and canonicalizes any other object', () => {
    const sealed = sealedEntry(text, written.hash);
    expect(entryText(sealed.entry)).toBe(text);
    // Keys given out of order: the text is still RFC 8785's.
    const { payload, ...rest } = written.entry;
    expect(entryText({ payload, ...rest })).toBe(text);
  });
});

describe('SealedOnRead', () => {
  const written = chainEntry('main', { ...draftAt(1), payload: { nested: { list: [2, { deep: 'y' }] } } });
  const text = canonicalJson(written.entry);

  test('is what sealedEntry gives, made at the first read, the same object at every read', () => {
    // Prepare: a hash the text does not have tells the kept answer from a recomputed one.
    const kept = 'cd'.repeat(32);
    // Act
    const onRead = new SealedOnRead(text, kept);
    const first = onRead.stored;
    // Assess
    expect(onRead.stored).toBe(first);
    expect(first).toEqual(sealedEntry(text, kept));
    expect(Object.keys(first)).toEqual(['entry', 'hash']);
    expect(JSON.stringify(first)).toBe(JSON.stringify(sealedEntry(text, kept)));
    expect(leafHash(first.entry)).toBe(kept);
    expect(entryText(first.entry)).toBe(text);
    for (const part of [first, first.entry, first.entry.payload]) expect(Object.isFrozen(part)).toBe(true);
    expect(onRead.hash).toBe(kept);
  });

  test('a text that is not JSON throws at the read, not before', () => {
    // Act
    const onRead = new SealedOnRead('{not json', written.hash);
    // Assess
    expect(onRead.hash).toBe(written.hash);
    expect(() => onRead.stored).toThrow(SyntaxError);
  });
});
