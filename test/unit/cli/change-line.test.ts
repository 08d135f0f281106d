import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { changeLine } from '../../../cli/declared-change.js';
import type { Intent } from '../../../lambdas/core/intent.js';

const example = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', name), 'utf8')) as Intent;

test('a schema update names the contract version it is declared against and the one it registers', () => {
  // Act
  const line = changeLine(example('10-schema-update-flag.json'));

  // Assess
  expect(line).toBe('launch-flags/flags@1.1.0 → 1.2.0 (schema-update)');
});

test('any other change names the contract version its content follows', () => {
  // Act
  const line = changeLine(example('01-low-risk-flag.json'));

  // Assess
  expect(line).toMatch(/^[a-z-]+\/[a-z-]+@\d+\.\d+\.\d+ \([a-z-]+\)$/);
  expect(line).not.toContain('→');
});

test('a schema update whose content is stored by reference names the version it is declared against', () => {
  // Prepare
  const intent = example('10-schema-update-flag.json');
  const { payload: _, ...change } = intent.change;

  // Act
  const line = changeLine({ change: { ...change, payloadRef: { sha256: 'ab'.repeat(32), size: 2 } } });

  // Assess
  expect(line).toBe('launch-flags/flags@1.1.0 (schema-update)');
});
