import { ownSecretIn } from '../../../cli/control-plane/own-secret.js';

const secret = 'cSaln4jRffS2Kv4B9jvygov3JyLbtK5qNmw1qipCONo';

describe("where a request body holds the control plane's own secret", () => {
  test.each([
    [{ tags: { note: `ItvLocal ${secret}` } }, 'tags.note'],
    // Named as the door names fields (`pathOf`): array items by index, dotted.
    [{ change: { payload: { items: ['a', { v: secret }] } } }, 'change.payload.items.1.v'],
    [{ tags: { [secret]: 'x' } }, 'tags'],
    [secret, 'body'],
  ])('%j names %s', (body, path) => {
    expect(ownSecretIn(JSON.stringify(body), secret)).toBe(path);
  });

  test('a body that is not JSON is searched as text; one without the secret names nothing', () => {
    expect(ownSecretIn(`{"reason": "${secret}`, secret)).toBe('body');
    expect(ownSecretIn(JSON.stringify({ reason: secret.slice(1) }), secret)).toBeUndefined();
    expect(ownSecretIn('not json', secret)).toBeUndefined();
  });
});
