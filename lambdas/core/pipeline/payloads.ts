import { createHash } from 'node:crypto';
import type { PayloadStore } from '../../ports/payload-store.js';
import { PayloadIntegrityError, PayloadMissingError } from '../errors.js';
import type { Intent, ResolvedIntent } from '../intent.js';
import { declaredIntent } from './parsed-intent.js';
import type { PipelineState } from './state.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The intent with its content in hand: an inline payload as it is; a payload by reference fetched by its
 * digest and checked again on read (size and SHA-256), so a stage never judges or releases other bytes than
 * the door checked and the decision signed. The execution's state and the ledger keep the reference alone;
 * the content lives only in the stage that reads it.
 */
export async function withPayload(
  intent: Intent,
  payloads: Pick<PayloadStore, 'get'>,
): Promise<ResolvedIntent> {
  const { payload, payloadRef } = intent.change;
  if (payload !== undefined) return intent as ResolvedIntent;
  if (payloadRef === undefined) {
    throw new PayloadIntegrityError('the intent carries neither change.payload nor change.payloadRef');
  }
  const content = await payloadContent(payloadRef, payloads);
  return { ...intent, change: { ...intent.change, payload: content } };
}

/** The JSON object stored under a reference, checked against its size and SHA-256. */
export async function payloadContent(
  ref: { sha256: string; size: number },
  payloads: Pick<PayloadStore, 'get'>,
): Promise<Record<string, unknown>> {
  const bytes = await payloads.get(ref.sha256);
  if (!bytes) throw new PayloadMissingError(`no payload is stored under ${ref.sha256}`);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (bytes.byteLength !== ref.size || digest !== ref.sha256) {
    throw new PayloadIntegrityError(
      `the payload stored under ${ref.sha256} is ${bytes.byteLength} bytes hashing to ${digest}; the reference names ${ref.size} bytes hashing to ${ref.sha256}`,
    );
  }
  let content: unknown;
  try {
    content = JSON.parse(utf8.decode(bytes));
  } catch (error) {
    throw new PayloadIntegrityError(`the payload stored under ${ref.sha256} is not UTF-8 JSON`, {
      cause: error,
    });
  }
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    throw new PayloadIntegrityError(`the payload stored under ${ref.sha256} is not a JSON object`);
  }
  return content as Record<string, unknown>;
}

/** `declaredIntent` for the stages that read the content: the declared intent with its payload in hand. */
export async function resolvedIntent(
  state: PipelineState,
  deps: { payloads: Pick<PayloadStore, 'get'> },
): Promise<{ intent: ResolvedIntent; intentId: string }> {
  const { intent, intentId } = declaredIntent(state);
  return { intent: await withPayload(intent, deps.payloads), intentId };
}
