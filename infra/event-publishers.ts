import type { Catalog } from '../lambdas/core/catalog-schema.js';
import { describeIdentity, type IamIdentity } from '../lambdas/core/principals/index.js';

/** An automation principal allowed to put intents on the itv bus: its one source and its IAM callers. */
export interface EventPublisher {
  principal: string;
  source: string;
  /**
   * What `aws:PrincipalArn` is for its callers: the role ARN for an assumed-role session (path included, as
   * the catalog writes it), the user or role ARN otherwise.
   */
  callerArns: string[];
}

function principalArnOf(identity: IamIdentity): string {
  if (identity.kind !== 'role-session') return describeIdentity(identity);
  return identity.roleArn ?? `arn:${identity.partition}:iam::${identity.account}:role/${identity.role}`;
}

/** The catalog's automation principals with an event source, in catalog order. */
export function eventPublishersOf(catalog: Catalog): EventPublisher[] {
  return Object.values(catalog.principals)
    .filter((p) => p.eventSource !== undefined)
    .map((p) => ({
      principal: p.id,
      source: p.eventSource!,
      callerArns: [...new Set(p.identities.map(principalArnOf))],
    }));
}
