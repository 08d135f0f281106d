import type { StoredEntry } from '../../ports/ledger-store.js';
import { type CheckReport, reportedCheckDetail } from '../check-report.js';
import {
  decisionFingerprint,
  findCachedDecision,
  fingerprintAttributes,
  recordContinuity,
  reuseVerdict,
} from '../compounding/index.js';
import type { Intent } from '../intent.js';
import { ledgerPayloads, payloadOf } from '../ledger/entry-payloads.js';
import { evaluatePolicy } from '../policy/index.js';
import { stateKeys } from '../state-keys.js';
import { checksWaitSeconds } from './checks-wait.js';
import { recheckContract } from './contract-recheck.js';
import { withGrantsTo } from './delegations.js';
import { type PipelineDeps, record } from './deps.js';
import { resolvedIntent } from './payloads.js';
import { measuredBudgetSignals } from './policy-signals.js';
import { withReleasedContracts } from './released-contracts.js';
import { grantorsOf, reviewerOfRecordCheck } from './review.js';
import { describeRevocation, revokedAuthority } from './revocations.js';
import { type PipelineState, type VerificationResult, verificationResultSchema } from './state.js';

/**
 * Stage 5: automated checks. The contract (ValidateStructure's verdict, held against the payload and the catalog
 * as they are now: `contract-recheck.ts`), the policy set and revoked authority are checked here again against
 * the signed decision's inputs; checks the intent names read the results CI attached to the intent or
 * reported (`report-check.ts`). Gates are progressive:
 * - a fail-fast gate (high tiers) waits for the results it lacks while every result it has passed: it records
 *   `verification.awaiting-checks` once (the missing checks, the deadline `checksWaitSeconds` ahead) and answers
 *   `awaitingChecks`, on which the state machine parks in AwaitChecks until a report wakes it, a stop ends it or
 *   the deadline passes; then this runs again. Past the deadline a result still missing fails the gate, named.
 *   A result that failed (or a failed contract, policy or authority check) fails it at once: nothing to wait for;
 * - an auto-continue gate (low tiers) does not wait: it records a missing result and goes on. A result reported
 *   after it concluded did not count, and the report says so (409).
 * A decision with the same fingerprint that released cleanly makes this a standard change: no new review, the
 * reused decision named on the ledger.
 */
