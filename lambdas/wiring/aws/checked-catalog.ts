import { loadCatalog } from '../../../catalog/index.js';
import type { Catalog } from '../../core/catalog-schema.js';
import { checkContracts } from '../../core/structure.js';

/** The catalog with its contracts compiled: for the functions that validate payloads against them. */
export function checkedCatalog(): Catalog {
  return checkContracts(loadCatalog());
}
