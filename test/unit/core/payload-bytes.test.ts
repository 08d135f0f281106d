import { checkPayloadBytes } from '../../../lambdas/core/intake/payload-content.js';

/** What the door says of payload bytes that are not one JSON object: what they are, in words. */
describe('payload bytes that are not one JSON document', () => {
  const messageOf = (text: string | Uint8Array) =>
    checkPayloadBytes(typeof text === 'string' ? new TextEncoder().encode(text) : text, 'salt').issues.map(
      (issue) => issue.message,
    );

  test('JSON Lines is said to be several documents, not text that is not UTF-8 JSON', () => {
    // Act
    const messages = messageOf('{"a":1}\n{"a":2}\n{"a":3}\n');

    // Assess
    expect(messages).toEqual([
      'change.payload: is not one JSON document: it holds 3, one a line (JSON Lines?); a payload is one JSON object',
    ]);
  });

  test('bytes that are not UTF-8, or text that is not JSON, are each said as what they are', () => {
    expect(messageOf(new Uint8Array([0x7b, 0xff, 0x7d]))).toEqual([
      expect.stringMatching(/^change\.payload: is not UTF-8 \(/),
    ]);
    expect(messageOf('{ not json')).toEqual([expect.stringMatching(/^change\.payload: is not JSON \(/)]);
  });
});
