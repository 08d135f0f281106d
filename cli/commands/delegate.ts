import { InvalidInputError } from '../../lambdas/core/errors.js';
import type { GrantedDelegation } from '../../lambdas/core/pipeline/delegations.js';
import type { ListedDelegation } from '../../lambdas/core/pipeline/list-delegations.js';
import type { RevokedDelegation } from '../../lambdas/core/pipeline/revoke-delegation.js';
import { actingAs, actingLine } from '../api/acting-as.js';
import { chosenTarget, connect, openApi } from '../api/itv-api.js';
import { type FlagsByField, printApiError, sameNamedFlags } from '../control-plane/api-errors.js';
import { table, terminalText } from '../format.js';

/** The flags of `itv delegate` by the fields of the grant they are sent as. */
const grantFlags: FlagsByField = {
  to: '--to',
  services: '--service',
  role: '--role',
  expiresAt: '--until',
  reason: '--reason',
};

/**
 * `itv delegate`: `POST /delegations` on the home's control plane as the principal running it (`--as`), who
 * lets another act with a role on services it owns until an expiry; the binding of requesters and the
 * authority rules then see it. `itv delegate revoke ID` takes it back.
 */
export async function delegateCommand(options: {
  to?: string;
  service?: string[];
  role?: string;
  until?: string;
  reason?: string;
  as?: string;
  json?: boolean;
}): Promise<number> {
  const missing = (['to', 'service', 'role', 'until', 'reason'] as const).filter(
    (option) => options[option] === undefined,
  );
  if (missing.length > 0) {
    throw new InvalidInputError('a delegation names whom, what, as what, until when and why', [
      ...missing.map((option) => ({ path: `--${option}`, message: 'is required' })),
    ]);
  }
  const target = await chosenTarget();
  const as = actingAs(target, options.as, 'itv delegate');
  const api = await connect(target);
  const answer = await api.client.call<GrantedDelegation & { id: string }>('POST', '/delegations', {
    body: {
      to: options.to,
      services: options.service,
      role: options.role,
      expiresAt: options.until,
      reason: options.reason,
    },
    ...(as ? { as } : {}),
  });
  if (answer.status !== 201) return printApiError(answer, grantFlags);
  const granted = answer.body;
  if (options.json) console.log(JSON.stringify(granted, null, 2));
  else {
    console.log(actingLine(api, as));
    console.log(
      `${granted.from} delegates ${granted.services.join(', ')} to ${granted.to} as ${granted.role} until ${granted.expiresAt}`,
    );
    console.log(
      `delegation ${granted.id}; revoke it with: itv delegate revoke '${granted.id}' --reason TEXT`,
    );
  }
  return 0;
}

/** `itv delegate revoke ID`: `DELETE /delegations/{id}` as its grantor. */
export async function revokeDelegationCommand(
  id: string,
  options: { reason?: string; as?: string; json?: boolean },
): Promise<number> {
  if (!options.reason?.trim()) {
    throw new InvalidInputError('say why the delegation is revoked', [
      { path: '--reason', message: 'is required' },
    ]);
  }
  const target = await chosenTarget();
  const as = actingAs(target, options.as, 'itv delegate revoke');
  const api = await connect(target);
  const answer = await api.client.call<RevokedDelegation & { id: string }>(
    'DELETE',
    `/delegations/${encodeURIComponent(id)}?reason=${encodeURIComponent(options.reason)}`,
    as ? { as } : {},
  );
  if (answer.status !== 200) return printApiError(answer, { reason: '--reason' });
  const { revocation, alreadyRevoked } = answer.body;
  if (options.json) console.log(JSON.stringify(answer.body, null, 2));
  else {
    console.log(actingLine(api, as));
    console.log(
      `${alreadyRevoked ? 'already revoked' : 'revoked'}: delegation from ${revocation.delegation?.from} to ${revocation.principal} over ${revocation.services.join(', ')}, from ${revocation.effectiveAt}`,
    );
  }
  return 0;
}

/**
 * `itv delegate list`: `GET /delegations` on the chosen stack: the catalog's standing delegations and those
 * granted at run time, newest expiry first, each live, expired or revoked; a granted one with the id that revokes
 * it. `--principal` keeps those it granted or holds, `--status` one status.
 */
export async function listDelegationsCommand(options: {
  principal?: string;
  status?: string;
  json?: boolean;
}): Promise<number> {
  const { client } = await openApi();
  const query = new URLSearchParams();
  if (options.principal !== undefined) query.set('principal', options.principal);
  if (options.status !== undefined) query.set('status', options.status);
  const answer = await client.call<{ at: string; delegations: ListedDelegation[] }>(
    'GET',
    `/delegations${query.size > 0 ? `?${query}` : ''}`,
  );
  if (answer.status !== 200) return printApiError(answer, sameNamedFlags(['principal', 'status']));
  const { delegations } = answer.body;
  if (options.json) {
    console.log(JSON.stringify(answer.body, null, 2));
    return 0;
  }
  if (delegations.length === 0) {
    console.log('no delegations match');
    return 0;
  }
  const [headers = '', rule = '', ...rows] = table(
    ['status', 'from', 'to', 'role', 'services', 'until', 'id (granted) or catalog'],
    delegations.map((d) => [
      d.status,
      d.from,
      d.to,
      d.role,
      d.services.join(','),
      d.expiresAt,
      d.id ?? 'catalog',
    ]),
  ).split('\n');
  console.log(headers);
  console.log(rule);
  // A revocation is shown under its row, with who revoked it, when and why: too long for a column.
  rows.forEach((row, index) => {
    console.log(row);
    const revocation = delegations[index]?.revocation;
    if (revocation) console.log(`  ${revocationText(revocation)}`);
  });
  console.log(`as of ${answer.body.at}`);
  return 0;
}

/** `revoked by alice at 2026-…Z: rotation over`, or `revocation by alice in force from …` when it is scheduled. */
function revocationText(revocation: NonNullable<ListedDelegation['revocation']>): string {
  const { revokedBy, recordedAt, effectiveAt, reason } = revocation;
  const when =
    effectiveAt <= recordedAt
      ? `revoked by ${revokedBy} at ${recordedAt}`
      : `revoked by ${revokedBy} at ${recordedAt}, in force from ${effectiveAt}`;
  return terminalText(`${when}: ${reason}`);
}
