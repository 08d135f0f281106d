import { readFileSync } from 'node:fs';
import type { IntentInput } from '../../../../lambdas/core/intent.js';
import { type Harness, intentAt } from './pipeline-harness.js';

/** Example 10 as written: the schema update that introduces launch-flags/flags@1.2.0. */
export const exampleSchemaUpdate = JSON.parse(
  readFileSync(new URL('../../../../examples/10-schema-update-flag.json', import.meta.url), 'utf8'),
) as IntentInput;

/** The contract example 10 carries. */
export const exampleContract = (exampleSchemaUpdate.change.payload as { schema: Record<string, unknown> })
  .schema;

/** Example 10 at the harness's clock, with `edit` applied last. */
export const schemaUpdate = (h: Harness, edit: (d: IntentInput) => void = () => {}) =>
  intentAt(h, (d) => {
    d.title = exampleSchemaUpdate.title;
    d.change = structuredClone(exampleSchemaUpdate.change);
    edit(d);
  });
