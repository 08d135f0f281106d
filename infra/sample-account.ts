import type { Catalog } from '../lambdas/core/catalog-schema.js';

/** The account id of the sample catalog's identities (`catalog/principals.ts`), which is nobody's. */
export const sampleAccount = '123456789012';

/**
 * What `cdk synth` and `cdk deploy` warn of when the catalog still maps callers to identities in the sample account:
 * deployed as it is, no one the catalog names can call the API or put intents on the bus, and whoever owns that
 * account id would be who the bus and the requester binding trust. Undefined once every identity is another
 * account's. Example: the shipped catalog → `catalog/principals.ts still names the sample account 123456789012 …`.
 */
export function sampleAccountWarning(catalog: Pick<Catalog, 'principals'>): string | undefined {
  const principals = Object.values(catalog.principals)
    .filter((principal) => principal.identities.some((identity) => identity.account === sampleAccount))
    .map((principal) => principal.id);
  if (principals.length === 0) return undefined;
  return `catalog/principals.ts still names the sample account ${sampleAccount} for ${principals.length} principal(s) (${principals.slice(0, 5).join(', ')}${principals.length > 5 ? ', …' : ''}): replace them with the identities your people and CI call with before deploying (README, "Before the first deploy"); deployed as they are, nobody can call the API or put intents on the bus`;
}
