import { loadCatalog } from '../../catalog/index.js';
import { ledgerPayloads } from '../../lambdas/core/ledger/entry-payloads.js';
import type { IntentStatus } from '../../lambdas/core/pipeline/status.js';
import { findPrincipal } from '../../lambdas/core/principals/bind-requester.js';
import type { LedgerEntry } from '../../lambdas/ports/ledger-store.js';
import { ledgerOf, openApi } from '../api/itv-api.js';
import { printApiError } from '../control-plane/api-errors.js';
import { type DeclaredChange, declaredChange, payloadText } from '../declared-change.js';
import { terminalText } from '../format.js';
import { printIntentNotFound } from '../json-errors.js';
import { principalVariable } from '../runtime/principal-variable.js';
import { reviewText } from './status.js';

type IntentWithEntries = IntentStatus & { entries: LedgerEntry[] };

/**
 * `itv review ID` with no decision: what the reviewer is asked to decide — the change as declared, its payload
 * whole, the test results attached and who may decide it — read from `GET /intents/{id}?include=entries`, and how
 * to decide it. With `--json`, the declared intent as it was recorded.
 */
export async function reviewBriefCommand(id: string, json: boolean, as?: string): Promise<number> {
  const api = await openApi();
  const answer = await api.client.call<IntentWithEntries>(
    'GET',
    `/intents/${encodeURIComponent(id)}?include=entries`,
  );
  if (answer.status === 404) {
    printIntentNotFound(id, ledgerOf(api));
    return 1;
  }
  if (answer.status >= 400) return printApiError(answer);
  const change = declaredChange(answer.body.entries ?? []);
  if (json) {
    console.log(JSON.stringify(change?.intent ?? null, null, 2));
    return 0;
  }
  for (const line of reviewBriefLines(answer.body, change, { kind: api.kind, actingAs: actingPrincipal(as) }))
    console.log(line);
  return 0;
}

/**
 * The catalog principal the reviewer named locally (`--as`, else ITV_PRINCIPAL), by id where the catalog knows the
 * name (an e-mail, say), as given otherwise; undefined when none is named.
 */
function actingPrincipal(as: string | undefined): string | undefined {
  const named = as ?? process.env[principalVariable];
  if (!named) return undefined;
  return findPrincipal(loadCatalog(), named) ?? named;
}

/** Where the brief is read, and whom it was read as (locally); the command it ends with acts as them. */
export interface BriefReader {
  kind: 'local' | 'deployed';
  actingAs?: string | undefined;
}

/**
 * The brief's lines, the last saying how to decide (or that there is nothing to decide): a command that works
 * as it is printed. Locally it names who acts (`--as`): whoever read the brief, when they may decide it; else
 * its one reviewer of record, or a placeholder. Deployed, whoever signs the request decides.
 */
export function reviewBriefLines(
  intent: IntentWithEntries,
  change: DeclaredChange | undefined,
  reader: BriefReader = { kind: 'local' },
): string[] {
  const text = terminalText;
  const lines = [
    `intent   ${intent.intentId}  ${text(intent.title ?? '')}`,
    `service  ${intent.service ?? '-'}   risk tier ${intent.tier ?? '-'}   status ${intent.status}`,
  ];
  if (change) {
    const { authority, testResults } = change.intent;
    const onBehalf = authority.onBehalfOf ? ` on behalf of ${text(authority.onBehalfOf)}` : '';
    lines.push(
      `requester  ${text(authority.requester)}${onBehalf} (${text(authority.team)}, ${text(authority.role)})`,
      `goal     ${text(change.goal)}`,
      `value    ${text(change.valueModel)}`,
      `constraints  ${text(change.constraints)}`,
      `change   ${text(change.target)}`,
    );
    if ('payload' in change.content)
      lines.push('payload', ...payloadText(change.content.payload).split('\n').map(text));
    else {
      const ref = change.content.payloadRef;
      lines.push(
        `payload  by reference: sha256 ${ref.sha256}, ${ref.size} bytes (the content is held by reference, stored once under its SHA-256: \`itv payload put\`)`,
      );
    }
    if (testResults.length === 0) lines.push('test     none attached');
    for (const r of testResults) {
      const detail = r.detail ? `: ${text(r.detail)}` : '';
      lines.push(
        `test     ${text(r.check)} ${r.passed ? 'passed' : 'FAILED'}${detail}${r.url ? ` (${text(r.url)})` : ''}`,
      );
    }
  } else {
    lines.push('(no declared intent is recorded for it: nothing to show of the change)');
  }
  if (intent.status !== 'awaiting-review') {
    const decided = intent.review ? `; ${reviewText(intent.review)}` : '';
    lines.push(`nothing to decide: it is ${intent.status}, not waiting for a review${decided}`);
    return lines;
  }
  lines.push(`reviewers  ${reviewersLine(intent.entries)}`);
  const reviewers = reviewersOf(intent.entries);
  const reading = reader.actingAs;
  const mayDecide = reading !== undefined && (reviewers === undefined || reviewers.includes(reading));
  if (reader.kind === 'local' && reading !== undefined && !mayDecide) {
    lines.push(`(${terminalText(reading)} is not a reviewer of record of it: one of them decides it)`);
  }
  const who = mayDecide ? reading : reviewers?.length === 1 ? reviewers[0] : '<reviewer>';
  const as = reader.kind === 'local' ? ` --as ${terminalText(who ?? '<reviewer>')}` : '';
  lines.push(
    `to decide, run again with --approve or --reject (and --reason TEXT): itv review ${intent.intentId} --approve${as} --reason TEXT`,
  );
  return lines;
}

const reviewRequested = ledgerPayloads['review.requested'].pick({ reviewers: true }).loose();

/** The reviewers of record the review's request recorded; undefined where it recorded none. */
function reviewersOf(entries: LedgerEntry[]): string[] | undefined {
  const requested = [...entries].reverse().find((entry) => entry.type === 'review.requested');
  const reviewers = requested ? reviewRequested.safeParse(requested.payload).data?.reviewers : undefined;
  return Array.isArray(reviewers) ? reviewers.map(String) : undefined;
}

/** Who may decide, as the review's request recorded them; the catalog's say where it recorded none. */
function reviewersLine(entries: LedgerEntry[]): string {
  const reviewers = reviewersOf(entries);
  if (!Array.isArray(reviewers)) return 'the reviewers of record the catalog names for its service';
  if (reviewers.length === 0)
    return 'none: the catalog names nobody but its requester (its requester or an owner may stop it)';
  return `${reviewers.map((name) => terminalText(String(name))).join(', ')} (never its requester)`;
}
