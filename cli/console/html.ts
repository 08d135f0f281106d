/**
 * HTML built from strings with every interpolated value escaped unless it is already markup: a view cannot
 * inject what the ledger holds (an intent's title, a tag, a reviewer's comment) into the page as markup.
 */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Interpolated = Markup | string | number | boolean | null | undefined | readonly Interpolated[];

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c]!);
}

function rendered(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(rendered).join('');
  return escapeHtml(String(value));
}

/** `html\`<td>${title}</td>\``: values escaped, `Markup` (and arrays of it) inserted as is. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Markup {
  let text = strings[0]!;
  values.forEach((value, i) => {
    text += rendered(value) + strings[i + 1]!;
  });
  return new Markup(text);
}

/** Markup the caller vouches for (a stylesheet, an SVG built from numbers). */
export function trusted(text: string): Markup {
  return new Markup(text);
}
