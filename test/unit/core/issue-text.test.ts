import { issueText } from '../../../lambdas/core/errors.js';

test('an issue is one line that names its field once', () => {
  // The message names its field first already: not twice.
  expect(
    issueText({
      path: 'change.payload.maxDiscountPercent',
      message: 'change.payload.maxDiscountPercent must be number',
    }),
  ).toBe('change.payload.maxDiscountPercent must be number');
  expect(issueText({ path: 'change.service', message: 'change.service: is required' })).toBe(
    'change.service: is required',
  );
  // It does not: the field goes first.
  expect(issueText({ path: '--file', message: 'file not readable' })).toBe('--file: file not readable');
  // A field whose name only begins the message's first word is still named.
  expect(issueText({ path: 'id', message: 'identity unknown' })).toBe('id: identity unknown');
  // A whole-body issue has no field.
  expect(issueText({ path: '', message: 'the body is not JSON' })).toBe('the body is not JSON');
});
