/**
 * The console's one stylesheet: served at /assets/console.css and inlined into a self-contained report, so no
 * page ever fetches anything from elsewhere. System fonts, contrast at least 4.5:1, a visible focus ring.
 */
export const consoleStyle = `
:root { --fg: #1b1f24; --muted: #4d5661; --bg: #ffffff; --panel: #f4f6f8; --line: #d0d7de;
  --accent: #0b5cad; --ok: #1a7f37; --bad: #b42318; --warn: #8a5300; --wait: #5a4fb0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible,
summary:focus-visible, .table-wrap:focus-visible, .panel:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
header.top a:focus-visible { outline-color: #ffffff; }
a.skip { position: absolute; left: .6rem; top: -4rem; z-index: 10; padding: .4rem .8rem; background: var(--bg);
  color: var(--accent); border: 2px solid var(--accent); border-radius: 4px; }
a.skip:focus { top: .4rem; }
main:focus { outline: none; }
header.top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #102a43;
  color: #fff; flex-wrap: wrap; }
header.top a { color: #fff; text-decoration: none; padding: .2rem .4rem; border-radius: 4px; }
header.top a[aria-current="page"] { background: #2c4f73; }
header.top .brand { font-weight: 700; letter-spacing: .02em; }
header.top .who { margin-left: auto; font-size: 12px; color: #d9e2ec; }
main { padding: 1rem 1.2rem 3rem; max-width: 1280px; overflow-wrap: break-word; }
h1 { font-size: 1.4rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
table { border-collapse: collapse; width: 100%; margin: 0; }
.table-wrap { overflow-x: auto; max-width: 100%; margin: .4rem 0 1rem; }
th, td { text-align: left; padding: .35rem .55rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
tr:target td { background: #fde8e8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 700; border-top: 2px solid var(--fg); }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: 12px; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.badge.ok { color: var(--ok); } .badge.bad { color: var(--bad); } .badge.warn { color: var(--warn); }
.badge.wait { color: var(--wait); } .badge.info { color: var(--accent); }
form.filters { display: flex; gap: .6rem; flex-wrap: wrap; align-items: end; margin-bottom: .8rem; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
input, select, textarea, button { font: inherit; padding: .3rem .5rem; border: 1px solid var(--muted);
  border-radius: 4px; background: #fff; color: var(--fg); max-width: 100%; }
textarea { width: 100%; }
code { overflow-wrap: anywhere; }
@media (max-width: 600px) { main { padding: .8rem .6rem 2rem; } header.top { gap: .6rem; padding: .5rem .6rem; } }
details.explain > summary { cursor: pointer; color: var(--accent); margin: .6rem 0 .2rem; }
details.explain dl { font-size: 13px; margin: 0 0 .6rem; } details.explain dt { font-weight: 600; margin-top: .4rem; }
details.explain dd { margin: 0 0 0 1rem; color: var(--muted); } p.lead { margin: .2rem 0 .6rem; }
details.value-query > summary { cursor: pointer; color: var(--accent); margin: .4rem 0; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.danger { background: var(--bad); border-color: var(--bad); }
button.plain { background: #fff; color: var(--accent); }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem;
  margin: .6rem 0 1rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: .8rem; }
.figure { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
.figure .value { font-size: 1.4rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.figure .value.id { font-size: .95rem; word-break: break-all; }
.figure .label { font-size: 12px; color: var(--muted); }
ol.timeline { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--line); }
ol.timeline li { margin: 0 0 .5rem; padding-left: .8rem; position: relative; }
ol.timeline li::before { content: ""; position: absolute; left: -8px; top: .45rem; width: 11px; height: 11px;
  border-radius: 50%; background: var(--accent); }
ol.timeline li.bad::before { background: var(--bad); } ol.timeline li.ok::before { background: var(--ok); }
ol.timeline li.warn::before { background: var(--warn); }
figure.chart { margin: .4rem 0 1rem; }
figure.chart svg { max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line); }
figure.chart figcaption { font-size: 12px; color: var(--muted); }
svg text { font: 11px system-ui, sans-serif; fill: var(--fg); }
pre { background: var(--panel); padding: .6rem; overflow: auto; border-radius: 4px; font-size: 12px; }
nav.pages { display: flex; gap: 1rem; margin: .6rem 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
form.value-query fieldset { display: flex; gap: .3rem .8rem; flex-wrap: wrap; align-items: end; margin: 0;
  border: 1px solid var(--line); border-radius: 4px; padding: .3rem .6rem .5rem; }
form.value-query legend { font-size: 12px; color: var(--muted); padding: 0 .2rem; }
form.filters label.check { flex-direction: row; align-items: center; gap: .3rem; font-size: 14px; color: var(--fg); }
figure.chart details { margin-top: .3rem; }
figure.chart summary { cursor: pointer; font-size: 12px; color: var(--accent); }
ul.formulas code { font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 560px), 1fr)); gap: 0 1.2rem; }
`;
