import { createHash, hash } from 'node:crypto';

// One reusable input buffer: node hashing is the verifier's hot path, and one one-shot SHA-256 call over
// 65 bytes costs about half of a createHash/update/update/update/digest sequence. Safe because hashing is
// synchronous and JavaScript runs one call at a time.
const nodeInput = Buffer.alloc(65);
nodeInput[0] = 0x01;
const LEAF_PREFIX = Buffer.from([0x00]);

/** RFC 9162 interior node hash SHA-256(0x01 ‖ left ‖ right) of two 32-byte hashes, as 32 bytes. */
export function nodeHash32(left: Uint8Array, right: Uint8Array): Buffer {
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return hash('sha256', nodeInput, 'buffer');
}

/** RFC 9162 leaf hash SHA-256(0x00 ‖ data), as 32 bytes. */
export function leafHash32(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}
