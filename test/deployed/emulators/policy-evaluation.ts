import { type EvaluationResult, runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import type { AuthorizationCheck, PolicyDocument } from './operations/authorization-check.js';

/** Who calls: the role a function runs as and the policies attached to it. */
export interface Caller {
  /** The role ARN, e.g. `arn:aws:iam::123456789012:role/itv-verify`. */
  principalArn: string;
  /**
   * The role session name (a Lambda function's is the function name). Given, requests are made by
   * `arn:aws:sts::<account>:assumed-role/<role>/<session>`, as a function's are, and AccessDenied names it.
   */
  sessionName?: string;
  identityPolicies: PolicyDocument[];
}

/** The principal AWS sees: the assumed-role session when there is one, the role otherwise. */
export function requestPrincipalOf(caller: Caller): string {
  if (!caller.sessionName) return caller.principalArn;
  const match = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(caller.principalArn);
  if (!match) return caller.principalArn;
  const [, partition, account, roleName] = match;
  return `arn:${partition}:sts::${account}:assumed-role/${roleName}/${caller.sessionName}`;
}

export interface CheckVerdict {
  allowed: boolean;
  result: EvaluationResult;
  /** AWS's wording: `allowed`, or the clause that ends its AccessDenied message. */
  reason: string;
}

export interface EvaluationSetting {
  account: string;
  region: string;
  now: Date;
  /** Whether the request came over TLS, as `aws:SecureTransport`. */
  secureTransport: boolean;
}

/**
 * Evaluates one check with `@cloud-copilot/iam-simulate`: the caller's identity policies plus the resource's
 * policy (a KMS key policy must itself allow the account or the principal: the evaluator applies KMS's rule).
 */
export async function evaluateCheck(
  caller: Caller,
  check: AuthorizationCheck,
  setting: EvaluationSetting,
): Promise<CheckVerdict> {
  const simulation = {
    request: {
      principal: requestPrincipalOf(caller),
      action: check.action,
      resource: { resource: check.resource, accountId: setting.account },
      contextVariables: { ...globalContext(caller, setting), ...check.context },
    },
    identityPolicies: caller.identityPolicies.map((policy, i) => ({ name: `identity-${i + 1}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(check.resourcePolicy ? { resourcePolicy: check.resourcePolicy } : {}),
  };
  if (check.resourceLevel === 'observed') {
    // The validated simulation rejects an ARN for an action the reference lists without resource types.
    const result = runUnsafeSimulation(simulation, {});
    return verdictOf(result, check, result === 'Allowed' ? 'Allowed' : 'ImplicitlyDenied');
  }
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    return {
      allowed: false,
      result: 'ImplicitlyDenied',
      reason: `the policy evaluator refused the request: ${JSON.stringify(response.errors)}`,
    };
  }
  const analysis = response.resultType === 'single' ? response.result.analysis : undefined;
  const identity = analysis?.identityAnalysis?.result;
  const denyingSide =
    response.overallResult === 'ExplicitlyDenied'
      ? identity === 'ExplicitlyDenied'
        ? 'ExplicitlyDenied'
        : 'ExplicitResourceDeny'
      : identity === 'Allowed'
        ? 'ResourceImplicit'
        : 'ImplicitlyDenied';
  return verdictOf(response.overallResult, check, denyingSide);
}

function verdictOf(
  result: EvaluationResult,
  check: AuthorizationCheck,
  side: EvaluationResult | 'ExplicitResourceDeny' | 'ResourceImplicit',
): CheckVerdict {
  if (result === 'Allowed') return { allowed: true, result, reason: 'allowed' };
  const reasons = {
    ExplicitlyDenied: 'with an explicit deny in an identity-based policy',
    ExplicitResourceDeny: 'with an explicit deny in a resource-based policy',
    ResourceImplicit: `because no resource-based policy allows the ${check.action} action`,
    ImplicitlyDenied: `because no identity-based policy allows the ${check.action} action`,
  } as const;
  return { allowed: false, result, reason: reasons[side === 'Allowed' ? 'ImplicitlyDenied' : side] };
}

/** Global condition keys AWS adds to every request of a role session. */
function globalContext(caller: Caller, setting: EvaluationSetting): Record<string, string> {
  return {
    'aws:PrincipalArn': caller.principalArn,
    'aws:PrincipalAccount': setting.account,
    'aws:PrincipalType': 'AssumedRole',
    'aws:RequestedRegion': setting.region,
    'aws:SecureTransport': String(setting.secureTransport),
    'aws:CurrentTime': setting.now.toISOString(),
    'aws:EpochTime': String(Math.floor(setting.now.getTime() / 1000)),
  };
}

/** AWS's AccessDenied message; a `*` resource is left out, as AWS does for actions without resources. */
export function accessDeniedMessage(
  caller: Caller,
  check: AuthorizationCheck,
  verdict: CheckVerdict,
): string {
  const on = check.resource === '*' ? '' : ` on resource: ${check.resource}`;
  return `User: ${requestPrincipalOf(caller)} is not authorized to perform: ${check.action}${on} ${verdict.reason}`;
}
