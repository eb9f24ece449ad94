/**
 * The playground page (`/`): the form is rendered here from the parameter table, so the browser
 * script only reads `data-param` controls and never needs its own copy of the table. Without
 * JavaScript the form still works: submitting it opens the resulting image (GET `/?url=…&…`).
 */
import { attributes, escapeHtml, inlineMarkup, page } from './html.js';
import { playgroundControls, type Control, type ControlGroup } from './controls.js';

export interface PlaygroundAssets {
  readonly stylesheet: string;
  readonly script: string;
}

function label(control: Control, id: string): string {
  const synonyms = control.synonyms.length > 0 ? ` <span class="synonyms">(${control.synonyms.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')})</span>` : '';
  return `<label for="${id}"><code>${control.key}</code>${synonyms}</label>`;
}

function hint(control: Control): string {
  return `<p class="hint" id="d-${control.key}">${inlineMarkup(control.description)}</p>`;
}

function paramAttributes(control: Control, id: string): Record<string, string | number | boolean | undefined> {
  return {
    id,
    name: control.key,
    'data-param': control.key,
    'data-kind': control.kind,
    'data-default': control.defaultValue,
    'aria-describedby': `d-${control.key}`,
  };
}

function field(control: Control): string {
  const id = `p-${control.key}`;
  const base = paramAttributes(control, id);
  switch (control.kind) {
    case 'checkbox':
      return `<div class="field field-check">
<input${attributes({ ...base, type: 'checkbox', value: 'true', checked: control.defaultValue === 'true' })}>
${label(control, id)}
${hint(control)}
</div>`;
    case 'range':
      return `<div class="field field-range">
${label(control, id)}
<input${attributes({ ...base, type: 'range', min: control.min, max: control.max, step: control.step, value: control.defaultValue })}>
<output id="o-${control.key}" for="${id}">${escapeHtml(control.defaultValue)}</output>
${hint(control)}
</div>`;
    case 'number':
      return `<div class="field">
${label(control, id)}
<input${attributes({ ...base, type: 'number', inputmode: control.step === 1 ? 'numeric' : 'decimal', min: control.min, max: control.max, step: control.step, value: control.defaultValue, placeholder: control.defaultValue === '' ? 'off' : undefined })}>
${hint(control)}
</div>`;
    case 'coordinate':
      return `<div class="field">
${label(control, id)}
<input${attributes({ ...base, type: 'text', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', pattern: '\\d+(\\.\\d+)?%?', placeholder: 'auto (px or N%)' })}>
${hint(control)}
</div>`;
    case 'colour': {
      const picker = `pick-${control.key}`;
      return `<div class="field field-colour">
${label(control, id)}
<div class="colour-row">
<input${attributes({ ...base, type: 'text', autocomplete: 'off', spellcheck: 'false', value: control.defaultValue, placeholder: control.defaultValue === '' ? 'none (hex or name)' : undefined })}>
<label class="visually-hidden" for="${picker}">Pick a colour for ${control.key}</label>
<input${attributes({ id: picker, type: 'color', 'data-picker-for': id, value: `#${control.defaultValue === '' ? '000000' : control.defaultValue}` })}>
</div>
${hint(control)}
</div>`;
    }
    case 'select': {
      const options = (control.options ?? [])
        .map((option) => `<option value="${escapeHtml(option.value)}">${escapeHtml(option.label)}</option>`)
        .join('');
      return `<div class="field">
${label(control, id)}
<select${attributes(base)}>${options}</select>
${hint(control)}
</div>`;
    }
    case 'list':
      return `<div class="field">
${label(control, id)}
<input${attributes({ ...base, type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'comma separated' })}>
${hint(control)}
</div>`;
  }
}

function group(controls: ControlGroup): string {
  const fields = controls.controls.map(field).join('\n');
  const fieldset = `<fieldset>
<legend>${escapeHtml(controls.title)}</legend>
${fields}
</fieldset>`;
  if (!controls.collapsed) return fieldset;
  return `<details class="more">
<summary>${escapeHtml(controls.title)} (${controls.controls.length})</summary>
${fieldset}
</details>`;
}

export function renderPlayground(sampleUrl: string, assets: PlaygroundAssets): string {
  const groups = playgroundControls().map(group).join('\n');
  const main = `<h1>Playground</h1>
<p class="lede">Paste an image URL, set parameters, and see what pixproxy makes of it. Every change updates the result and the URL below it. <a href="/reference">All parameters</a> are described in the reference.</p>
<form id="playground" class="playground" action="/" method="get" novalidate>
<div class="source field">
<label for="source">Image URL</label>
<input${attributes({ id: 'source', name: 'url', type: 'text', inputmode: 'url', autocomplete: 'url', spellcheck: 'false', required: true, value: sampleUrl, 'aria-describedby': 'source-hint' })}>
<p class="hint" id="source-hint">Any public <code>http</code> or <code>https</code> image; the scheme may be left out.</p>
</div>
<div class="workspace">
<div class="controls">
${groups}
<div class="actions">
<button type="submit">Open result</button>
<button type="reset">Reset all</button>
</div>
</div>
<section class="previews" aria-labelledby="preview-title">
<h2 id="preview-title" class="visually-hidden">Preview</h2>
<div class="figures">
<figure id="original-figure">
<div class="frame"><img id="original" alt="The original image" hidden></div>
<figcaption><strong>Original</strong> <span id="original-info">not loaded</span><br><span class="hint">Click it to set a focal point (<code>a=focal</code>).</span></figcaption>
</figure>
<figure id="result-figure" aria-busy="false">
<div class="frame"><img id="result" alt="The image with the chosen parameters" hidden><pre id="result-text" hidden></pre></div>
<figcaption><strong>Result</strong> <span id="result-dimensions">not loaded</span> · <span id="result-bytes">0 bytes</span> <span id="result-type"></span></figcaption>
</figure>
</div>
<p id="status" class="status" role="status" aria-live="polite"></p>
<p id="error" class="error" role="alert" hidden></p>
<div class="share">
<div class="field">
<label for="result-url">Result URL</label>
<div class="copy-row">
<input id="result-url" type="text" readonly spellcheck="false">
<button type="button" id="copy-url" data-copy="result-url">Copy URL</button>
<a id="open-result" class="button" href="/">Open</a>
</div>
</div>
<div class="field">
<label for="snippet">HTML snippet</label>
<div class="copy-row">
<textarea id="snippet" rows="4" readonly spellcheck="false"></textarea>
<button type="button" id="copy-snippet" data-copy="snippet">Copy &lt;img&gt;</button>
</div>
</div>
</div>
</section>
</div>
</form>`;
  return page({ title: 'pixproxy playground', current: 'playground', stylesheet: assets.stylesheet, scripts: [assets.script], main });
}
