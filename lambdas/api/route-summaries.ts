import type { ApiRouteKey } from './routes.js';

/**
 * Each route's summary, as the OpenAPI document gives it: kept apart from `routes.ts`, which every route's function
 * bundles, since only the document reads them.
 */
export const routeSummaries: Readonly<Record<ApiRouteKey, string>> = {
  'POST /intents': 'Submit an intent as the authenticated caller',
  'GET /intents': 'The intents on the ledger, newest first, filtered, in pages',
  'GET /intents/{id}': "An intent's status and its ledger steps",
  'POST /intents/{id}/review': 'Approve or reject an intent as its reviewer of record',
  'POST /intents/{id}/release-decision':
    'Roll a held release forward or back, or keep holding it, as an owner of the service',
  'POST /intents/{id}/stop':
    'Stop an intent in flight, as its requester, an owner of its service or a release steward: withdrawn before release, rolled back or held once releasing',
  'POST /intents/{id}/retry':
    'Run an intent that failed, was stopped or rolled back again, as its next attempt',
  'PUT /intents/{id}/checks/{name}':
    'Report the result of a check the intent names, as the authenticated caller (its requester, an owner of its service or a delegate over it, such as a CI principal); Verify counts a result reported before it runs, or while a fail-fast gate waits for it (the report wakes it)',
  'GET /intents/{id}/checks/{name}':
    'The result reported for a check the intent names, as recorded (check.reported): where the Location of a report leads',
  'GET /intents/{id}/evidence': "The intent's evidence bundle",
  'GET /ledger': 'The ledger export (JSON Lines), in pages',
  'GET /ledger/checkpoints': "Every signed checkpoint and the signing key's public key",
  'GET /value':
    'The value report over a time window, grouped by the dimensions named, with DORA over time and the compounding curve',
  'POST /delegations': "Delegate from the caller's own authority",
  'GET /delegations':
    "Every delegation, the catalog's and those granted at run time, each live, expired or revoked now; a granted one with the id that revokes it",
  'GET /delegations/{id}':
    'A delegation granted at run time, live, expired or revoked now, as the list shows it: where the Location of a grant leads',
  'DELETE /delegations/{id}': 'Revoke a delegation the caller granted',
  'POST /payloads':
    'Store a payload too large to travel inline under its SHA-256, checked as an inline payload is, and answer the reference an intent names in change.payloadRef',
  'GET /openapi.json': 'This API as an OpenAPI 3.1 document',
};
