import { pae } from '../../../lambdas/core/signing/index.js';

describe('pae (DSSE v1 pre-authentication encoding)', () => {
  test('matches the DSSE specification example', () => {
    // Act
    const encoded = pae('http://example.com/HelloWorld', Buffer.from('hello world'));

    // Assess
    expect(Buffer.from(encoded).toString('utf8')).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
  });

  test('counts bytes, not characters, for both lengths', () => {
    // Act
    const encoded = pae('t/€', Buffer.from('é', 'utf8'));

    // Assess
    expect(Buffer.from(encoded).toString('utf8')).toBe('DSSEv1 5 t/€ 2 é');
  });

  test('encodes an empty payload with length 0', () => {
    // Act / Assess
    expect(Buffer.from(pae('x', new Uint8Array())).toString('utf8')).toBe('DSSEv1 1 x 0 ');
  });

  test('keeps binary payload bytes as they are', () => {
    // Prepare
    const payload = Uint8Array.from([0, 255, 32, 10]);

    // Act
    const encoded = Buffer.from(pae('b', payload));

    // Assess
    expect(encoded.subarray(encoded.length - 4)).toEqual(Buffer.from(payload));
    expect(encoded.subarray(0, encoded.length - 4).toString('utf8')).toBe('DSSEv1 1 b 4 ');
  });
});
