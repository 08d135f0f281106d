import { issueText } from '../lambdas/core/errors.js';
import type { PipelineTaskState } from '../lambdas/stages/registry.js';
import { terminalText } from './format.js';
import type { ProgressEvent } from './runtime/local-pipeline.js';

type Output = Record<string, unknown>;

/** What each stage decided, in a few words, from its output. Every Task state has one (the type says so). */
const stageLines: Readonly<Record<PipelineTaskState, (out: Output, event: ProgressEvent) => string>> = {
  DeclareIntent: (out) =>
    out.verdict === 'complete'
      ? `declared ${out.intentId} (${out.service})`
      : `incomplete: ${issues(out.issues)}`,
  ValidateStructure: (out) =>
    out.verdict === 'valid'
      ? 'structure valid against its contract'
      : out.verdict === 'invalid'
        ? `structure invalid: ${issues(out.errors)}`
        : `schema update required: ${out.message}`,
  AdmitPolicy: (out, event) => {
    const failed = (out.failed as Array<{ rule: string; reason: string; remedy?: string }>) ?? [];
    if (out.verdict === 'queued') {
      const blockers = (out.waitingFor as string[] | undefined) ?? [];
      const waitingFor = blockers.length > 0 ? blockers.join(', ') : 'in-flight releases';
      // A blocker may wait for a person (a review, an owner's decision after a hold) for days: say how to leave.
      const look = blockers[0] ? `; \`itv status ${blockers[0]}\` shows what that waits for` : '';
      return `queued behind ${waitingFor} (risk tier ${out.tier}); starts on its own when the way is clear (Ctrl-C stops following, not the intent${look})`;
    }
    if (out.verdict === 'scheduled') {
      return `scheduled for ${out.dueAt} (risk tier ${out.tier}): the policy set allows it then; admitted at that time`;
    }
    if (out.verdict === 'rejected') {
      return `rejected by policy: ${failed.map((f) => `${f.rule}: ${f.reason}${f.remedy ? ` (would pass: ${f.remedy})` : ''}`).join('; ')}`;
    }
    // A break-glass says what it broke through, and on whose word.
    const exemptions =
      (out.exemptions as Array<{ rule: string; by: string; fixes?: string }> | undefined) ?? [];
    const exempted = exemptions
      .map(
        (e) =>
          `; ${e.rule} exempted for ${e.fixes ? `the fix of ${e.fixes}` : 'an emergency'} declared by ${e.by}`,
      )
      .join('');
    // Admitted after its reviewer approved (the review wait gave up the lane): its decision, checks and review
    // stand, so the state machine starts its release at once.
    const approved = event.review?.decision === 'approved' ? event.review : undefined;
    if (out.verdict === 'admitted' && approved) {
      return `admitted again after its review (approved by ${approved.reviewer}), risk tier ${out.tier}: its release starts${exempted}`;
    }
    return `${out.verdict}, risk tier ${out.tier}${out.requiresReviewer ? ', reviewer of record required' : ''}${exempted}`;
  },
  AwaitLane: (out) =>
    out.clear ? 'its way cleared while it parked: admission re-checks' : 'woken: admission re-checks',
  AwaitDue: (out) =>
    out.stopped
      ? 'stopped while it waited for its time: admission withdraws it'
      : 'due: admission runs again',
  AwaitChecks: (out) =>
    out.woken
      ? 'a result or a stop came while it parked: verification runs again'
      : 'woken: verification runs again',
  FormDecision: (out) => `decision signed (key ${String(out.keyId).slice(0, 12)}…), ledger seq ${out.seq}`,
  Verify: (out) => {
    const awaiting = out.awaitingChecks as { missing: string[]; deadline: string } | undefined;
    if (awaiting) {
      return `waiting until ${awaiting.deadline} for CI to report ${awaiting.missing.join(', ')} (itv check report); a fail-fast gate does not continue without them`;
    }
    const reused = out.reusedDecision as { decisionId: string } | undefined;
    return `checks ${out.passed ? 'passed' : 'failed'}: ${(
      out.results as Array<{ check: string; passed: boolean }>
    )
      .map((r) => `${r.check} ${r.passed ? 'ok' : 'FAILED'}`)
      .join(', ')}${reused ? `; standard change, reuses ${reused.decisionId}` : ''}`;
  },
  AwaitReview: (out) => `${out.decision} by ${out.reviewer}`,
  StartRelease: (out) =>
    out.contractOnly
      ? 'nothing to deploy: a schema update registers its contract as it concludes (no AppConfig deployment)'
      : `release started: ${out.deploymentId} with ${out.strategy}`,
  CheckRelease: (out) => {
    if (out.contractOnly) return 'no deployment to check: the contract is registered at Learn';
    // The deployment an owner's roll-back started: the hold that led to it (its alarm, "not reverted") is over.
    const decided = out.decision as { decision?: string; decider?: string | null } | undefined;
    if (decided?.decision === 'roll-back') {
      const by = decided.decider ? ` (decided by ${decided.decider})` : '';
      return `rolling back${by}: the configuration before the change, to everyone: deployment ${out.state} ${out.percentageComplete}%`;
    }
    const alarm = out.alarm
      ? out.state === 'ROLLED_BACK'
        ? ` - rolled back by alarm ${out.alarm}`
        : ` - alarm ${out.alarm}`
      : '';
    const escalation = (out.escalation as { reason: string } | undefined)?.reason;
    // A stepped release deploys each step to all of AppConfig's targets: its share of users is the step's.
    const step = (out.exposure as { percentage: number } | undefined)?.percentage;
    // A rollback is seen at the poll after it began, perhaps from a step that poll is the first to see.
    const from = typeof out.rolledBackFrom === 'number' ? `, rollback started at ${out.rolledBackFrom}%` : '';
    const progress =
      step === undefined
        ? `release ${out.state} ${out.percentageComplete}%${from}`
        : `step to ${step}% of users: deployment ${out.state} ${out.percentageComplete}%${from}`;
    const preempted =
      out.action === 'requeue' && out.preemptedBy
        ? ` - preempted by emergency ${out.preemptedBy}: queued for its lane again`
        : '';
    return `${progress}${alarm}${preempted}${escalation ? ` - ${escalation}` : ''}${out.stopReason ? ` - stopping: ${out.stopReason}` : ''}`;
  },
  AwaitReleaseDecision: () => 'held: waiting for the owners to decide (itv release decide)',
  ApplyReleaseDecision: (out) => {
    const decided = out.decision as
      | { decision: string; decider: string | null; timedOut: boolean }
      | undefined;
    if (!decided) return `release ${out.state}`;
    if (decided.timedOut) return 'nobody decided in time: the release stays held';
    const next =
      decided.decision === 'roll-back'
        ? `rolling back with ${out.deploymentId}`
        : decided.decision === 'roll-forward' && !out.done
          ? `next step ${out.deploymentId} (${(out.exposure as { percentage: number } | undefined)?.percentage}%)`
          : 'concluding';
    return `${decided.decider} decided ${decided.decision}: ${next}`;
  },
  StopRelease: (out) => `release stopped: ${out.state}${out.stopReason ? ` (${out.stopReason})` : ''}`,
  Observe: (out) =>
    `observed: SLOs ${out.slosMet ? 'met' : 'NOT met'}; evidence ${String(out.evidenceDigest).slice(0, 12)}…`,
  Learn: (out) => `outcome ${out.outcome}; confidence now ${Number(out.confidence).toFixed(2)}`,
  SignCheckpoint: (out) =>
    `checkpoint signed: ledger size ${out.size}, root ${String(out.rootHash).slice(0, 12)}…`,
  RecordFailure: (out) => `failure recorded at ledger seq ${out.seq}`,
  RestoreMonitors: (out) =>
    out.outcome === 'restored'
      ? `monitors' alarm actions restored: ${(out.alarms as string[]).join(', ')} (ledger seq ${out.seq})`
      : out.outcome === 'none'
        ? 'no monitors to restore: the release rolls back on alarm or never started'
        : `monitors' alarm actions: ${out.outcome}`,
};

