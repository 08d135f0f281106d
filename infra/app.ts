import { Annotations } from 'aws-cdk-lib';
import { loadCatalog } from '../catalog/index.js';
import { checkContracts } from '../lambdas/core/structure.js';
import { createItvApp } from './build-app.js';
import { eventPublishersOf } from './event-publishers.js';
import { sampleAccountWarning } from './sample-account.js';

// A contract that does not compile stops the synth, before any function could meet it.
const catalog = checkContracts(loadCatalog());
const { app, stack } = createItvApp({
  services: Object.values(catalog.services),
  publishers: eventPublishersOf(catalog),
  nag: true,
});
// Said on every synth and deploy until the catalog names the identities its callers really have.
const sampleAccount = sampleAccountWarning(catalog);
if (sampleAccount) Annotations.of(stack).addWarningV2('itv:sample-account', sampleAccount);
// Synthesis runs cdk-nag, whose EventBusOpenAccess rule reads CfnEventBusPolicy's deprecated `principal` (the
// stack sets `statement`): quiet about deprecations from here on unless JSII_DEPRECATED says otherwise. Building
// the stack above still warns of any deprecated API it uses, and test/infra/nag.test.ts fails on one.
process.env.JSII_DEPRECATED ??= 'quiet';
app.synth();
