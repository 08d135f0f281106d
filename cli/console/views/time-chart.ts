import { html, type Markup, trusted } from '../html.js';

export interface TimePoint {
  /** Milliseconds since the epoch. */
  t: number;
  v: number;
}

export interface TimeChartOptions {
  /** What the chart shows, for its caption and for screen readers. */
  title: string;
  yLabel: string;
  /** `dots: false` draws the line alone, for series of many points. */
  series: Array<{ label: string; points: TimePoint[]; colour: string; step?: boolean; dots?: boolean }>;
  yMin?: number;
  yMax?: number;
  threshold?: { value: number; label: string };
  markers?: Array<{ t: number; label: string }>;
  format?: (v: number) => string;
  /** The time axis, when several charts share one (else the data's own span). */
  from?: number;
  to?: number;
}

const W = 720;
const H = 220;
const PAD = { left: 56, right: 16, top: 16, bottom: 34 };

/**
 * A chart of values over time as SVG built from numbers alone (every label escaped), with the same numbers in
 * a table beneath it: the chart is for the eye, the table for a screen reader or a keyboard.
 */
export function timeChart(options: TimeChartOptions): Markup {
  const format = options.format ?? ((v: number) => String(Math.round(v * 1000) / 1000));
  const all = options.series.flatMap((s) => s.points);
  const times = [...all.map((p) => p.t), ...(options.markers ?? []).map((m) => m.t)];
  if (times.length === 0) return html`<p class="muted">${options.title}: nothing recorded yet.</p>`;
  const t0 = options.from ?? Math.min(...times);
  const t1 = options.to ?? Math.max(...times, t0 + 1000);
  const values = [...all.map((p) => p.v), ...(options.threshold ? [options.threshold.value] : [])];
  let y0 = options.yMin ?? Math.min(...values);
  let y1 = options.yMax ?? Math.max(...values);
  if (y1 === y0) {
    y0 -= Math.abs(y0) * 0.01 || 1;
    y1 += Math.abs(y1) * 0.01 || 1;
  }
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const n = (v: number) => v.toFixed(1);
  const lines = options.series.map((s) => {
    const path = s.points
      .map((p, i) => {
        const previous = s.points[i - 1];
        const step = s.step && previous ? `H${n(x(p.t))}` : '';
        return `${i === 0 ? 'M' : step ? '' : 'L'}${step || `${n(x(p.t))},${n(y(p.v))}`}${step ? `V${n(y(p.v))}` : ''}`;
      })
      .join(' ');
    const dots = (s.dots === false ? [] : s.points).map(
      (p) => `<circle cx="${n(x(p.t))}" cy="${n(y(p.v))}" r="3" fill="${s.colour}"></circle>`,
    );
    return `<path d="${path}" fill="none" stroke="${s.colour}" stroke-width="2"></path>${dots.join('')}`;
  });
  const threshold = options.threshold
    ? html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${n(y(options.threshold.value))}" y2="${n(y(options.threshold.value))}" stroke="#b42318" stroke-dasharray="6 4"></line><text x="${W - PAD.right - 4}" y="${n(y(options.threshold.value) - 4)}" text-anchor="end">${options.threshold.label}</text>`
    : '';
  const markers = (options.markers ?? []).map(
    (m) =>
      html`<line x1="${n(x(m.t))}" x2="${n(x(m.t))}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#8a5300" stroke-width="2"></line><text x="${n(x(m.t) > W / 2 ? x(m.t) - 4 : x(m.t) + 4)}" y="${PAD.top + 12}" text-anchor="${x(m.t) > W / 2 ? 'end' : 'start'}">${m.label}</text>`,
  );
  const axis = html`<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#4d5661"></line><line x1="${PAD.left}" x2="${W - PAD.right}" y1="${H - PAD.bottom}" y2="${H - PAD.bottom}" stroke="#4d5661"></line><text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${format(y1)}</text><text x="${PAD.left - 6}" y="${H - PAD.bottom}" text-anchor="end">${format(y0)}</text><text x="${PAD.left}" y="${H - 10}">${clock(t0)}</text><text x="${W - PAD.right}" y="${H - 10}" text-anchor="end">${clock(t1)}</text>`;
  const legend = options.series.map(
    (s) => html` <span style="color:${s.colour}" aria-hidden="true">■</span> ${s.label}`,
  );
  const rows = options.series.flatMap((s) =>
    s.points.map(
      (p) =>
        html`<tr><td>${s.label}</td><td>${new Date(p.t).toISOString()}</td><td class="num">${format(p.v)}</td></tr>`,
    ),
  );
  return html`<figure class="chart"><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${options.title}"><title>${options.title}</title>${axis}${trusted(lines.join(''))}${threshold}${markers}</svg>
<figcaption>${options.title} (${options.yLabel}; times in UTC):${legend}</figcaption>
<details><summary>The numbers</summary><table><thead><tr><th scope="col">Series</th><th scope="col">At</th><th scope="col" class="num">${options.yLabel}</th></tr></thead><tbody>${rows}</tbody></table></details></figure>`;
}

function clock(t: number): string {
  return new Date(t).toISOString().slice(5, 16).replace('T', ' ');
}
