import type { BusinessHours } from '../lambdas/core/catalog-schema.js';

/**
 * Working hours for changes that a person must be at hand for: irreversible changes and migrations on any
 * service, in the service's own time zone. Services may declare their own `businessHours` in the catalog.
 */
export const defaultBusinessHours: BusinessHours = { weekdays: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' };
