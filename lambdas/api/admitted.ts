import type { APIGatewayProxyEvent } from 'aws-lambda';
import { loadCatalog } from '../../catalog/index.js';
import type { Catalog } from '../core/catalog-schema.js';
import { type Admit, iamAdmits } from './caller.js';
import type { Route } from './conventions.js';
import { errorResponse } from './http.js';
import { asProblem } from './problem.js';

/**
 * A route's Lambda handler that runs only for an admitted caller: on AWS, an IAM identity a catalog principal
 * claims (`iamAdmits`), checked before the request's own conventions and before anything is read, as API
 * Gateway's IAM auth and the local API's admission come first. Any other is answered 401 problem+json.
 * The routes that act as somebody (submit, review, …) resolve the caller themselves; the read routes, which
 * name nobody, are wrapped in this.
 */
export function admitted(
  handle: Route,
  admit: Admit = iamAdmits,
  catalog: () => Catalog = loadCatalog,
): (event: APIGatewayProxyEvent) => ReturnType<Route> {
  return async (event) => {
    try {
      admit(event, catalog());
    } catch (error) {
      return asProblem(errorResponse(error), event.path);
    }
    return handle(event);
  };
}
