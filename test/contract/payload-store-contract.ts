import { createHash } from 'node:crypto';
import type { PayloadStore } from '../../lambdas/ports/payload-store.js';

const bytesOf = (text: string) => Buffer.from(text, 'utf8');
const digestOf = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What every PayloadStore promises: bytes back as stored, absence as undefined, a digest written once. */
export function describePayloadStoreContract(name: string, store: () => PayloadStore): void {
  describe(`PayloadStore contract: ${name}`, () => {
    test('answers the bytes stored under a digest, and undefined for a digest nothing is stored under', async () => {
      const bytes = bytesOf(`{"documents":[],"at":"${name}"}`);
      const digest = digestOf(bytes);
      await store().put(digest, bytes);
      expect(Buffer.from((await store().get(digest)) ?? [])).toEqual(Buffer.from(bytes));
      expect(await store().get('0'.repeat(63) + digestOf(bytes).slice(-1))).toBeUndefined();
    });

    test('storing the same bytes again is a no-op; other bytes under a stored digest are refused', async () => {
      const bytes = bytesOf(`{"again":"${name}"}`);
      const digest = digestOf(bytes);
      await store().put(digest, bytes);
      await expect(store().put(digest, bytes)).resolves.toBeUndefined();
      await expect(store().put(digest, bytesOf('{"other":true}'))).rejects.toThrow();
      expect(Buffer.from((await store().get(digest)) ?? [])).toEqual(Buffer.from(bytes));
    });
  });
}
