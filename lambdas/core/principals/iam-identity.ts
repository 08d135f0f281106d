import * as z from 'zod';

/**
 * The IAM identities a catalog principal authenticates as, and the ARNs callers present.
 *
 * ARN grammar as IAM documents it: partition `aws`, `aws-cn`, `aws-us-gov`, …; a 12-digit account; user and
 * role names of 1–64 characters from `[\w+=,.@-]`, under an optional path `/…/`; role session names of
 * 2–64 characters from the same set. IAM does not distinguish user or role names by case (`Admins` and
 * `admins` cannot both exist), so names compare case-insensitively; session names compare exactly.
 */

const partition = 'aws(?:-[a-z]+)*';
const account = '\\d{12}';
const name = '[\\w+=,.@-]{1,64}';
const path = '(?:/[!-.0-~]+)*/';
const sessionName = '[\\w+=,.@-]{2,64}';

const userArnPattern = new RegExp(`^arn:(${partition}):iam::(${account}):user(${path})(${name})$`);
const roleArnPattern = new RegExp(`^arn:(${partition}):iam::(${account}):role(${path})(${name})$`);
const sessionArnPattern = new RegExp(
  `^arn:(${partition}):sts::(${account}):assumed-role/(${name})/(${sessionName})$`,
);
const sessionNamePattern = new RegExp(`^${sessionName}$`);

/** Any session of the role: for automation whose session names vary per run. The only wildcard there is. */
export const anySession = '*';

/** An identity as the catalog holds it, after parsing. */
export type IamIdentity =
  /** An IAM user, matched by its exact ARN (path included). */
  | { kind: 'user'; partition: string; account: string; path: string; name: string }
  /** An IAM role called with directly (its exact ARN); API Gateway presents role callers as sessions. */
  | { kind: 'role'; partition: string; account: string; path: string; name: string }
  /** Sessions of an assumed role: one session name, or `*` for any. The role's path is not in a session ARN. */
  | {
      kind: 'role-session';
      partition: string;
      account: string;
      role: string;
      session: string;
      /** The role's ARN as the catalog wrote it (path included), which resource policies name. */
      roleArn?: string;
    };

/**
 * Who sets a session name, where a catalog names one: IAM Identity Center (its roles, `AWSReservedSSO_…`, take the
 * user's name), or the role's trust policy, which requires `sts:RoleSessionName` to be the caller's own name.
 */
export type SessionNameSetBy = 'identity-center' | 'trust-policy';

/** An identity as written in the catalog: an ARN string, or `{ role, session }` for assumed-role sessions. */
export type IamIdentityInput =
  | string
  | { role: string; session: string; sessionNameSetBy?: SessionNameSetBy };

/** IAM Identity Center's roles: it makes them, trusts only itself in them, and names each session for its user. */
const identityCenterRole = /^AWSReservedSSO_/;

/**
 * Why a named session of `role` identifies nobody, or undefined when it does. `sts:AssumeRole` takes the session
 * name from the caller (RoleSessionName): of a role people share, anyone who may assume it could call as any of
 * them. A name is evidence only where the caller cannot choose it.
 */
function chosenSessionName(role: string, session: string, setBy: SessionNameSetBy | undefined) {
  if (session === anySession || identityCenterRole.test(role) || setBy === 'trust-policy') return undefined;
  return `a session named "${session}" of role ${role} is not evidence of who calls: whoever may assume ${role} chooses its session name (sts:AssumeRole's RoleSessionName). Name an IAM Identity Center role (AWSReservedSSO_…), which names each session for its user, or pin the name in the role's trust policy (a condition that sts:RoleSessionName equals \${aws:username}, or your identity provider's RoleSessionName attribute) and say so with { role, session, sessionNameSetBy: "trust-policy" }; see catalog/README.md`;
}

/** Parses a caller's ARN (as API Gateway's `requestContext.identity.userArn` gives it); undefined if not IAM. */
export function parseCallerArn(arn: string): IamIdentity | undefined {
  const user = userArnPattern.exec(arn);
  if (user) return { kind: 'user', partition: user[1]!, account: user[2]!, path: user[3]!, name: user[4]! };
  const role = roleArnPattern.exec(arn);
  if (role) return { kind: 'role', partition: role[1]!, account: role[2]!, path: role[3]!, name: role[4]! };
  const session = sessionArnPattern.exec(arn);
  if (session) {
    return {
      kind: 'role-session',
      partition: session[1]!,
      account: session[2]!,
      role: session[3]!,
      session: session[4]!,
    };
  }
  return undefined;
}

