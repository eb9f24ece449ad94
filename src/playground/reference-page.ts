/**
 * The parameter reference (`/reference`), written once at start from the parameter table and the
 * delivery keys: it cannot drift from what the parser accepts. Every parameter gets an example image
 * on the configured sample, loaded lazily through pixproxy itself.
 */
import { DELIVERY_KEYS, PARAMETERS, type ParamKey, type ParameterSpec, type Since } from '../plan/parameters.js';
import { exampleUrl } from './examples.js';
import { escapeHtml, inlineMarkup, page } from './html.js';

const SINCE: Readonly<Record<Since, string>> = {
  api3: 'API 5 parameter (since API 3)',
  api4: 'API 5 parameter (since API 4)',
  api5: 'API 5 parameter (new in API 5)',
  docs: 'API 5 parameter (from the public documentation)',
  pixproxy: 'pixproxy extension (not in the weserv API)',
};

const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;

function typeText(spec: ParameterSpec): string {
  switch (spec.type) {
    case 'bool':
      return 'boolean (<code>0</code> or <code>false</code> is false; anything else, or a bare key, is true)';
    case 'int':
      return 'integer';
    case 'float':
      return 'number';
    case 'coordinate':
      return 'pixels, or a percentage <code>N%</code>';
    case 'colour':
      return 'colour: hex <code>RGB</code>, <code>ARGB</code>, <code>RRGGBB</code>, <code>AARRGGBB</code> or a CSS name';
    case 'enum':
      return 'one of the values below';
    case 'list':
      return `comma-separated list of up to ${spec.maxItems} ${spec.itemType === 'int' ? 'integers' : 'numbers'}`;
  }
}

function rangeText(spec: ParameterSpec): string {
  if (spec.type !== 'int' && spec.type !== 'float' && spec.type !== 'list') return '';
  const { min, max } = spec;
  if (min !== undefined && max !== undefined) return `${code(String(min))} to ${code(String(max))}`;
  if (min !== undefined) return `at least ${code(String(min))}`;
  if (max !== undefined) return `at most ${code(String(max))}`;
  return '';
}

function defaultText(spec: ParameterSpec): string {
  if (spec.default !== null) return code(String(spec.default));
  switch (spec.type) {
    case 'coordinate':
      return 'auto';
    case 'colour':
    case 'enum':
      return 'none';
    default:
      return 'off';
  }
}

function valuesText(spec: Extract<ParameterSpec, { type: 'enum' }>): string {
  const extensions: readonly string[] = spec.extensionValues ?? [];
  const values = spec.values
    .map((value) => `${code(value)}${extensions.includes(value) ? ' <span class="badge extension">pixproxy</span>' : ''}`)
    .join(', ');
  const aliases = Object.entries(spec.aliases ?? {}).map(([alias, value]) => `${code(alias)} → ${code(value)}`);
  const prefixes = Object.entries(spec.prefixes ?? {}).map(([prefix, value]) => `${code(`${prefix}…`)} → ${code(value)}`);
  const also = [...aliases, ...prefixes];
  return also.length > 0 ? `${values}<br>Also accepted: ${also.join(', ')}` : values;
}

function bareText(spec: ParameterSpec): string {
  if (!('bare' in spec) || spec.bare === undefined) return '';
  return spec.bare === 'not given' ? 'ignored (as if not given)' : code(String(spec.bare));
}

function badges(spec: ParameterSpec): string {
  const list = [
    spec.since === 'pixproxy' || ('extension' in spec && spec.extension) ? '<span class="badge extension">pixproxy extension</span>' : '<span class="badge api">API 5</span>',
    'deprecated' in spec && spec.deprecated ? '<span class="badge deprecated">deprecated</span>' : '',
  ];
  return list.filter(Boolean).join(' ');
}

function fact(term: string, value: string): string {
  return value === '' ? '' : `<dt>${term}</dt><dd>${value}</dd>`;
}

function parameterArticle(key: ParamKey, spec: ParameterSpec, sampleUrl: string): string {
  const synonyms = (spec.synonyms ?? []).map(code).join(', ');
  const example = exampleUrl(sampleUrl, key);
  const facts = [
    fact('Synonyms', synonyms || 'none'),
    fact('Type', typeText(spec)),
    fact('Range', rangeText(spec)),
    spec.type === 'enum' ? fact('Values', valuesText(spec)) : '',
    fact('Default', defaultText(spec)),
    fact('Bare key', bareText(spec)),
    fact('Status', `${SINCE[spec.since]}${'deprecated' in spec && spec.deprecated ? '; deprecated' : ''}`),
  ].join('');
  return `<article class="param" id="param-${key}" aria-labelledby="title-${key}">
<h3 id="title-${key}">${code(key)} ${badges(spec)}</h3>
<p>${inlineMarkup(spec.description)}</p>
<div class="param-body">
<dl class="facts">${facts}</dl>
<figure class="example">
<a href="${escapeHtml(example)}"><img loading="lazy" decoding="async" src="${escapeHtml(example)}" alt="Example of ${escapeHtml(key)} on the sample image"></a>
<figcaption><code class="url">${escapeHtml(example)}</code></figcaption>
</figure>
</div>
</article>`;
}

function deliveryTable(): string {
  const rows = Object.entries(DELIVERY_KEYS)
    .map(([key, spec]) => {
      const deprecated = 'deprecated' in spec && spec.deprecated ? ' <span class="badge deprecated">deprecated</span>' : '';
      return `<tr id="param-${key}"><th scope="row">${code(key)}${deprecated}</th><td>${inlineMarkup(spec.description)}</td><td>${escapeHtml(SINCE[spec.since])}</td></tr>`;
    })
    .join('\n');
  return `<table class="delivery">
<caption>Delivery keys: handled by the HTTP layer, never part of the image processing or the cache key</caption>
<thead><tr><th scope="col">Key</th><th scope="col">Meaning</th><th scope="col">Status</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

export function renderReference(sampleUrl: string, stylesheet: string): string {
  const table: Readonly<Record<ParamKey, ParameterSpec>> = PARAMETERS;
  const keys = Object.keys(table).filter((key): key is ParamKey => Object.hasOwn(table, key));
  const toc = keys.map((key) => `<li><a href="#param-${key}">${code(key)}</a></li>`).join('');
  const articles = keys.map((key) => parameterArticle(key, table[key], sampleUrl)).join('\n');
  const main = `<h1>Parameter reference</h1>
<p class="lede">Every parameter pixproxy understands, generated from the same table its parser uses. Call it as <code>/?url=&lt;image&gt;&amp;&lt;key&gt;=&lt;value&gt;…</code>; keys are case-sensitive, unknown keys are ignored, the first occurrence of a key wins, and an invalid value falls back to the default. The examples use ${code(sampleUrl)} and can be tried in the <a href="/">playground</a>.</p>
<nav class="toc" aria-label="Parameters"><ul>${toc}</ul></nav>
<section aria-labelledby="delivery-title">
<h2 id="delivery-title">Delivery keys</h2>
${deliveryTable()}
</section>
<section aria-labelledby="parameters-title">
<h2 id="parameters-title">Image parameters</h2>
${articles}
</section>`;
  return page({ title: 'pixproxy parameter reference', current: 'reference', stylesheet, main });
}
