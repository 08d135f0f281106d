import { loadCatalog } from '../catalog/index.js';
import { checkContracts } from '../lambdas/core/structure.js';
import { createItvApp } from './build-app.js';
import { eventPublishersOf } from './event-publishers.js';

// A contract that does not compile stops the synth, before any function could meet it.
const catalog = checkContracts(loadCatalog());
const { app } = createItvApp({
  services: Object.values(catalog.services),
  publishers: eventPublishersOf(catalog),
  nag: true,
});
app.synth();
