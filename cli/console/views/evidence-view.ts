import { createHash } from 'node:crypto';
import type { BundleVerification } from '../../../lambdas/core/evidence/verify-bundle.js';
import { html, type Markup } from '../html.js';
import { intentHref } from './parts.js';

/**
 * An intent's evidence bundle: every file with its size and SHA-256, the verification `itv evidence verify`
 * runs (check by check) under the stack's key when `pinned`, and the bundle as one archive that verifies offline
 * once unpacked. Checks passed under the bundle's own key alone are not called verified.
 */
export function evidenceView(
  intentId: string,
  files: ReadonlyMap<string, Uint8Array>,
  verification: BundleVerification,
  pinned: boolean,
): Markup {
  const names = [...files.keys()].sort();
  const badge = !verification.ok
    ? html`<span class="badge bad">FAILED verification</span>`
    : pinned
      ? html`<span class="badge ok">verified</span>`
      : html`<span class="badge bad">NOT VERIFIED: no key pinned</span>`;
  const signedBy = pinned
    ? html`Verified under key ${verification.keyid ?? '—'}, pinned from the stack this console runs beside (its <code>GET /ledger/checkpoints</code> key), not the bundle's own public-key.pem.`
    : html`Checked under key ${verification.keyid ?? '—'}, the bundle's own public-key.pem: the stack did not give its key, so the bundle only shows it agrees with itself.`;
  return html`<p><a href="${intentHref(intentId)}">← Intent ${intentId}</a></p>
<h1>Evidence bundle ${badge}</h1>
<p><a href="${intentHref(intentId, '/evidence.tar')}" download>Download the bundle (tar)</a> — it unpacks to the folder
<code>itv-evidence-${intentId}</code>: run <code>itv evidence verify itv-evidence-${intentId} --public-key KEY.pem</code> in the folder you unpacked it in, with the ledger's key (<code>itv ledger export --out FILE</code> writes it to <code>FILE.pub.pem</code>), or <code>docs/verify-bundle.sh --public-key KEY.pem</code> with openssl alone: without a key you hold, a bundle only shows it agrees with itself.</p>
<h2>Verification</h2>
<table><thead><tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Detail</th></tr></thead>
<tbody>${verification.checks.map(
    (c) =>
      html`<tr><td>${c.check}</td><td><span class="badge ${c.ok ? 'ok' : 'bad'}">${c.ok ? 'ok' : 'FAIL'}</span></td><td>${c.detail}</td></tr>`,
  )}</tbody></table>
<p class="muted">${signedBy}</p>
<h2>Contents</h2>
<table><thead><tr><th scope="col">File</th><th scope="col" class="num">Bytes</th><th scope="col">SHA-256</th></tr></thead>
<tbody>${names.map((name) => {
    const bytes = files.get(name)!;
    return html`<tr><td>${name}</td><td class="num">${bytes.length}</td><td><code>${createHash('sha256').update(bytes).digest('hex')}</code></td></tr>`;
  })}</tbody></table>
${names.includes('intent.json') ? html`<details><summary>intent.json</summary><pre>${Buffer.from(files.get('intent.json')!).toString('utf8').slice(0, 20000)}</pre></details>` : ''}`;
}
