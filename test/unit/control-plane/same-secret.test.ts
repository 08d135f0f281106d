import { sameSecret } from '../../../cli/control-plane/same-secret.js';

/** The control plane's secrets are compared in constant time, whatever the length of what was presented. */
describe('sameSecret', () => {
  const secret = 'a3f1c2d4e5b6a7980112233445566778';

  test('the secret itself is the same', () => {
    expect(sameSecret(secret, secret)).toBe(true);
  });

  test.each([
    ['another of the same length', 'b3f1c2d4e5b6a7980112233445566778'],
    ['a prefix of it', secret.slice(0, 8)],
    ['it and more', `${secret}00`],
    ['nothing', ''],
  ])('%s is not, and comparing it throws nothing', (_what, presented) => {
    expect(sameSecret(presented, secret)).toBe(false);
  });

  test('nothing presented is not the secret', () => {
    expect(sameSecret(undefined, secret)).toBe(false);
  });
});