/**
 * A park whose time runs out ends as designed: its Task fails with `States.Timeout` and the state machine's
 * Catch hands the intent back to the stage that parked it. Said as what it is, not as a failure.
 */
const parkEnds: Partial<Record<string, (why: string) => string>> = {
  AwaitDue: (why) => `${why}: admission runs again`,
  AwaitLane: (why) => `${why}: admission re-checks`,
  AwaitChecks: (why) => `${why}: Verify counts the results that came`,
};

/** Errors the state machine retries as a wait, not as a failure (`statemachines/pipeline.ts`). */
const waitedOut = new Set(['LaneBusyError', 'MonitorsInAlarmError']);

/**
 * One line per stage as it finishes: what the stage decided, in a few words. The reasons and names in it are
 * the caller's text, so their control characters are written out.
 */
export function describeStage(event: ProgressEvent): string | undefined {
  const line = stageText(event);
  return line === undefined ? undefined : terminalText(line);
}

function stageText(event: ProgressEvent): string | undefined {
  if (event.phase === 'failed') {
    const ended = event.errorName === 'States.Timeout' ? parkEnds[event.state] : undefined;
    if (ended) return ended(event.error ?? 'its time ran out');
    // The state machine ends a rejected review through its Catch, as it ends a failure; a person decided it, and
    // the error says who. The printers put the stage's name before the line.
    if (event.errorName === 'ReviewRejectedError') return `${event.error}`;
    // A busy lane, or a monitor still in ALARM from an earlier release, is waited out by StartRelease's retries.
    if (event.errorName !== undefined && waitedOut.has(event.errorName)) return `waiting: ${event.error}`;
    return `failed: ${event.error}`;
  }
  if (event.phase !== 'exited') return undefined;
  const line = stageLines[event.state as PipelineTaskState];
  return line?.((event.output ?? {}) as Output, event);
}

