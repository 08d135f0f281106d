import { describe, expect, it } from '@jest/globals';
import { escapeHtml, html, trusted } from '../../../cli/console/html.js';

describe('console html', () => {
  it('escapes every interpolated string, so ledger text cannot become markup', () => {
    const title = `<script>alert("x")</script> & 'quoted'`;
    expect(html`<td>${title}</td>`.text).toBe(
      '<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;</td>',
    );
  });

  it('inserts markup and arrays of markup as they are, and drops null, undefined and false', () => {
    const rows = ['a', 'b<'].map((v) => html`<li>${v}</li>`);
    expect(html`<ul>${rows}</ul>${null}${undefined}${false}${0}`.text).toBe(
      '<ul><li>a</li><li>b&lt;</li></ul>0',
    );
    expect(html`${trusted('<b>x</b>')}`.text).toBe('<b>x</b>');
  });

  it('escapes attribute quotes', () => {
    expect(escapeHtml(`" onmouseover="x`)).toBe('&quot; onmouseover=&quot;x');
  });
});
