import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Catalog } from '../core/catalog-schema.js';
import { UnauthenticatedError, UnknownCallerError } from '../core/errors.js';
import { type Caller, resolveIdentity } from '../core/principals/index.js';

/** Who is calling: the composition root chooses how a request proves it (IAM on AWS, a header locally). */
export type Authenticate = (event: APIGatewayProxyEvent, catalog: Catalog) => Caller;

/**
 * Whether a request carries a credential the entry point knows, whoever it names: what API Gateway's IAM auth
 * checks before any route runs. Throws `UnauthenticatedError` (401) when it does not.
 */
export type Admit = (event: APIGatewayProxyEvent, catalog: Catalog) => void;

/** What a 401 asks for on API Gateway: a SigV4-signed request. */
const iamChallenge = 'AWS4-HMAC-SHA256';

/**
 * API Gateway's IAM auth: the SigV4 signature was verified before the Lambda runs, and
 * `requestContext.identity.userArn` is the ARN it was made with. That ARN is resolved to the catalog
 * principal claiming it; only the ARN is kept (the access key and caller id in the same object are not).
 */
export const iamCaller: Authenticate = (event, catalog) => {
  const arn = event.requestContext?.identity?.userArn;
  if (!arn) {
    throw new UnauthenticatedError(
      'no caller identity: sign the request with SigV4 (IAM auth)',
      iamChallenge,
      [{ path: 'authorization', message: 'IAM auth required' }],
    );
  }
  const claim = resolveIdentity(catalog.identities, arn);
  if (!claim) {
    throw new UnknownCallerError(
      `${arn} is not an identity of any principal in the catalog: list it under that principal's identities (catalog/README.md)`,
      iamChallenge,
    );
  }
  return { principal: claim.principal, authenticatedAs: { method: 'aws-iam', arn }, matched: claim.source };
};

/**
 * API Gateway's IAM auth as every route on AWS admits a request, a read as much as a write: the ARN the SigV4
 * signature was made with must be one a catalog principal claims (`iamCaller`), else 401 `UnknownCallerError`
 * naming it — IAM's execute-api:Invoke alone is not enough. The local API admits every request before it
 * routes, by the token or secret it knows, in the same place.
 */
export const iamAdmits: Admit = (event, catalog) => void iamCaller(event, catalog);
