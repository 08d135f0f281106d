import { createHash } from 'node:crypto';
import { canonicalDigest } from '../ledger/canonical-json.js';
import { canonicalJson } from '../ledger/index.js';
import { signEnvelope } from '../signing/index.js';
import { type PipelineDeps, record } from './deps.js';
import { declaredIntent } from './parsed-intent.js';
import { withPayload } from './payloads.js';
import { type DecisionResult, decisionResultSchema, type PipelineState } from './state.js';

export const decisionPayloadType = 'application/vnd.itv.decision+json';

/**
 * Stage 4: the decision package (I, R, E, σ): the intent reference, the rationale, references to the ledger
 * entries that are its evidence, the executable actions, and a DSSE signature over all of it.
 */
export async function formDecision(state: PipelineState, deps: PipelineDeps): Promise<DecisionResult> {
  const { intent, intentId } = declaredIntent(state);
  // The content as the door checked it, fetched again by its digest when it travels by reference.
  const { payload } = (await withPayload(intent, deps.payloads)).change;
  const { admission, structure } = state;
  if (!admission || !structure) throw new Error('FormDecision needs the structure and admission results');
  if (!deps.signer)
    throw new Error('this stage has no signer: only FormDecision and SignCheckpoint may sign');
  const service = deps.catalog.services[intent.change.service];
  const evidence = (await deps.ledger.forIntent(deps.ledgerName, intentId)).map((stored) => ({
    seq: stored.entry.seq,
    type: stored.entry.type,
    hash: stored.hash,
  }));
  const decision = {
    decisionId: `dec-${intentId}`,
    intent: { id: intentId, digest: canonicalDigest(intent) },
    rationale: {
      structure: structure.verdict,
      admission: admission.verdict,
      riskTier: admission.tier,
      gate: admission.gate,
      requiresReviewer: admission.requiresReviewer,
      policySetHash: admission.policySetHash,
      blastRadius: admission.blastRadius,
    },
    evidence,
    actions: [
      {
        type: 'appconfig.deploy',
        service: intent.change.service,
        environment: service?.environment,
        profile: intent.change.profile,
        contractVersion: intent.change.contractVersion,
        contentDigest: canonicalDigest(payload),
        ...(intent.change.payloadRef ? { payloadRef: intent.change.payloadRef } : {}),
      },
    ],
    decidedAt: deps.clock.now().toISOString(),
  };
  const body = new TextEncoder().encode(canonicalJson(decision));
  const envelope = await signEnvelope(decisionPayloadType, body, deps.signer);
  const keyId = await deps.signer.keyId();
  const stored = await record(deps, intentId, 'decision.signed', {
    decisionId: decision.decisionId,
    digest: sha256Hex(body),
    keyId,
    envelope,
  });
  return decisionResultSchema.parse({ ...stored.entry.payload, seq: stored.entry.seq });
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
