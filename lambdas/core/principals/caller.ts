import * as z from 'zod';

/**
 * How a caller proved who it is, as recorded beside the principal it resolved to. Never a credential: the
 * ARN names the identity; access keys, signatures and session tokens stay out of the ledger.
 */
export const authenticatedAsSchema = z.discriminatedUnion('method', [
  /** SigV4 through API Gateway's IAM auth: the ARN API Gateway reports (`requestContext.identity.userArn`). */
  z.object({ method: z.literal('aws-iam'), arn: z.string() }).strict(),
  /** The local runtime names the principal directly (documented local authentication); `via` says how. */
  z.object({ method: z.literal('local'), via: z.string() }).strict(),
]);

export type AuthenticatedAs = z.infer<typeof authenticatedAsSchema>;

/** An authenticated caller resolved to a catalog principal. */
export interface Caller {
  principal: string;
  authenticatedAs: AuthenticatedAs;
}
