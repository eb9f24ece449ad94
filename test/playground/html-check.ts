/**
 * A strict little HTML checker for the pages we generate ourselves: every non-void element is closed
 * in order, attributes are quoted and not repeated, text has no stray `<` or bare `&`, ids are unique.
 * The pages close every element explicitly, so "well-formed" can be this simple.
 */

export interface Element {
  readonly name: string;
  readonly attrs: ReadonlyMap<string, string>;
  /** Index of the start tag in the source (for slicing an element's region in tests). */
  readonly offset: number;
}

export interface CheckedHtml {
  readonly problems: readonly string[];
  readonly elements: readonly Element[];
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const RAW_TEXT = new Set(['script', 'style']);
const TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/;
const ATTRIBUTE = /\s+([^\s=>"'/]+)(?:="([^"]*)")?/y;
const ENTITY = /&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);/y;

function checkAmpersands(text: string, where: string, problems: string[]): void {
  for (let at = text.indexOf('&'); at !== -1; at = text.indexOf('&', at + 1)) {
    ENTITY.lastIndex = at;
    if (!ENTITY.test(text)) problems.push(`bare & in ${where}: ${JSON.stringify(text.slice(at, at + 20))}`);
  }
}

function parseAttributes(raw: string, tag: string, problems: string[]): Map<string, string> {
  const attrs = new Map<string, string>();
  const body = raw.replace(/\s*\/?$/, '');
  ATTRIBUTE.lastIndex = 0;
  let position = 0;
  while (position < body.length) {
    ATTRIBUTE.lastIndex = position;
    const match = ATTRIBUTE.exec(body);
    if (!match) {
      problems.push(`<${tag}>: cannot read attributes at ${JSON.stringify(body.slice(position))}`);
      break;
    }
    const name = match[1] ?? '';
    if (attrs.has(name)) problems.push(`<${tag}>: attribute ${name} repeated`);
    const value = match[2] ?? '';
    checkAmpersands(value, `<${tag} ${name}>`, problems);
    attrs.set(name, value);
    position = ATTRIBUTE.lastIndex;
  }
  return attrs;
}

export function checkHtml(html: string): CheckedHtml {
  const problems: string[] = [];
  const elements: Element[] = [];
  const open: string[] = [];
  if (!html.startsWith('<!doctype html>\n')) problems.push('missing <!doctype html>');
  let at = html.indexOf('\n') + 1;
  while (at < html.length) {
    const next = html.indexOf('<', at);
    const text = html.slice(at, next === -1 ? html.length : next);
    checkAmpersands(text, 'text', problems);
    if (text.includes('>')) problems.push(`stray > in text: ${JSON.stringify(text.slice(0, 40))}`);
    if (next === -1) break;
    if (html.startsWith('<!--', next)) {
      at = html.indexOf('-->', next) + 3;
      continue;
    }
    const tag = TAG.exec(html.slice(next));
    if (!tag) {
      problems.push(`stray < at ${next}: ${JSON.stringify(html.slice(next, next + 30))}`);
      at = next + 1;
      continue;
    }
    const [whole, slash = '', rawName = '', rawAttributes = ''] = tag;
    const name = rawName.toLowerCase();
    at = next + whole.length;
    if (slash) {
      const expected = open.pop();
      if (expected !== name) problems.push(`</${name}> closes <${expected ?? 'nothing'}> at ${next}`);
      continue;
    }
    elements.push({ name, attrs: parseAttributes(rawAttributes, name, problems), offset: next });
    if (VOID.has(name)) continue;
    if (RAW_TEXT.has(name)) {
      const end = html.indexOf(`</${name}>`, at);
      if (end === -1) problems.push(`<${name}> never closed`);
      at = end === -1 ? html.length : end + name.length + 3;
      continue;
    }
    open.push(name);
  }
  if (open.length > 0) problems.push(`unclosed: ${open.join(' > ')}`);
  const seen = new Set<string>();
  for (const element of elements) {
    const id = element.attrs.get('id');
    if (id === undefined) continue;
    if (seen.has(id)) problems.push(`duplicate id ${id}`);
    seen.add(id);
  }
  return { problems, elements };
}

/** Form controls that no `<label for>`, `aria-label` or wrapping label names. */
export function unlabelledControls(checked: CheckedHtml): string[] {
  const labelled = new Set(checked.elements.filter((e) => e.name === 'label').map((e) => e.attrs.get('for')));
  return checked.elements
    .filter((e) => ['input', 'select', 'textarea'].includes(e.name) && e.attrs.get('type') !== 'hidden')
    .filter((e) => !e.attrs.has('aria-label') && !labelled.has(e.attrs.get('id')))
    .map((e) => `<${e.name} id=${e.attrs.get('id') ?? '?'}>`);
}
