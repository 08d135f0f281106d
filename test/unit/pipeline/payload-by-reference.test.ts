import { createHash } from 'node:crypto';
import { PayloadIntegrityError, PayloadMissingError } from '../../../lambdas/core/errors.js';
import type { IntentInput } from '../../../lambdas/core/intent.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import { payloadContent } from '../../../lambdas/core/pipeline/payloads.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { validateStructure } from '../../../lambdas/core/pipeline/validate-structure.js';
import type { PayloadStore } from '../../../lambdas/ports/payload-store.js';
import { submittedBy } from '../core/fixtures.js';
import { intentAt, ledgerTypes, pipelineHarness, runIntent } from './helpers/pipeline-harness.js';

/*
 * The stages that read a payload by reference fetch it by digest and hash it again; the ledger, the state
 * table and the execution's state keep the reference alone.
 */

const content = { 'new-checkout': { enabled: true, rolloutPercent: 25 } };
const bytes = Buffer.from(JSON.stringify(content));
const digest = createHash('sha256').update(bytes).digest('hex');
const ref = { sha256: digest, size: bytes.byteLength };

function byReference(draft: IntentInput): void {
  const { payload: _inline, ...change } = draft.change;
  draft.change = { ...change, payloadRef: ref };
}

/** A store whose bytes can be swapped under a digest, as a damaged or tampered one could be. */
class SwappableStore implements PayloadStore {
  readonly objects = new Map<string, Uint8Array>();
  async put(sha256: string, body: Uint8Array): Promise<void> {
    this.objects.set(sha256, body);
  }
  async get(sha256: string): Promise<Uint8Array | undefined> {
    return this.objects.get(sha256);
  }
}

describe('a payload by reference through the stages', () => {
  test('is validated, judged and released from the store; the state table keeps its reference', async () => {
    // Prepare
    const h = pipelineHarness();
    await h.deps.payloads.put(digest, bytes);
    const intent = intentAt(h, (d) => {
      d.id = 'flag-by-ref';
      byReference(d);
    });

    // Act
    const state = await runIntent(h, intent);

    // Assess
    expect(state.release).toMatchObject({ done: true, state: 'COMPLETE' });
    expect(await ledgerTypes(h, 'flag-by-ref')).toContain('intent.concluded');
    const released = await h.store.get('RELEASED#launch-flags', 'flags');
    expect(released?.data).toEqual({ payloadRef: ref });
  });

  test('DeclareIntent refuses a reference to a payload nobody stored, and records only why', async () => {
    const h = pipelineHarness();
    const intent = intentAt(h, byReference);
    const declared = await declareIntent({ intent, source: 'cli', caller: submittedBy(intent) }, h.deps);
    expect(declared.verdict).toBe('refused');
    expect(declared.issues).toEqual([
      {
        path: 'change.payloadRef.sha256',
        message: expect.stringContaining(`no payload is stored under ${digest}`),
      },
    ]);
    expect(await ledgerTypes(h, declared.intentId)).toEqual(['request.refused']);
  });

  test('a stage fetching other bytes than the door checked stops with PayloadIntegrityError', async () => {
    // Prepare: the door passes the stored payload, then the store serves other bytes under its digest.
    const h = pipelineHarness();
    const store = new SwappableStore();
    h.deps.payloads = store;
    await store.put(digest, bytes);
    const intent = intentAt(h, byReference);
    let state: PipelineState = { intent, source: 'cli', caller: submittedBy(intent) };
    state = { ...state, declared: await declareIntent(state, h.deps) };
    expect(state.declared?.verdict).toBe('complete');
    store.objects.set(digest, Buffer.from(JSON.stringify({ 'new-checkout': { enabled: false } })));

    // Act / Assess
    await expect(validateStructure(state, h.deps)).rejects.toThrow(PayloadIntegrityError);
    store.objects.delete(digest);
    await expect(validateStructure(state, h.deps)).rejects.toThrow(PayloadMissingError);
  });

  test('payloadContent checks size and digest on every read', async () => {
    const store = new SwappableStore();
    await store.put(digest, bytes);
    await expect(payloadContent(ref, store)).resolves.toEqual(content);
    await expect(payloadContent({ ...ref, size: ref.size + 1 }, store)).rejects.toThrow(
      `the payload stored under ${digest} is ${ref.size} bytes hashing to ${digest}; the reference names ${ref.size + 1} bytes`,
    );
  });
});
