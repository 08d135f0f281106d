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
// Synthesis runs cdk-nag, whose EventBusOpenAccess rule reads CfnEventBusPolicy's deprecated `principal` (the
// stack sets `statement`): quiet about deprecations from here on unless JSII_DEPRECATED says otherwise. Building
// the stack above still warns of any deprecated API it uses, and test/infra/nag.test.ts fails on one.
process.env.JSII_DEPRECATED ??= 'quiet';
app.synth();
