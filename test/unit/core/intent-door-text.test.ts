import { checkCompleteness } from '../../../lambdas/core/completeness.js';
import { catalog, rawIntent } from './fixtures.js';

/*
 * Text an intent carries is shown on terminals and pages: the door refuses control characters in it (a title
 * that recolours, erases or overwrites what a reviewer sees), naming the field, before anything is recorded.
 */

type Draft = Record<string, unknown> &
  Record<'change' | 'goal' | 'authority' | 'tags', Record<string, unknown>>;

function check(edit: (draft: Draft) => void) {
  const draft = structuredClone(rawIntent()) as unknown as Draft;
  edit(draft);
  return checkCompleteness(draft, catalog, 'salt');
}

describe('the door refuses control characters in the text an intent shows', () => {
  test('a title with ESC, OSC, BEL and CR: refused before it is stored, naming the title and the character', () => {
    const result = check((d) => {
      d.title = 'Innocent \u001b[31mRED\u001b[0m \u001b]0;pwned\u0007 \r\u001b[2KOVERWRITTEN';
    });
    expect(result).toMatchObject({ ok: false, storable: false });
    expect(!result.ok && result.issues).toEqual([
      {
        path: 'title',
        message: expect.stringMatching(/^title: holds the control character U\+001B at character 10: /),
      },
    ]);
  });

  test('a tag value, a tag key, DEL, C1 and bidirectional overrides: each field named', () => {
    const cases: Array<[(d: Draft) => void, string, string]> = [
      [(d) => (d.tags.region = 'EU\u001b[2J'), 'tags.region', 'U+001B'],
      [(d) => (d.tags['re\u009bgion'] = 'EU'), 'tags.{key 0}', 'U+009B'],
      [(d) => (d.goal.metric = 'rate\u007f'), 'goal.metric', 'U+007F'],
      [(d) => (d.authority.role = 'engineer \u202egnp.exe'), 'authority.role', 'U+202E'],
      [(d) => (d.change.fixes = 'INC-1\u2066'), 'change.fixes', 'U+2066'],
      [(d) => (d.goal.outcome = 'first\rsecond'), 'goal.outcome', 'U+000D'],
    ];
    for (const [edit, path, code] of cases) {
      const result = check((d) => {
        if (path.startsWith('tags.{')) d.tags = {};
        edit(d);
      });
      expect(!result.ok && result.issues.map((issue) => [issue.path, issue.message.includes(code)])).toEqual([
        [path, true],
      ]);
    }
  });

  test('an outcome may break its lines and hold tabs; the payload, configuration content, is not text shown', () => {
    expect(
      check((d) => {
        d.goal.outcome = 'Cut provisioning time:\n\t- for EMEA\r\n\t- then everywhere';
      }).ok,
    ).toBe(true);
    expect(check((d) => (d.title = 'Title\nsecond line')).ok).toBe(false);
    expect(
      check((d) => {
        (d.change.payload as Record<string, unknown>).banner = 'line one\nline two\ttabbed';
      }).ok,
    ).toBe(true);
  });
});
