import { jest } from '@jest/globals';
import { printApiError } from '../../../cli/control-plane/api-errors.js';

describe('an API error as the CLI prints it', () => {
  const printed = (
    issues: Array<{ path: string; message: string }>,
    flags?: Record<string, string>,
    message = 'the intent is refused',
  ) => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    try {
      const code = printApiError(
        {
          status: 400,
          body: { error: 'InvalidInputError', message, issues },
        } as never,
        flags,
      );
      return { code, lines };
    } finally {
      spy.mockRestore();
    }
  };

  test('control characters the API quotes back (a name typed with ESC) are written out, never obeyed', () => {
    const { lines } = printed(
      [{ path: 'check\u001b[31m', message: 'names no check: hipaa\u001b[31m\u202e' }],
      {},
      'check hipaa\u001b[31m\u0007 is not in the catalog',
    );
    expect(lines).toEqual([
      'itv: InvalidInputError: check hipaa\\u001b[31m\\u0007 is not in the catalog',
      '  check\\u001b[31m: names no check: hipaa\\u001b[31m\\u202e',
    ]);
  });

  test('a message that names its field is not doubled when the field is shown as its flag', () => {
    const { lines } = printed(
      [
        { path: 'detail', message: 'detail: holds the control character U+001B at character 2' },
        { path: 'url', message: 'url must be https' },
      ],
      { detail: '--detail', url: '--url' },
    );
    expect(lines.slice(1)).toEqual([
      '  --detail: holds the control character U+001B at character 2',
      '  --url: must be https',
    ]);
  });

  test('one line per field, the field first; a message that already names its field is not doubled', () => {
    const { code, lines } = printed([
      { path: 'title', message: 'must be at most 200 characters' },
      { path: 'goal', message: 'goal: is required' },
    ]);
    expect(code).toBe(1);
    expect(lines).toEqual([
      'itv: InvalidInputError: the intent is refused',
      '  title: must be at most 200 characters',
      '  goal: is required',
    ]);
  });

  test('an issue about the whole body (no path) prints its message alone, with no empty field before it', () => {
    const { lines } = printed([{ path: '', message: 'intent: is 667468 bytes of JSON' }]);
    expect(lines[1]).toBe('  intent: is 667468 bytes of JSON');
  });

  test('a command that sent flags as fields has each field named by its flag, in paths and in messages', () => {
    // Prepare: `itv delegate` sends --until as expiresAt and each --service as services[i].
    const flags = { expiresAt: '--until', services: '--service', reason: '--reason' };
    // Act
    const { lines } = printed(
      [
        { path: 'expiresAt', message: 'must be in the future' },
        { path: 'services[1]', message: '"nope" is not in the service catalog' },
        { path: 'role', message: 'is required' },
      ],
      flags,
      'the delegation stays revoked; grant one with another expiresAt',
    );
    // Assess
    expect(lines).toEqual([
      'itv: InvalidInputError: the delegation stays revoked; grant one with another --until',
      '  --until: must be in the future',
      '  --service: "nope" is not in the service catalog',
      '  role: is required',
    ]);
  });

  test('a route the API advises is named as the command that sends it; the API keeps the route', () => {
    // Prepare: a retry refused while the attempt runs, and a grant that repeats a live delegation.
    const retry = printed(
      [],
      {},
      'intent int-1:attempt-2 is awaiting-review: it is still in flight; stop it first (POST /intents/int-1:attempt-2/stop) to run it again',
    );
    const grant = printed(
      [
        {
          path: 'state',
          message:
            'already granted: revoke it (DELETE /delegations/bob~alice~2026-12-01T00:00:00.000Z) and grant one with another expiresAt',
        },
      ],
      { expiresAt: '--until' },
      'already granted',
    );
    // Assess
    expect(retry.lines).toEqual([
      'itv: InvalidInputError: intent int-1:attempt-2 is awaiting-review: it is still in flight; stop it first (itv stop int-1:attempt-2 --reason …) to run it again',
    ]);
    expect(grant.lines[1]).toBe(
      '  state: already granted: revoke it (itv delegate revoke bob~alice~2026-12-01T00:00:00.000Z --reason …) and grant one with another --until',
    );
  });

  test("an intent id no intent can have is said in the command's terms: the ID argument, not the request's path", () => {
    const { lines } = printed(
      [
        {
          path: 'path.id',
          message: 'must be 1 to 256 of A-Z a-z 0-9 . _ : -; this one holds a character other than these',
        },
      ],
      {},
      'the path names an intent id no intent can have',
    );
    expect(lines).toEqual([
      'itv: InvalidInputError: the ID argument is an intent id no intent can have',
      '  ID: must be 1 to 256 of A-Z a-z 0-9 . _ : -; this one holds a character other than these',
    ]);
  });
});
