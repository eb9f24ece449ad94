import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createStaticSite } from '../../src/playground/index.js';
import { CLIENT_SOURCES, fingerprintedName } from '../../src/playground/assets.js';
import { playgroundControls } from '../../src/playground/controls.js';
import { derivedExample, encodeSourceUrl, exampleFor, exampleQuery, exampleUrl } from '../../src/playground/examples.js';
import { DELIVERY_KEYS, PARAMETERS, isParamKey, type ParamKey, type ParameterSpec } from '../../src/plan/parameters.js';
import { parsePlan } from '../../src/plan/parse.js';
import { checkHtml, unlabelledControls, type CheckedHtml, type Element } from './html-check.js';

const SAMPLE = 'images.weserv.nl/lichtenstein.jpg';
const site = createStaticSite({ sampleUrl: SAMPLE });
const KEYS: ParamKey[] = Object.keys(PARAMETERS).filter(isParamKey);
const TABLE: Readonly<Record<ParamKey, ParameterSpec>> = PARAMETERS;

function text(path: string): string {
  const asset = site.get(path);
  assert.ok(asset, `nothing at ${path}`);
  return asset.body.toString('utf8');
}

function assetPaths(html: string): string[] {
  return [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? '');
}

function byAttr(checked: CheckedHtml, name: string, value: string): Element[] {
  return checked.elements.filter((element) => element.attrs.get(name) === value);
}

/** The HTML of the element whose start tag is at `start`, up to the next sibling of the same kind. */
function region(html: string, start: number, endMarker: string): string {
  const end = html.indexOf(endMarker, start);
  return html.slice(start, end === -1 ? undefined : end);
}

