import type { IntentInput } from '../../../lambdas/core/intent.js';
import { admitPolicy } from '../../../lambdas/core/pipeline/admit-policy.js';
import { declareIntent } from '../../../lambdas/core/pipeline/declare-intent.js';
import type { PipelineState } from '../../../lambdas/core/pipeline/state.js';
import { validateStructure } from '../../../lambdas/core/pipeline/validate-structure.js';
import { submittedBy } from '../core/fixtures.js';
import { type Harness, intentAt } from '../pipeline/helpers/pipeline-harness.js';

/** Edits that turn the harness's base launch-flags intent into another service's change. */
export const changes = {
  /** incident-router calls launch-flags, so it sits in launch-flags' blast radius. */
  incidentRouter: (d: IntentInput) => {
    d.title = 'Page on a 1% error rate';
    d.authority = { requester: 'heidi', team: 'sre', role: 'sre' };
    d.change = {
      service: 'incident-router',
      profile: 'routing',
      contractVersion: '1.0.0',
      kind: 'configuration',
      payload: {
        pageOnErrorRateAbove: 0.01,
        pageAfterMinutes: 3,
        escalateAfterMinutes: 15,
        severityForCustomerImpact: 'sev2',
        postIncidentReviewFor: ['sev1'],
      },
    };
  },
  /** customer-onboarding's blast radius (itself and support-escalation) shares support-escalation with incident-router's. */
  customerOnboarding: (d: IntentInput) => {
    d.title = 'Raise the KYC risk threshold';
    d.authority = { requester: 'bob', team: 'growth', role: 'engineer' };
    d.change = {
      service: 'customer-onboarding',
      profile: 'verification',
      contractVersion: '1.0.0',
      kind: 'configuration',
      payload: { kycProvider: 'onfido', riskScoreThreshold: 0.8, autoProvision: true, handoffSlaHours: 24 },
    };
  },
  /** procurement's blast radius (itself and ledger-close) is disjoint from incident-router's. */
  procurement: (d: IntentInput) => {
    d.title = 'Auto-approve purchases under $2,000';
    d.authority = { requester: 'nina', team: 'procurement', role: 'procurement-lead' };
    d.change = {
      service: 'procurement',
      profile: 'approval-matrix',
      contractVersion: '1.0.0',
      kind: 'configuration',
      payload: {
        autoApproveBelowUsd: 2000,
        securityReviewAboveUsd: 50000,
        preferredVendorsOnly: true,
        maxVendorRiskTier: 2,
      },
    };
  },
};

/** DeclareIntent and ValidateStructure for an intent edited from the base one, ready for AdmitPolicy. */
export async function declared(
  h: Harness,
  ...edits: Array<(d: IntentInput) => void>
): Promise<PipelineState> {
  const intent = intentAt(h, (d) => {
    for (const edit of edits) edit(d);
  });
  let state: PipelineState = { intent, source: 'cli', caller: submittedBy(intent) };
  state = { ...state, declared: await declareIntent(state, h.deps) };
  state = { ...state, structure: await validateStructure(state, h.deps) };
  if (state.structure?.verdict !== 'valid') throw new Error(`invalid: ${JSON.stringify(state.structure)}`);
  return state;
}

/** One AdmitPolicy attempt, returning the state as the ASL would store it. */
export async function admit(h: Harness, state: PipelineState): Promise<PipelineState> {
  return { ...state, admission: await admitPolicy(state, h.deps) };
}

/** The payload of an intent's last admission ledger entry. */
export async function lastAdmissionEntry(h: Harness, state: PipelineState): Promise<Record<string, unknown>> {
  const entries = await h.ledger.forIntent('test', state.declared!.intentId);
  const admission = entries.filter((s) => s.entry.type.startsWith('admission.')).at(-1);
  if (!admission) throw new Error('no admission entry');
  return admission.entry.payload;
}