export async function verify(state: PipelineState, deps: PipelineDeps): Promise<VerificationResult> {
  const { intent, intentId } = await resolvedIntent(state, deps);
  const admission = state.admission;
  if (!admission) throw new Error('Verify needs the admission result');
  const service = deps.catalog.services[intent.change.service];
  if (!service) throw new Error(`service ${intent.change.service} is not in the catalog`);
  const entries = await deps.ledger.forIntent(deps.ledgerName, intentId);
  // A retry answers what was recorded: reuse depends on the cache, which may have changed since.
  const done = entries.find((stored) => stored.entry.type === 'verification.passed');
  if (done) return verificationResultSchema.parse(done.entry.payload);
  const { catalog: contracts } = await withReleasedContracts(
    deps.catalog,
    intent.change.service,
    intent.change.profile,
    deps,
  );
  const contract = recheckContract(intent, contracts, entries);
  const now = deps.clock.now();
  const catalog = await withGrantsTo(deps.catalog, intent.authority.requester, deps.state);
  // The error budget Observe last measured, as admission read it; revoked authority is a check of its own below.
  const signals = await measuredBudgetSignals(deps.state, intent.change.service);
  const policy = evaluatePolicy({ intent, service, catalog, now, signals }, deps.policies.rules);
  const revoked = await revokedAuthority(intent, catalog, deps.state, now);
  const results: VerificationResult['results'] = [
    { check: 'contract', ...contract },
    {
      check: 'policy-set',
      passed: policy.verdict === 'allow',
      detail:
        policy.verdict === 'allow'
          ? `${policy.results.length} rules, none failed`
          : `failed: ${policy.failed.map((r) => r.rule).join(', ')}`,
    },
    {
      check: 'authority-not-revoked',
      passed: revoked === undefined,
      detail: revoked ? describeRevocation(revoked) : `no revocation for ${intent.authority.requester}`,
    },
  ];
  const named = await namedCheckResults(intent, intentId, deps);
  const missing = named.filter((n) => n.result === undefined).map((n) => n.check);
  const awaited = awaitedChecks(entries);
  // Waiting is worth it only while everything known so far passed: a fail-fast gate fails at once otherwise.
  const answeredSoFar = [...results, ...named.flatMap((n) => (n.result ? [n.result] : []))].every(
    (r) => r.passed,
  );
  if (missing.length > 0 && admission.gate === 'fail-fast' && answeredSoFar) {
    const deadline = awaited ? Date.parse(awaited.deadline) : now.getTime() + checksWaitSeconds * 1000;
    if (now.getTime() < deadline) {
      const awaitingChecks = {
        missing,
        deadline: new Date(deadline).toISOString(),
        waitSeconds: Math.max(1, Math.ceil((deadline - now.getTime()) / 1000)),
      };
      if (!awaited)
        await record(deps, intentId, 'verification.awaiting-checks', {
          gate: 'fail-fast',
          ...awaitingChecks,
        });
      return verificationResultSchema.parse({
        passed: false,
        requiresReview: false,
        results: [...results, ...named.flatMap((n) => (n.result ? [n.result] : []))],
        awaitingChecks,
      });
    }
  }
  for (const { check, result } of named) {
    if (result) results.push(result);
    else if (admission.gate === 'fail-fast') {
      results.push({
        check,
        passed: false,
        detail: awaited
          ? `no result reported by ${awaited.deadline}, when the wait for it ended; a fail-fast gate does not continue without it`
          : 'no result posted; a fail-fast gate does not continue without it',
      });
    } else {
      results.push({ check, passed: true, detail: 'no result posted yet; auto-continue gate for this tier' });
    }
  }
  const passed = results.every((r) => r.passed);
  const fingerprint = decisionFingerprint(fingerprintAttributes(intent, admission, service));
  // A break-glass is approved every time: an earlier approval of the same change is no approval of this exemption.
  const exempted = (admission.exemptions ?? []).length > 0;
  const cached = passed && !exempted ? await findCachedDecision(deps.state, fingerprint) : undefined;
  const reuse = reuseVerdict(cached, service, deps.policies.reviewedDomains, {
    requiresReviewer: admission.requiresReviewer,
    reversibility: intent.constraints.reversibility,
    parties: [
      intent.authority.requester,
      ...(intent.authority.onBehalfOf ? [intent.authority.onBehalfOf] : []),
      ...grantorsOf(intent),
    ],
  });
  const reusedDecision =
    reuse.reuse && cached
      ? {
          decisionId: cached.decisionId,
          intentId: cached.intentId,
          releasedAt: cached.releasedAt,
          ...(cached.reviewer ? { reviewer: cached.reviewer } : {}),
        }
      : undefined;
  // A change that waits for a reviewer of record needs someone who may decide it.
  const requiresReview = admission.requiresReviewer && !reusedDecision;
  if (requiresReview && passed) results.push(reviewerOfRecordCheck(intent, admission, deps));
  const result: VerificationResult = {
    passed: results.every((r) => r.passed),
    requiresReview,
    results,
    fingerprint,
    ...(reusedDecision ? { reusedDecision } : {}),
  };
  if (result.passed) await recordContinuity(deps.state, intentId, reusedDecision?.decisionId ?? null);
  if (reusedDecision) {
    await record(deps, intentId, 'decision.reused', {
      fingerprint,
      ...reusedDecision,
      reviewSkipped: admission.requiresReviewer,
    });
  }
  const stored = await record(deps, intentId, result.passed ? 'verification.passed' : 'verification.failed', {
    gate: admission.gate,
    ...result,
    reuse: {
      cachedDecisionId: reuse.cachedDecisionId,
      reviewRegimes: reuse.reviewRegimes,
      ...(reuse.irreversible ? { irreversible: true } : {}),
      ...(reuse.ownApproval !== undefined ? { ownApproval: reuse.ownApproval } : {}),
    },
  });
  return verificationResultSchema.parse(stored.entry.payload);
}

type CheckResult = VerificationResult['results'][number];

/** Each check the intent names, with the result CI reported or attached, or none yet. */
async function namedCheckResults(
  intent: Pick<Intent, 'authority' | 'constraints' | 'testResults'>,
  intentId: string,
  deps: Pick<PipelineDeps, 'state'>,
): Promise<Array<{ check: string; result?: CheckResult }>> {
  const named: Array<{ check: string; result?: CheckResult }> = [];
  for (const check of intent.constraints.checks) {
    const key = stateKeys.check(intentId, check);
    const posted = await deps.state.get<CheckReport>(key.pk, key.sk);
    const attached = intent.testResults.find((result) => result.check === check);
    if (posted) {
      // Reported by CI (`report-check.ts`), which compares this detail to tell whether its result counted.
      named.push({
        check,
        result: {
          check,
          passed: posted.data.passed,
          detail: reportedCheckDetail(posted.data),
          source: 'reported',
          reportedBy: posted.data.reportedBy,
        },
      });
    } else if (attached) {
      named.push({
        check,
        result: {
          check,
          passed: attached.passed,
          detail: attached.detail || (attached.url ?? 'attached by the submitter'),
          // The intent's bound requester submitted it: an attached result is the submitter's claim, not CI's.
          source: 'attached',
          reportedBy: intent.authority.requester,
        },
      });
    } else {
      named.push({ check });
    }
  }
  return named;
}

/** The wait for check results Verify recorded, if it parked before. */
function awaitedChecks(entries: StoredEntry[]) {
  const entry = entries.find((stored) => stored.entry.type === 'verification.awaiting-checks')?.entry;
  return entry ? payloadOf(entry, ledgerPayloads['verification.awaiting-checks']) : undefined;
}
