import { bytesCopy, concatenated } from '../../../lambdas/core/bytes.js';

test('a copy holds the same bytes in memory of its own, also of a view into a larger buffer', () => {
  // Prepare
  const larger = Buffer.from('..abc..');
  const view = larger.subarray(2, 5);

  // Act
  const copy = bytesCopy(view);
  view[0] = 0x7a;

  // Assess
  expect(Buffer.from(copy).toString()).toBe('abc');
  expect(copy.byteLength).toBe(3);
  expect(copy.buffer.byteLength).toBe(3);
});

test('concatenated is the parts end to end, as Buffer.concat makes them, and shares nothing with them', () => {
  // Prepare
  const parts = [
    Buffer.from('tar'),
    new Uint8Array(0),
    Buffer.from('..ball..').subarray(2, 6),
    new Uint8Array(3),
  ];

  // Act
  const whole = concatenated(parts);
  parts[0]![0] = 0x58;

  // Assess
  expect(
    Buffer.from(whole).equals(Buffer.concat([Buffer.from('tar'), Buffer.from('ball'), Buffer.alloc(3)])),
  ).toBe(true);
  expect(whole.byteLength).toBe(10);
});