function issues(list: unknown): string {
  return ((list as Array<{ path: string; message: string }>) ?? []).map(issueText).join('; ');
}

/**
 * An onProgress callback that prints one line per stage; the release poll prints only when its state or
 * percentage changes, so a 30-minute rollout is a handful of lines, not one per poll. A queued intent re-checks
 * its lane each time it wakes: its queued line, and the wake before the re-check, print once per distinct set
 * of blockers, so a day behind a review is two lines, not two per re-check.
 */
/**
 * What a follower prints for the events of a long run the control plane no longer kept when it started reading:
 * said, not passed over, with where every step is.
 * Example: `  …                  120 earlier progress events are no longer kept by the control plane; \`itv status int-1\` lists every ledger step`.
 */
export function skippedProgressLine(count: number, intentId: string, indent = '  '): string {
  const events = count === 1 ? '1 earlier progress event is' : `${count} earlier progress events are`;
  return `${indent}${'…'.padEnd(18)} ${events} no longer kept by the control plane; \`itv status ${terminalText(intentId)}\` lists every ledger step`;
}

export function progressPrinter(log: (line: string) => void, indent = '  '): (event: ProgressEvent) => void {
  const lastRelease = new Map<string, string>();
  const queue = new Map<string, { blockers: string; woken: boolean }>();
  // An intent an emergency preempted parks in AwaitLane with its first admission, which named no blockers, so
  // it goes straight back to admission: that is no lane clearing, and admission says what it now waits behind.
  const preempted = new Set<string>();
  return (event) => {
    let line = describeStage(event);
    if (!line) return;
    if (event.state === 'CheckRelease' && event.phase === 'exited') {
      if ((event.output as Output | undefined)?.action === 'requeue') preempted.add(event.executionId);
    }
    if (event.state === 'AwaitLane' && event.phase === 'exited' && preempted.delete(event.executionId)) {
      line = 'back to admission after the preemption: admission re-checks its lane';
    }
    if (event.state === 'CheckRelease' && event.phase === 'exited') {
      if (lastRelease.get(event.executionId) === line) return;
      lastRelease.set(event.executionId, line);
    }
    if (event.state === 'AdmitPolicy' && event.phase === 'exited') {
      const out = (event.output ?? {}) as Output;
      if (out.verdict === 'queued') {
        const blockers = [...((out.waitingFor as string[] | undefined) ?? [])].sort().join('\n');
        if (queue.get(event.executionId)?.blockers === blockers) return;
        queue.set(event.executionId, { blockers, woken: false });
      } else {
        queue.delete(event.executionId);
      }
    }
    if (event.state === 'AwaitLane') {
      const queued = queue.get(event.executionId);
      const cleared = event.phase === 'exited' && (event.output as Output | undefined)?.clear === true;
      if (queued?.woken && !cleared) return;
      if (queued) queued.woken = true;
    }
    log(`${indent}${event.state.padEnd(18)} ${line}`);
  };
}
