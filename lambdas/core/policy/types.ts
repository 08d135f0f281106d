import type { Catalog, ComplianceDomain, Service } from '../catalog-schema.js';
import type { ResolvedIntent } from '../intent.js';

/** The policy set's vocabulary: one rule per file in `policies/rules/`, each a pure function of the context. */

export type PolicyDomain = 'authority' | 'security' | 'compliance' | 'legal' | 'operational';
/**
 * `exempted`: the rule would refuse the change, but an exemption the policy set defines lets it through on the
 * record — the result's `context.exemption` says which, declared by whom, for what — and the change then needs a
 * reviewer of record. It never fails the evaluation.
 */
export type RuleStatus = 'compliant' | 'non-compliant' | 'not-applicable' | 'exempted';

export interface PolicyContext {
  /** With its content in hand: rules read the payload, which a reference alone does not show. */
  intent: ResolvedIntent;
  /** The catalog entry of `intent.change.service`. */
  service: Service;
  catalog: Catalog;
  /** Evaluation instant from the injected clock. */
  now: Date;
  /** Live readings that take precedence over the catalog's baselines when the caller has them. */
  signals?: PolicySignals;
  /**
   * `admission` (the default) decides whether a change may start; `in-flight` re-checks a running release, where
   * rules that only gate a start (business hours) do not apply: a change admitted at 17:50 may bake past 18:00.
   */
  phase?: 'admission' | 'in-flight';
}

export interface PolicySignals {
  /** Fraction (0..1) of the service's error budget left in the current SLO window. */
  errorBudgetRemaining?: number;
  /** The end of the observation window `errorBudgetRemaining` was measured over. */
  errorBudgetMeasuredAt?: string;
  /**
   * The revocation in force that voids the requester's authority (their own, or the delegation they rely on),
   * described in one line; absent when the caller found none.
   */
  authorityRevoked?: string;
}

export interface RuleResult {
  rule: string;
  domain: PolicyDomain;
  status: RuleStatus;
  /** Why, in the requester's terms. */
  reason: string;
  /** What would have passed: the missing role, the next allowed window, the reviewer needed. */
  remedy?: string;
  context: Record<string, unknown>;
}

export interface PolicyRule {
  /** Stable name, e.g. `authority-owner-or-delegate`; results carry it. */
  name: string;
  /** Bumped whenever the rule's logic or parameters change; part of the policy-set hash. */
  version: string;
  domain: PolicyDomain;
  description: string;
  /** Data the rule depends on (e.g. freeze windows); hashed into the policy-set identity. */
  parameters?: unknown;
  evaluate(ctx: PolicyContext): RuleResult;
}

export interface PolicyEvaluation {
  verdict: 'allow' | 'deny';
  results: RuleResult[];
  failed: RuleResult[];
  /** Hex SHA-256 over the JCS form of the rule identities (name, version, parameters). */
  policySetHash: string;
}

/**
 * The policy set the engine runs, handed in by the composition root (the engine never imports one): its rules,
 * in evaluation order, and the compliance domains whose every change needs a reviewer of record.
 */
export interface PolicySet {
  rules: readonly PolicyRule[];
  reviewedDomains: readonly ComplianceDomain[];
}
