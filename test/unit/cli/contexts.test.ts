import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkedContext,
  chooseContextByFlag,
  configDir,
  currentContext,
  readContexts,
  writeContexts,
} from '../../../cli/remote/contexts.js';

describe('contexts', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'itv-contexts-'));
    env = { ITV_CONFIG_DIR: dir };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('live under ITV_CONFIG_DIR, else $XDG_CONFIG_HOME/itv, else ~/.config/itv', () => {
    expect(configDir({ ITV_CONFIG_DIR: '/a' })).toBe('/a');
    expect(configDir({ XDG_CONFIG_HOME: '/x' })).toBe('/x/itv');
    expect(configDir({})).toMatch(/\.config\/itv$/);
  });

  test('a context edited by hand to plain http off loopback, or a file that is not JSON, is refused naming the file and the field', () => {
    // Prepare
    writeFileSync(
      join(dir, 'contexts.json'),
      JSON.stringify({
        current: 'prod',
        contexts: { prod: { endpoint: 'http://api.example.com/v1', region: 'eu-west-1' } },
      }),
    );
    // Act, Assess
    expect(() => currentContext(env)).toThrow(
      expect.objectContaining({
        name: 'InvalidInputError',
        message: `context prod in ${join(dir, 'contexts.json')} is not valid; add it again with itv context add`,
        issues: [
          {
            path: 'contexts.prod.endpoint',
            message: 'must be https (plain http only on the loopback interface)',
          },
        ],
      }),
    );
    writeFileSync(join(dir, 'contexts.json'), '{ not json');
    expect(() => currentContext(env)).toThrow(
      expect.objectContaining({
        name: 'InvalidInputError',
        issues: [{ path: join(dir, 'contexts.json'), message: expect.stringMatching(/^is not JSON: /) }],
      }),
    );
  });

  test.each([
    ['[]', '', 'must be an object with "current" and "contexts"'],
    ['null', '', 'must be an object with "current" and "contexts"'],
    ['{"contexts":[]}', 'contexts', 'must be an object of contexts by name'],
    ['{"current":7}', 'current', 'must be the name of a context'],
    ['{"contexts":{"prod":"https://a.example"}}', 'contexts.prod', 'must be an object'],
  ])('a file of %s is refused naming the file and the field', (text, field, message) => {
    // Prepare
    const file = join(dir, 'contexts.json');
    writeFileSync(file, text);
    // Act, Assess
    expect(() => readContexts(env)).toThrow(
      expect.objectContaining({
        name: 'InvalidInputError',
        message: `${file} cannot be read`,
        issues: [{ path: field === '' ? file : `${file}: ${field}`, message }],
      }),
    );
  });

  test('a current context the file names but does not hold is refused naming the file', () => {
    writeContexts(
      { current: 'gone', contexts: { prod: { endpoint: 'https://a.example/v1', region: 'eu-west-1' } } },
      env,
    );
    expect(() => currentContext(env)).toThrow(
      expect.objectContaining({
        message: 'no context named gone',
        issues: [
          {
            path: `${join(dir, 'contexts.json')}: current`,
            message: expect.stringContaining('local, prod'),
          },
        ],
      }),
    );
  });

  test('without a file, or with `local` chosen, commands run on the local stack', () => {
    expect(currentContext(env)).toBeUndefined();
    writeContexts(
      { current: 'local', contexts: { prod: { endpoint: 'https://a.example/v1', region: 'eu-west-1' } } },
      env,
    );
    expect(currentContext(env)).toBeUndefined();
    expect(currentContext({ ...env, ITV_CONTEXT: 'prod' })).toEqual({
      name: 'prod',
      context: { endpoint: 'https://a.example/v1', region: 'eu-west-1' },
    });
  });

  test('an unknown context is refused, naming the known ones', () => {
    writeContexts(
      { current: 'local', contexts: { prod: { endpoint: 'https://a.example/v1', region: 'eu-west-1' } } },
      env,
    );

    expect(() => currentContext({ ...env, ITV_CONTEXT: 'staging' })).toThrow(
      expect.objectContaining({
        issues: [{ path: 'ITV_CONTEXT', message: expect.stringContaining('local, prod') }],
      }),
    );
  });

  test('an unknown context given as --context is refused naming the flag, which wins over ITV_CONTEXT', () => {
    writeContexts(
      { current: 'local', contexts: { prod: { endpoint: 'https://a.example/v1', region: 'eu-west-1' } } },
      env,
    );
    chooseContextByFlag('staging');
    try {
      expect(() => currentContext({ ...env, ITV_CONTEXT: 'prod' })).toThrow(
        expect.objectContaining({
          message: 'no context named staging',
          issues: [{ path: '--context', message: expect.stringContaining('local, prod') }],
        }),
      );
    } finally {
      chooseContextByFlag(undefined);
    }
    expect(currentContext({ ...env, ITV_CONTEXT: 'prod' })?.name).toBe('prod');
  });

  test('the file keeps only the fields a context has, mode 0600: anything else given is dropped', () => {
    const withSecret = {
      endpoint: 'https://a.example/v1',
      region: 'eu-west-1',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    } as unknown as Parameters<typeof checkedContext>[1];

    writeContexts({ current: 'prod', contexts: { prod: withSecret } }, env);

    const text = readFileSync(join(dir, 'contexts.json'), 'utf8');
    expect(text).not.toContain('EXAMPLEKEY');
    expect(readContexts(env).contexts.prod).toEqual({
      endpoint: 'https://a.example/v1',
      region: 'eu-west-1',
    });
  });

  test('a context is checked before it is written: its name, an https endpoint without credentials, a region', () => {
    expect(checkedContext('prod', { endpoint: 'https://a.example/v1/', region: 'eu-west-1' })).toEqual({
      endpoint: 'https://a.example/v1',
      region: 'eu-west-1',
    });
    expect(
      checkedContext('dev', { endpoint: 'http://127.0.0.1:8080/v1', region: 'us-east-1' }).endpoint,
    ).toBe('http://127.0.0.1:8080/v1');
    expect(() => checkedContext('Local', { endpoint: 'http://u:p@a.example/v1', region: 'Europe' })).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({ path: 'name' }),
          expect.objectContaining({ path: '--endpoint', message: expect.stringContaining('https') }),
          expect.objectContaining({ path: '--endpoint', message: expect.stringContaining('no credentials') }),
          expect.objectContaining({ path: '--region' }),
        ],
      }),
    );
  });

  test('a control or bidi character in --endpoint or --profile is refused naming the flag', () => {
    const issuesOf = (context: Parameters<typeof checkedContext>[1]) => {
      try {
        checkedContext('dev', context);
        return [];
      } catch (error) {
        return (error as { issues: Array<{ path: string; message: string }> }).issues;
      }
    };
    expect(issuesOf({ endpoint: 'https://a.example/v1\u001b[31m', region: 'eu-west-1' })).toEqual([
      { path: '--endpoint', message: expect.stringContaining('control character U+001B') },
    ]);
    expect(
      issuesOf({ endpoint: 'https://a.example/v1', region: 'eu-west-1', profile: 'ops\u202eved' }),
    ).toEqual([{ path: '--profile', message: expect.stringContaining('control character U+202E') }]);
    expect(issuesOf({ endpoint: 'https://a.example/v1', region: 'eu-west-1', profile: 'ops' })).toEqual([]);
  });

  test('plain http is refused naming --endpoint unless the host is loopback; https to any host is accepted', () => {
    const endpointIssues = (endpoint: string) => {
      try {
        checkedContext('dev', { endpoint, region: 'eu-west-1' });
        return [];
      } catch (error) {
        return (error as { issues: Array<{ path: string; message: string }> }).issues;
      }
    };
    expect(endpointIssues('http://example.com')).toEqual([
      { path: '--endpoint', message: 'must be https (plain http only on the loopback interface)' },
    ]);
    expect(endpointIssues('http://localhost.example.com/v1')).toHaveLength(1);
    for (const loopback of ['http://127.0.0.1:8787', 'http://localhost:8787/v1', 'http://[::1]:8787']) {
      expect(endpointIssues(loopback)).toEqual([]);
    }
    expect(endpointIssues('https://example.com/v1')).toEqual([]);
  });
});
