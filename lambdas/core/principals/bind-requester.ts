import type { Catalog } from '../catalog-schema.js';
import { ImpersonationError } from '../errors.js';
import type { Caller } from './caller.js';
import { delegationsHeld, isLive } from './delegations.js';
import type { RecordedDelegation } from './principal-schema.js';

/** How the requester of record came to be who it is. */
export interface RequesterBinding {
  /** `self`: the caller acts for itself; `delegation`: for `onBehalfOf`, under a recorded delegation. */
  basis: 'self' | 'delegation';
  onBehalfOf?: string;
  delegation?: RecordedDelegation;
  /**
   * The delegations the claimed team and role rest on, when neither the caller nor whom it acts for holds them
   * as a member (a CI principal acting in a role its grantors gave it): the change is made on their authority.
   */
  standing?: RecordedDelegation[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A principal named by id or e-mail (case-insensitive), so one person named two ways is one person. */
export function findPrincipal(catalog: Catalog, name: string): string | undefined {
  if (catalog.principals[name]) return name;
  const email = name.toLowerCase();
  return Object.values(catalog.principals).find((p) => p.email?.toLowerCase() === email)?.id;
}

/**
 * Why `name` denotes nobody, quoted as JSON (a pasted control character shows as an escape). Ids are
 * case-sensitive where e-mails are not, so an id differing from the name only in case is suggested:
 * `"XAVIER" is not a principal in the catalog; did you mean xavier? (ids are case-sensitive)`. Without one,
 * `note` (where principals are declared, how they may be named) follows in parentheses.
 */
export function notAPrincipal(catalog: Catalog, name: string, note?: string): string {
  const refused = `${JSON.stringify(name.slice(0, 60))} is not a principal in the catalog`;
  const folded = name.toLowerCase();
  const near = Object.keys(catalog.principals).find((id) => id.toLowerCase() === folded);
  if (near !== undefined) return `${refused}; did you mean ${near}? (ids are case-sensitive)`;
  return note === undefined ? refused : `${refused} (${note})`;
}

/** The service a submitted (not yet parsed) intent changes, or '' when it names none. */
export function serviceOf(raw: unknown): string {
  const change = (raw as { change?: { service?: unknown } } | null)?.change;
  return typeof change?.service === 'string' ? change.service : '';
}

/**
 * Makes the authenticated caller the requester of a submitted intent, before anything is recorded:
 * - no `authority.requester`: the caller is the requester;
 * - the caller named by id or e-mail: the caller, by id;
 * - somebody else (in `requester` or `onBehalfOf`): allowed only when the catalog records a live delegation
 *   from that principal to the caller covering the intent's service; the caller stays the requester and the
 *   other is recorded as `onBehalfOf`;
 * - every delegation the intent cites must be one the catalog records to the caller (an intent can point at
 *   a delegation, never create one);
 * - a team and role the caller holds only through delegations (`refuseUnheldStanding`) are recorded: those
 *   delegations are cited in `authority.delegations` (with the one `onBehalfOf` rests on) and kept in the
 *   binding's `standing`, so the ledger shows on whose authority it acted, their grantors may not review it
 *   and revoking them voids it. Binding a bound intent again changes nothing.
 * Throws `ImpersonationError` naming the field otherwise. Returns the intent with `authority` rewritten; a
 * body without an `authority` object, or whose `change.service` is no service of the catalog (missing, not a
 * string, unknown), is returned as it is (but for a requester left out, which is the caller), for completeness
 * to name what is missing or wrong: delegations are held for a service, so who may act for whom cannot be
 * judged without one, and such an intent is never declared.
 */
export function bindRequester(
  raw: unknown,
  caller: Caller,
  catalog: Catalog,
  now: Date,
  /** Delegations to the caller a revocation in force voids, each with the revocation in words: they bind nothing. */
  voided: ReadonlyMap<RecordedDelegation, string> = new Map(),
): { intent: unknown; binding: RequesterBinding } {
  if (!isObject(raw) || !isObject(raw.authority)) return { intent: raw, binding: { basis: 'self' } };
  const authority = raw.authority;
  const service = serviceOf(raw);
  const me = caller.principal;
  if (!Object.hasOwn(catalog.services, service)) {
    const { requester } = authority;
    const leftOut = requester === undefined || requester === null || requester === '';
    return {
      intent: leftOut ? { ...raw, authority: { ...authority, requester: me } } : raw,
      binding: { basis: 'self' },
    };
  }
  const named = (field: string, value: unknown): string | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    const id = typeof value === 'string' ? findPrincipal(catalog, value) : undefined;
    if (id === me) return undefined;
    if (id === undefined) {
      const refused =
        typeof value === 'string'
          ? notAPrincipal(catalog, value)
          : `${JSON.stringify(value)} is not a principal in the catalog`;
      throw new ImpersonationError(
        `authority.${field}: ${refused}, and you are ${me}; leave authority.requester out to submit as yourself`,
        `authority.${field}`,
      );
    }
    return id;
  };
  const fromRequester = named('requester', authority.requester);
  const fromOnBehalf = named('onBehalfOf', authority.onBehalfOf);
  if (fromRequester && fromOnBehalf && fromRequester !== fromOnBehalf) {
    throw new ImpersonationError(
      `authority.requester names ${fromRequester} and authority.onBehalfOf ${fromOnBehalf}, but you are ${me}: the requester is always the caller`,
      'authority.requester',
    );
  }
  const onBehalfOf = fromRequester ?? fromOnBehalf;
  const field = fromRequester ? 'authority.requester' : 'authority.onBehalfOf';
  let delegation: RecordedDelegation | undefined;
  if (onBehalfOf) {
    const held = delegationsHeld(catalog, me, service).filter((d) => d.from === onBehalfOf);
    delegation = held.find((d) => isLive(d, now) && !voided.has(d));
    if (!delegation) {
      const revoked = held.find((d) => isLive(d, now) && voided.has(d));
      const expired = held[0];
      throw new ImpersonationError(
        revoked
          ? `${field}: you are ${me}, and your delegation from ${onBehalfOf} for ${service} was revoked: ${voided.get(revoked)}`
          : expired
            ? `${field}: you are ${me}, and your delegation from ${onBehalfOf} for ${service} expired at ${expired.expiresAt}`
            : `${field}: you are ${me}, not ${onBehalfOf}, and the catalog records no delegation from ${onBehalfOf} to ${me} for ${service || 'this service'}`,
        field,
      );
    }
  }
  const cited = Array.isArray(authority.delegations) ? authority.delegations : [];
  const delegations = cited.map((citation, i) => citedDelegation(citation, i, me, catalog));
  const standing = refuseUnheldStanding(authority, onBehalfOf ?? me, me, service, catalog, now, voided);
  // Relied on for standing, a delegation is cited like one the intent names: review and revocation read citations.
  const reliedOn = standing.length > 0 && delegation ? [delegation, ...standing] : standing;
  const uncited = reliedOn.filter(
    (d, i) => reliedOn.indexOf(d) === i && !delegations.some((c) => isObject(c) && citesDelegation(c, d)),
  );
  const bound: Json = {
    ...authority,
    requester: me,
    delegations: [...delegations, ...uncited.map(citationOf)],
  };
  if (onBehalfOf) bound.onBehalfOf = onBehalfOf;
  else delete bound.onBehalfOf;
  if (!Array.isArray(authority.delegations) && uncited.length === 0) delete bound.delegations;
  const binding: RequesterBinding = onBehalfOf
    ? { basis: 'delegation', onBehalfOf, delegation }
    : { basis: 'self' };
  if (standing.length > 0) binding.standing = standing;
  return { intent: { ...raw, authority: bound }, binding };
}

/** A recorded delegation as an intent cites it (`authority.delegations`). */
function citationOf(delegation: RecordedDelegation): Json {
  const { from, role, services, expiresAt } = delegation;
  return { from, role, services: [...services], expiresAt };
}

/** Whether a citation (its `from` an id already) names this recorded delegation, as `citedDelegation` matches. */
function citesDelegation(citation: Json, delegation: RecordedDelegation): boolean {
  return (
    citation.from === delegation.from &&
    citation.role === delegation.role &&
    typeof citation.expiresAt === 'string' &&
    Date.parse(citation.expiresAt) === Date.parse(delegation.expiresAt)
  );
}

/**
 * The team and role an intent claims are held: by the caller, a member of that team in that role or the holder
 * of a live delegation in that role from one of its members over the service (a CI principal acting for a
 * team); or, for a change made on somebody's behalf (`owner`, its delegation checked already), by that person
 * as a member. Otherwise the change would be listed, reported and sealed as another team's or role's. A team
 * the catalog lacks, or a claim that is not a string, is left to the completeness check, which names it.
 * Returns the delegations the standing rests on: none when it is held as a member, else every live one in the
 * role from a member of the team (each would do; the change rests on all their grantors' authority).
 */
function refuseUnheldStanding(
  authority: Json,
  owner: string,
  me: string,
  service: string,
  catalog: Catalog,
  now: Date,
  voided: ReadonlyMap<RecordedDelegation, string>,
): RecordedDelegation[] {
  const { team, role } = authority;
  if (typeof team !== 'string' || typeof role !== 'string' || !Object.hasOwn(catalog.teams, team)) return [];
  const members = catalog.teams[team]!.members;
  if (members.some((m) => (m.principal === me || m.principal === owner) && m.role === role)) return [];
  const delegated = delegationsHeld(catalog, me, service).filter(
    (d) => isLive(d, now) && !voided.has(d) && members.some((m) => m.principal === d.from),
  );
  const inRole = delegated.filter((d) => d.role === role);
  if (inRole.length > 0) return inRole;
  const own = members.find((m) => m.principal === me);
  // One line per distinct holding: two live grants of one role by one grantor say it once.
  const held = [
    ...new Set([...(own ? [own.role] : []), ...delegated.map((d) => `${d.role} (delegated by ${d.from})`)]),
  ];
  if (held.length > 0) {
    throw new ImpersonationError(
      `authority.role: you are ${me}, ${held.join(' or ')} in team ${team}, not ${role}; claim the role you hold`,
      'authority.role',
    );
  }
  const teams = Object.values(catalog.teams)
    .filter((t) => t.members.some((m) => m.principal === me))
    .map((t) => `${t.name} (${t.members.find((m) => m.principal === me)!.role})`);
  throw new ImpersonationError(
    `authority.team: you are ${me}, ${teams.length > 0 ? `a member of ${teams.join(', ')}` : 'a member of no team'}, not of ${team}, and hold no live delegation from its members for ${service || 'this service'}; claim a team you act for`,
    'authority.team',
  );
}

/** A delegation an intent cites, checked against the recorded ones to the caller; `from` comes back as an id. */
function citedDelegation(citation: unknown, i: number, me: string, catalog: Catalog): unknown {
  const field = `authority.delegations[${i}]`;
  if (!isObject(citation)) return citation;
  const from = typeof citation.from === 'string' ? findPrincipal(catalog, citation.from) : undefined;
  const services = Array.isArray(citation.services) ? citation.services : [];
  const recorded = catalog.delegations.find(
    (d) =>
      d.to === me &&
      d.from === from &&
      d.role === citation.role &&
      typeof citation.expiresAt === 'string' &&
      Date.parse(d.expiresAt) === Date.parse(citation.expiresAt) &&
      services.every((s) => d.services.includes(s as string)),
  );
  if (!recorded) {
    throw new ImpersonationError(
      `${field}: the catalog records no delegation from ${String(citation.from)} to ${me} as ${String(citation.role)} for ${services.join(', ') || 'no service'} until ${String(citation.expiresAt)}; delegations are recorded in the catalog, not created by an intent`,
      field,
    );
  }
  return { ...citation, from };
}
