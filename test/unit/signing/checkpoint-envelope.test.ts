import { LocalSigner } from '../../../lambdas/adapters/local/local-signer.js';
import { InvalidInputError } from '../../../lambdas/core/errors.js';
import { checkpointBytes, checkpointOf } from '../../../lambdas/core/ledger/index.js';
import {
  CHECKPOINT_PAYLOAD_TYPE,
  DECISION_PAYLOAD_TYPE,
  openCheckpoint,
  signCheckpoint,
  signEnvelope,
} from '../../../lambdas/core/signing/index.js';

const signer = LocalSigner.inMemory();
const checkpoint = checkpointOf('main', ['ab'.repeat(32)], '2026-11-01T12:00:00.000Z');

describe('signed checkpoints', () => {
  test('a signed checkpoint opens to the same checkpoint', async () => {
    // Prepare
    const envelope = await signCheckpoint(checkpoint, signer);

    // Act
    const opened = openCheckpoint(envelope, await signer.publicKeySpkiDer());

    // Assess
    expect(envelope.payloadType).toBe(CHECKPOINT_PAYLOAD_TYPE);
    expect(opened).toEqual(checkpoint);
  });

  test('a checkpoint signed under another payload type does not open', async () => {
    // Prepare
    const envelope = await signEnvelope(DECISION_PAYLOAD_TYPE, checkpointBytes(checkpoint), signer);
    const spki = await signer.publicKeySpkiDer();

    // Act / Assess
    expect(() => openCheckpoint(envelope, spki)).toThrow(InvalidInputError);
    await expect(async () => openCheckpoint(envelope, await signer.publicKeySpkiDer())).rejects.toThrow(
      'checkpoint envelope does not verify',
    );
  });

  test('a signed payload that is not a checkpoint does not open', async () => {
    // Prepare
    const envelope = await signEnvelope(CHECKPOINT_PAYLOAD_TYPE, Buffer.from('{"size":-1}'), signer);

    // Act / Assess
    await expect(async () => openCheckpoint(envelope, await signer.publicKeySpkiDer())).rejects.toThrow(
      'checkpoint is malformed',
    );
  });
});