describe('paths, content types and cache headers', () => {
  test('serves exactly the two pages and three fingerprinted assets', () => {
    assert.equal(site.paths.length, 5);
    assert.deepEqual(site.paths.slice(0, 2), ['/', '/reference']);
    const assets = site.paths.slice(2).sort();
    assert.match(assets[0] ?? '', /^\/assets\/app\.[0-9a-f]{10}\.js$/);
    assert.match(assets[1] ?? '', /^\/assets\/query\.[0-9a-f]{10}\.js$/);
    assert.match(assets[2] ?? '', /^\/assets\/style\.[0-9a-f]{10}\.css$/);
  });

  test('pages are HTML revalidated on every load', () => {
    for (const path of ['/', '/reference']) {
      const asset = site.get(path);
      assert.equal(asset?.contentType, 'text/html; charset=utf-8');
      assert.equal(asset?.cacheControl, 'no-cache');
    }
  });

  test('assets are cached forever and typed by extension', () => {
    for (const path of site.paths.filter((p) => p.startsWith('/assets/'))) {
      const asset = site.get(path);
      assert.equal(asset?.cacheControl, 'public, max-age=31536000, immutable');
      assert.equal(asset?.contentType, path.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      assert.ok((asset?.body.length ?? 0) > 1000);
    }
  });

  test('nothing else is served', () => {
    for (const path of ['/reference/', '/index.html', '/assets/app.js', '/assets/style.css', '/assets/', '/favicon.ico', '']) {
      assert.equal(site.get(path), undefined, path);
    }
  });

  test('every asset a page names is served, and each page names what it needs', () => {
    const playground = assetPaths(text('/'));
    const reference = assetPaths(text('/reference'));
    assert.equal(playground.length, 2);
    assert.equal(reference.length, 1);
    for (const path of [...playground, ...reference]) assert.ok(site.get(path), path);
    const app = text(playground.find((p) => p.includes('/app.')) ?? '');
    const query = site.paths.find((p) => p.includes('/query.')) ?? '';
    assert.ok(app.includes(`from '${query}'`), 'app.js imports query.js by its fingerprinted name');
    assert.ok(!app.includes("'./query.js'"));
  });

  test('the same content always gives the same site', () => {
    assert.deepEqual(createStaticSite({ sampleUrl: SAMPLE }).paths, site.paths);
  });
});

describe('fingerprints follow content', () => {
  const names = (paths: readonly string[]): Record<string, string> =>
    Object.fromEntries(paths.filter((p) => p.startsWith('/assets/')).map((p) => [p.split('/')[2]?.split('.')[0] ?? '', p]));
  const before = names(site.paths);

  test('the name carries a hash of the body', () => {
    assert.equal(fingerprintedName('app.js', Buffer.from('a')), 'app.ca978112ca.js');
    assert.notEqual(fingerprintedName('app.js', Buffer.from('b')), fingerprintedName('app.js', Buffer.from('a')));
  });

  test('changing the stylesheet renames only the stylesheet, and the pages follow', () => {
    const changed = createStaticSite({ sampleUrl: SAMPLE, clientSources: { ...CLIENT_SOURCES, style: `${CLIENT_SOURCES.style}\n.x{}` } });
    const after = names(changed.paths);
    assert.notEqual(after.style, before.style);
    assert.equal(after.app, before.app);
    assert.equal(after.query, before.query);
    assert.ok(changed.get('/')?.body.toString().includes(`href="${after.style}"`));
    assert.ok(changed.get('/reference')?.body.toString().includes(`href="${after.style}"`));
  });

  test('changing query.js renames it and app.js, which imports it', () => {
    const changed = createStaticSite({ sampleUrl: SAMPLE, clientSources: { ...CLIENT_SOURCES, query: `${CLIENT_SOURCES.query}\n// v2\n` } });
    const after = names(changed.paths);
    assert.notEqual(after.query, before.query);
    assert.notEqual(after.app, before.app);
    assert.equal(after.style, before.style);
    assert.ok(changed.get('/')?.body.toString().includes(`src="${after.app}"`));
  });

  test('an app.js that no longer imports query.js is refused at build time', () => {
    assert.throws(
      () => createStaticSite({ sampleUrl: SAMPLE, clientSources: { ...CLIENT_SOURCES, app: 'console.log(1);' } }),
      /app\.js must import its helpers from '\.\/query\.js'/,
    );
  });
});

describe('HTML is well-formed and accessible', () => {
  for (const path of ['/', '/reference']) {
    test(`${path}: balanced, quoted, unique ids, labelled controls, alt on images`, () => {
      const html = text(path);
      const checked = checkHtml(html);
      assert.deepEqual(checked.problems, []);
      assert.deepEqual(unlabelledControls(checked), []);
      for (const img of checked.elements.filter((e) => e.name === 'img')) assert.ok(img.attrs.has('alt'), 'img without alt');
      assert.match(html, /<html lang="en">/);
      assert.equal(checked.elements.filter((e) => e.name === 'h1').length, 1);
      assert.equal(checked.elements.filter((e) => e.name === 'main').length, 1);
      assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self';/);
      // Every in-page link points at an element that exists.
      const ids = new Set(checked.elements.map((e) => e.attrs.get('id')));
      for (const link of checked.elements.filter((e) => e.attrs.get('href')?.startsWith('#'))) {
        assert.ok(ids.has(link.attrs.get('href')?.slice(1)), `dangling ${link.attrs.get('href')}`);
      }
    });
  }

  test('the checker itself catches mistakes', () => {
    assert.deepEqual(checkHtml('<!doctype html>\n<p><b>x</p></b>').problems, ['</p> closes <b> at 23', '</b> closes <p> at 27']);
    assert.deepEqual(checkHtml('<!doctype html>\n<p id="a">&</p><i id="a"></i>').problems, ['bare & in text: "&"', 'duplicate id a']);
    assert.deepEqual(checkHtml('<!doctype html>\n<img src=x>').problems, ['<img>: cannot read attributes at "=x"']);
    assert.deepEqual(unlabelledControls(checkHtml('<!doctype html>\n<input id="q">')), ['<input id=q>']);
  });
});

describe('reference page', () => {
  const html = text('/reference');
  const checked = checkHtml(html);

  test('lists every parameter of the table with its synonyms, type facts and an example image', () => {
    for (const key of KEYS) {
      const spec = TABLE[key];
      const [article] = byAttr(checked, 'id', `param-${key}`);
      assert.ok(article, `no section for ${key}`);
      assert.equal(article.name, 'article');
      const body = region(html, article.offset, '</article>');
      assert.ok(body.includes(`<h3 id="title-${key}"><code>${key}</code>`), `${key}: heading`);
      for (const synonym of spec.synonyms ?? []) assert.ok(body.includes(`<code>${synonym}</code>`), `${key}: synonym ${synonym}`);
      if ((spec.synonyms ?? []).length === 0) assert.ok(body.includes('<dt>Synonyms</dt><dd>none</dd>'), `${key}: no synonyms`);
      assert.ok(body.includes('<dt>Type</dt>'), `${key}: type`);
      assert.ok(body.includes('<dt>Default</dt>'), `${key}: default`);
      if (spec.type === 'enum') for (const value of spec.values) assert.ok(body.includes(`<code>${value}</code>`), `${key}: value ${value}`);
      const example = exampleUrl(SAMPLE, key).replace(/&/g, '&amp;');
      assert.ok(body.includes(`<img loading="lazy" decoding="async" src="${example}"`), `${key}: example image`);
      assert.ok(body.includes(`<code class="url">${example}</code>`), `${key}: example URL as text`);
    }
    const articles = checked.elements.filter((e) => e.name === 'article');
    assert.equal(articles.length, KEYS.length);
  });

  test('ranges and defaults come from the table', () => {
    const body = (key: ParamKey): string => region(html, byAttr(checked, 'id', `param-${key}`)[0]?.offset ?? 0, '</article>');
    assert.ok(body('q').includes('<dt>Range</dt><dd><code>1</code> to <code>100</code></dd><dt>Default</dt><dd><code>80</code></dd>'));
    assert.ok(body('n').includes('<dt>Range</dt><dd>at least <code>1</code></dd>'));
    assert.ok(body('w').includes('<dt>Default</dt><dd>auto</dd>'));
    assert.ok(body('trim').includes('<dt>Bare key</dt><dd><code>10</code></dd>'));
    assert.ok(body('fit').includes('<code>letterbox</code> → <code>contain</code>'));
    assert.ok(body('output').includes('<code>auto</code> <span class="badge extension">pixproxy</span>'));
  });

  test('says which parameters are API 5, deprecated or pixproxy extensions', () => {
    const heading = (key: ParamKey): string => region(html, byAttr(checked, 'id', `title-${key}`)[0]?.offset ?? 0, '</h3>');
    for (const key of KEYS) {
      const spec = TABLE[key];
      const h = heading(key);
      const extension = 'extension' in spec && spec.extension === true;
      assert.equal(h.includes('pixproxy extension'), extension, `${key}: extension badge`);
      assert.equal(h.includes('API 5'), !extension, `${key}: API 5 badge`);
      assert.equal(h.includes('deprecated'), 'deprecated' in spec && spec.deprecated === true, `${key}: deprecated badge`);
    }
    assert.ok(html.includes('API 5 parameter (new in API 5)'));
  });

  test('lists every delivery key', () => {
    for (const key of Object.keys(DELIVERY_KEYS)) {
      const [row] = byAttr(checked, 'id', `param-${key}`);
      assert.equal(row?.name, 'tr', key);
    }
    assert.ok(region(html, byAttr(checked, 'id', 'param-errorredirect')[0]?.offset ?? 0, '</tr>').includes('deprecated'));
  });

  test('a sample URL with special characters is escaped in HTML and encoded in the API URL', () => {
    const odd = createStaticSite({ sampleUrl: 'example.com/a b.jpg?x="<y>"&z=1#f' });
    const page = odd.get('/reference')?.body.toString() ?? '';
    assert.deepEqual(checkHtml(page).problems, []);
    assert.ok(page.includes('src="/?url=example.com/a%20b.jpg?x=%22%3Cy%3E%22%26z=1%23f&amp;w=200"'));
    const playground = odd.get('/')?.body.toString() ?? '';
    assert.ok(playground.includes('value="example.com/a b.jpg?x=&quot;&lt;y&gt;&quot;&amp;z=1#f"'));
  });
});

describe('examples', () => {
  test('every example changes the plan: the parameter really acts in it', () => {
    for (const key of KEYS) {
      const query = exampleQuery(key);
      const withoutParameter = query.split('&').filter((pair) => pair !== key && !pair.startsWith(`${key}=`)).join('&');
      assert.notDeepEqual(parsePlan(query), parsePlan(withoutParameter), `${key}: ${query}`);
    }
  });

  test('examples are shown 300 px wide unless they set the width', () => {
    assert.equal(exampleQuery('flip'), 'flip&w=300');
    assert.equal(exampleQuery('w'), 'w=200');
    assert.equal(exampleQuery('cx'), 'cx=50%25&w=300');
    assert.equal(exampleQuery('start'), 'start=000080&filt=duotone&w=300');
    assert.equal(exampleQuery('fpx'), 'fpx=0.2&a=focal&fit=cover&w=100&h=300');
    assert.equal(exampleUrl('images.weserv.nl/lichtenstein.jpg', 'blur'), '/?url=images.weserv.nl/lichtenstein.jpg&blur=5&w=300');
  });

  test('values derived from type and range differ from the default', () => {
    for (const key of KEYS) {
      const spec = TABLE[key];
      const derived = derivedExample(spec);
      if (spec.type === 'bool') assert.equal(derived.value, spec.default ? '0' : null, key);
      else assert.notEqual(derived.value, String(spec.default), key);
    }
    assert.deepEqual(derivedExample(TABLE.con), { value: '50' });
    assert.deepEqual(derivedExample(TABLE.q), { value: '90' });
    assert.deepEqual(derivedExample(TABLE.fit), { value: 'outside' });
    assert.deepEqual(exampleFor('icc'), { value: null });
  });

  test('the url= value keeps a readable URL but escapes what the API would misread', () => {
    assert.equal(encodeSourceUrl('https://example.com/a.jpg?x=1&y=2'), 'https://example.com/a.jpg?x=1%26y=2');
    assert.equal(encodeSourceUrl('example.com/100%.jpg#top'), 'example.com/100%25.jpg%23top');
    assert.equal(encodeSourceUrl('example.com/ü.jpg'), 'example.com/%C3%BC.jpg');
  });
});

describe('playground form', () => {
  const html = text('/');
  const checked = checkHtml(html);

  test('every parameter of the table has exactly one control, labelled and described', () => {
    for (const key of KEYS) {
      const controls = byAttr(checked, 'data-param', key);
      assert.equal(controls.length, 1, `${key}: ${controls.length} controls`);
      const control = controls[0];
      assert.equal(control?.attrs.get('id'), `p-${key}`);
      assert.equal(control?.attrs.get('name'), key);
      assert.equal(control?.attrs.get('aria-describedby'), `d-${key}`);
      assert.equal(byAttr(checked, 'for', `p-${key}`).filter((e) => e.name === 'label').length, 1, `${key}: label`);
      assert.equal(byAttr(checked, 'id', `d-${key}`).length, 1, `${key}: description`);
    }
    const grouped = playgroundControls().flatMap((group) => group.controls.map((control) => control.key));
    assert.deepEqual([...grouped].sort(), [...KEYS].sort());
  });

  test('the type picks the control and the table gives its limits and default', () => {
    const control = (key: ParamKey): Element => byAttr(checked, 'data-param', key)[0] ?? assert.fail(key);
    for (const key of KEYS) {
      const spec = TABLE[key];
      const element = control(key);
      const kind = element.attrs.get('data-kind');
      switch (spec.type) {
        case 'bool':
          assert.equal(element.attrs.get('type'), 'checkbox');
          assert.equal(element.attrs.has('checked'), spec.default, key);
          break;
        case 'int':
        case 'float':
          assert.ok(kind === 'range' || kind === 'number', key);
          assert.equal(element.attrs.get('min'), spec.min === undefined ? undefined : String(spec.min), key);
          assert.equal(element.attrs.get('max'), spec.max === undefined ? undefined : String(spec.max), key);
          assert.equal(element.attrs.get('value'), spec.default === null ? '' : String(spec.default), key);
          break;
        case 'coordinate':
          assert.equal(kind, 'coordinate');
          break;
        case 'colour':
          assert.equal(element.attrs.get('value'), spec.default ?? '', key);
          assert.equal(byAttr(checked, 'data-picker-for', `p-${key}`).length, 1, `${key}: picker`);
          break;
        case 'enum': {
          assert.equal(element.name, 'select');
          const options = [...region(html, element.offset, '</select>').matchAll(/<option value="([^"]*)">/g)].map((m) => m[1]);
          assert.deepEqual(options, ['', ...spec.values.filter((value) => value !== spec.default)], key);
          break;
        }
        case 'list':
          assert.equal(kind, 'list');
          break;
      }
    }
    assert.equal(control('bri').attrs.get('type'), 'range');
    assert.equal(control('q').attrs.get('type'), 'range');
    assert.equal(control('sat').attrs.get('type'), 'number');
    assert.equal(control('gam').attrs.get('type'), 'number');
    assert.equal(control('dpr').attrs.get('step'), '0.1');
    assert.equal(control('fpx').attrs.get('step'), '0.01');
  });

  test('the main parameters are in open groups, the rest in one collapsed group', () => {
    const groups = playgroundControls();
    assert.deepEqual(groups.map((g) => [g.title, g.collapsed]), [
      ['Size and fit', false],
      ['Alignment', false],
      ['Rectangle crop', false],
      ['Orientation', false],
      ['Adjustments', false],
      ['Output', false],
      ['More parameters', true],
    ]);
    const main = groups.filter((g) => !g.collapsed).flatMap((g) => g.controls.map((c) => c.key));
    assert.deepEqual(main, ['w', 'h', 'dpr', 'fit', 'a', 'fpx', 'fpy', 'cx', 'cy', 'cw', 'ch', 'ro', 'flip', 'flop', 'bri', 'con', 'sat', 'hue', 'gam', 'sharp', 'blur', 'filt', 'bg', 'output', 'q']);
  });

  test('the source field starts with the sample and the form works without JavaScript', () => {
    const [source] = byAttr(checked, 'id', 'source');
    assert.equal(source?.attrs.get('value'), SAMPLE);
    assert.equal(source?.attrs.get('name'), 'url');
    const [form] = byAttr(checked, 'id', 'playground');
    assert.equal(form?.attrs.get('action'), '/');
    assert.equal(form?.attrs.get('method'), 'get');
  });

  test('errors and progress are announced in live regions', () => {
    assert.equal(byAttr(checked, 'id', 'error')[0]?.attrs.get('role'), 'alert');
    assert.equal(byAttr(checked, 'id', 'status')[0]?.attrs.get('aria-live'), 'polite');
  });
});