/** The identity written as an ARN (sessions of `*` as `…/ROLE/*`), for messages and records. */
export function describeIdentity(identity: IamIdentity): string {
  const prefix = `arn:${identity.partition}:`;
  switch (identity.kind) {
    case 'user':
      return `${prefix}iam::${identity.account}:user${identity.path}${identity.name}`;
    case 'role':
      return `${prefix}iam::${identity.account}:role${identity.path}${identity.name}`;
    case 'role-session':
      return `${prefix}sts::${identity.account}:assumed-role/${identity.role}/${identity.session}`;
  }
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Whether a catalog identity and a caller's identity can be the same caller. Both sides may be catalog
 * identities (then `*` on either side overlaps any session): that is how two claims are found to collide.
 * Example: `{role: …:role/itv/ItvReviewers, session: 'x@example.com'}` matches
 * `arn:aws:sts::123456789012:assumed-role/ItvReviewers/x@example.com`.
 */
export function identitiesOverlap(a: IamIdentity, b: IamIdentity): boolean {
  if (a.kind !== b.kind || a.partition !== b.partition || a.account !== b.account) return false;
  if (a.kind === 'role-session' && b.kind === 'role-session') {
    return (
      sameName(a.role, b.role) &&
      (a.session === b.session || a.session === anySession || b.session === anySession)
    );
  }
  if (a.kind !== 'role-session' && b.kind !== 'role-session') {
    return a.path === b.path && sameName(a.name, b.name);
  }
  return false;
}

/** A catalog identity: an exact IAM user, role or session ARN, or `{ role: ROLE_ARN, session: NAME | '*' }`. */
export const iamIdentitySchema = z
  .union([
    z.string(),
    z
      .object({
        role: z.string(),
        session: z.string(),
        sessionNameSetBy: z.enum(['identity-center', 'trust-policy']).optional(),
      })
      .strict(),
  ])
  .transform((input, ctx): IamIdentity => {
    if (typeof input === 'string') {
      const parsed = parseCallerArn(input);
      const chosen =
        parsed?.kind === 'role-session'
          ? chosenSessionName(parsed.role, parsed.session, undefined)
          : undefined;
      if (chosen) {
        ctx.addIssue({ code: 'custom', message: chosen });
        return z.NEVER;
      }
      if (parsed) return parsed;
      ctx.addIssue({
        code: 'custom',
        message: `"${input}" is not an IAM user, role or assumed-role session ARN (arn:aws:iam::ACCOUNT:user/NAME, arn:aws:iam::ACCOUNT:role/NAME, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION; wildcards only as { role, session: "*" })`,
      });
      return z.NEVER;
    }
    const role = roleArnPattern.exec(input.role);
    if (!role) {
      ctx.addIssue({
        code: 'custom',
        path: ['role'],
        message: `"${input.role}" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME)`,
      });
      return z.NEVER;
    }
    if (input.session !== anySession && !sessionNamePattern.test(input.session)) {
      ctx.addIssue({
        code: 'custom',
        path: ['session'],
        message: `"${input.session}" is not a role session name (2–64 of letters, digits and _+=,.@-) or "*"`,
      });
      return z.NEVER;
    }
    if (input.sessionNameSetBy === 'identity-center' && !identityCenterRole.test(role[4]!)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sessionNameSetBy'],
        message: `"identity-center": ${role[4]} is not an IAM Identity Center role (AWSReservedSSO_…); a role of your own pins its session names with its trust policy ("trust-policy")`,
      });
      return z.NEVER;
    }
    const chosen = chosenSessionName(role[4]!, input.session, input.sessionNameSetBy);
    if (chosen) {
      ctx.addIssue({ code: 'custom', message: chosen });
      return z.NEVER;
    }
    return {
      kind: 'role-session',
      partition: role[1]!,
      account: role[2]!,
      role: role[4]!,
      session: input.session,
      roleArn: input.role,
    };
  });
