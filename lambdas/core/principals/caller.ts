import * as z from 'zod';

/**
 * How a caller proved who it is, as recorded beside the principal it resolved to. Never a credential: the
 * ARN names the identity; access keys, signatures and session tokens stay out of the ledger.
 */
export const authenticatedAsSchema = z.discriminatedUnion('method', [
  /** SigV4 through API Gateway's IAM auth: the ARN API Gateway reports (`requestContext.identity.userArn`). */
  z.object({ method: z.literal('aws-iam'), arn: z.string() }).strict(),
  /**
   * An event on the itv bus: the bus policy admits `PutEvents` under `source` only from the CI roles of the
   * principal that claims it, and EventBridge sets `source` and `account` itself.
   */
  z.object({ method: z.literal('eventbridge'), source: z.string(), account: z.string().optional() }).strict(),
  /** The local runtime: a bearer token `itv serve` issued, or a name given on the command line; `via` says how. */
  z.object({ method: z.literal('local'), via: z.string() }).strict(),
]);

export type AuthenticatedAs = z.infer<typeof authenticatedAsSchema>;

/**
 * How a caller authenticated, in words, telling a verified identity from a local name:
 * `IAM arn:aws:iam::…`, `EventBridge source itv.ci.payments`, `a local name (itv demo), not verified`.
 */
export function identityText(authenticatedAs: AuthenticatedAs): string {
  switch (authenticatedAs.method) {
    case 'aws-iam':
      return `IAM ${authenticatedAs.arn}`;
    case 'eventbridge':
      return `EventBridge source ${authenticatedAs.source}${authenticatedAs.account ? ` in ${authenticatedAs.account}` : ''}`;
    case 'local':
      return `a local name (${authenticatedAs.via}), not verified`;
  }
}

/** An authenticated caller resolved to a catalog principal. */
export interface Caller {
  principal: string;
  authenticatedAs: AuthenticatedAs;
  /** Which catalog entry the identity matched, e.g. `principals.xavier.identities[1]`: how it was resolved. */
  matched?: string;
}

export const callerSchema = z.object({
  principal: z.string(),
  authenticatedAs: authenticatedAsSchema,
  matched: z.string().optional(),
});
