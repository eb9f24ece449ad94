/**
 * `style.css` for the playground and the reference, served as written. Colours are chosen for at
 * least 4.5:1 contrast in both the light and the dark scheme.
 * The source is a raw string: it must not contain a backtick or a dollar sign before a brace.
 */
export const styleSource = String.raw`:root {
  color-scheme: light dark;
  --bg: #ffffff;
  --panel: #f4f5f7;
  --text: #1b1d21;
  --muted: #4d5460;
  --border: #c4c9d2;
  --accent: #0b57d0;
  --accent-text: #ffffff;
  --danger: #b3261e;
  --danger-bg: #fdecea;
  --check-a: #e6e8eb;
  --check-b: #ffffff;
  --focus: #0b57d0;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15171a;
    --panel: #1f2226;
    --text: #eceef1;
    --muted: #b4bac4;
    --border: #4a505a;
    --accent: #8ab4f8;
    --accent-text: #0b1d3a;
    --danger: #ffb4ab;
    --danger-bg: #3b1411;
    --check-a: #2a2d32;
    --check-b: #1f2226;
    --focus: #8ab4f8;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
code, pre, textarea, .url { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 0.9em; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
[hidden] { display: none !important; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.skip { position: absolute; left: -999px; top: 0; background: var(--accent); color: var(--accent-text); padding: 0.5rem 1rem; z-index: 10; }
.skip:focus { left: 0.5rem; top: 0.5rem; }

header.site {
  display: flex; align-items: center; justify-content: space-between; gap: 1rem; flex-wrap: wrap;
  padding: 0.6rem 1.25rem; border-bottom: 1px solid var(--border); background: var(--panel);
}
.brand { margin: 0; font-weight: 700; font-size: 1.15rem; }
.brand a { color: var(--text); text-decoration: none; }
header.site nav { display: flex; gap: 1.25rem; }
header.site nav a { text-decoration: none; padding: 0.2rem 0; }
header.site nav a[aria-current="page"] { color: var(--text); font-weight: 600; border-bottom: 3px solid var(--accent); }

main { max-width: 90rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0.25rem 0 0.25rem; }
.lede { margin: 0 0 1rem; color: var(--muted); max-width: 60rem; }

.field { margin: 0 0 0.7rem; }
.field label { display: block; font-weight: 600; }
.field .synonyms { font-weight: 400; color: var(--muted); }
.hint { margin: 0.1rem 0 0; font-size: 0.85rem; color: var(--muted); }
input[type="text"], input[type="number"], select, textarea {
  width: 100%; padding: 0.4rem 0.5rem; font: inherit; color: var(--text); background: var(--bg);
  border: 1px solid var(--border); border-radius: 6px;
}
input:invalid { border-color: var(--danger); }
input[type="range"] { width: 100%; margin: 0; accent-color: var(--accent); }
input[type="checkbox"] { width: 1.15rem; height: 1.15rem; accent-color: var(--accent); }
input[type="color"] { width: 2.75rem; height: 2.3rem; padding: 0.1rem; border: 1px solid var(--border); border-radius: 6px; background: var(--bg); }
output { text-align: right; font-variant-numeric: tabular-nums; }
.field-range { display: grid; grid-template-columns: minmax(0, 1fr) 3.5rem; column-gap: 0.5rem; align-items: center; }
.field-range label, .field-range .hint { grid-column: 1 / -1; }
.field-check { display: grid; grid-template-columns: auto 1fr; column-gap: 0.5rem; align-items: center; }
.field-check .hint { grid-column: 2; }
.colour-row, .copy-row { display: flex; gap: 0.4rem; align-items: stretch; }
.copy-row textarea { resize: vertical; }
.source input { font-size: 1.05rem; }

button, .button {
  display: inline-block; padding: 0.45rem 0.9rem; font: inherit; font-weight: 600; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); text-decoration: none; white-space: nowrap;
}
button[type="reset"], .copy-row button, .copy-row .button { background: transparent; color: var(--accent); }
button:hover, .button:hover { filter: brightness(1.1); }

.workspace { display: grid; grid-template-columns: minmax(17rem, 25rem) minmax(0, 1fr); gap: 1.5rem; align-items: start; }
.controls fieldset { margin: 0 0 0.8rem; padding: 0.5rem 0.85rem 0.2rem; border: 1px solid var(--border); border-radius: 8px; background: var(--panel); }
.controls legend { font-weight: 700; padding: 0 0.3rem; }
.controls details.more > summary { cursor: pointer; font-weight: 700; padding: 0.4rem 0; }
.actions { display: flex; gap: 0.6rem; margin-top: 0.5rem; }
.previews { position: sticky; top: 0.75rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 1rem; }
figure { margin: 0; }
.frame {
  position: relative; display: flex; align-items: center; justify-content: center; min-height: 10rem; max-height: 60vh;
  overflow: auto; border: 1px solid var(--border); border-radius: 8px;
  background-color: var(--check-b);
  background-image: linear-gradient(45deg, var(--check-a) 25%, transparent 25%, transparent 75%, var(--check-a) 75%),
    linear-gradient(45deg, var(--check-a) 25%, transparent 25%, transparent 75%, var(--check-a) 75%);
  background-size: 20px 20px; background-position: 0 0, 10px 10px;
}
.frame img { display: block; max-width: 100%; height: auto; }
#original { cursor: crosshair; }
#original-figure .frame { display: block; width: fit-content; max-width: 100%; margin: 0 auto; min-height: 0; }
.focal-marker {
  position: absolute; width: 22px; height: 22px; margin: -11px 0 0 -11px; border-radius: 50%;
  border: 3px solid #ffffff; box-shadow: 0 0 0 2px #000000; pointer-events: none;
}
.frame pre { margin: 0; padding: 0.75rem; white-space: pre-wrap; word-break: break-all; background: var(--bg); width: 100%; }
figcaption { margin-top: 0.35rem; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
#result-figure[aria-busy="true"] .frame { opacity: 0.6; transition: opacity 0.2s 0.15s; }
.status { min-height: 1.5em; margin: 0.6rem 0 0; color: var(--muted); font-size: 0.9rem; }
.error { margin: 0.5rem 0; padding: 0.5rem 0.75rem; border: 1px solid var(--danger); border-radius: 6px; background: var(--danger-bg); color: var(--danger); font-weight: 600; }
.share { margin-top: 0.75rem; }

@media (max-width: 60rem) {
  .workspace { grid-template-columns: minmax(0, 1fr); }
  .previews { position: static; order: -1; }
}

/* Reference */
.toc ul { display: flex; flex-wrap: wrap; gap: 0.35rem 0.9rem; list-style: none; padding: 0; margin: 0 0 1.5rem; }
table.delivery { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
table.delivery caption { text-align: left; color: var(--muted); padding-bottom: 0.4rem; }
table.delivery th, table.delivery td { text-align: left; vertical-align: top; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--border); }
.param { border-top: 1px solid var(--border); padding: 1rem 0 1.25rem; scroll-margin-top: 1rem; }
.param h3 { margin: 0 0 0.25rem; font-size: 1.3rem; }
.param > p { margin: 0 0 0.6rem; }
.param-body { display: grid; grid-template-columns: minmax(0, 1fr) 310px; gap: 1.25rem; align-items: start; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.25rem 1rem; margin: 0; }
.facts dt { font-weight: 600; color: var(--muted); }
.facts dd { margin: 0; }
.example img { display: block; max-width: 100%; min-height: 4rem; height: auto; border-radius: 6px; background: var(--panel); }
.example .url { display: block; margin-top: 0.3rem; font-size: 0.8rem; word-break: break-all; color: var(--muted); }
.badge { display: inline-block; font: 600 0.75rem/1.6 system-ui, sans-serif; padding: 0 0.45rem; border-radius: 999px; vertical-align: middle; border: 1px solid currentColor; }
.badge.api { color: var(--accent); }
.badge.extension { color: #7a4c00; }
.badge.deprecated { color: var(--danger); }
@media (prefers-color-scheme: dark) { .badge.extension { color: #ffcf70; } }
@media (max-width: 40rem) { .param-body { grid-template-columns: minmax(0, 1fr); } }
`;
