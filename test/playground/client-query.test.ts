/**
 * The browser's pure helpers (query.js), imported here from the file the site serves (its types
 * come from the file's own JSDoc), and checked against the server's own parser: what the playground
 * builds must mean what the form says.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as q from '../../src/playground/client/query.js';
import { encodeSourceUrl as serverEncodeSourceUrl } from '../../src/playground/examples.js';
import { parseQuery } from '../../src/plan/parse.js';

type Field = Parameters<typeof q.changedPairs>[0][number];
type Pair = ReturnType<typeof q.changedPairs>[number];

const field = (key: string, kind: string, value: string, defaultValue = '', checked = false): Field => ({ key, kind, value, checked, defaultValue });

describe('query.js', () => {
  test('encodes url= like the server does', () => {
    for (const url of ['images.weserv.nl/lichtenstein.jpg', 'https://example.com/a.jpg?x=1&y=2', 'example.com/100%.jpg#top', 'example.com/ü b.jpg', 'http://127.0.0.1:8080/fixtures/320x240.jpg']) {
      assert.equal(q.encodeSourceUrl(url), serverEncodeSourceUrl(url), url);
    }
  });

  test('keeps only what differs from the defaults, in form order', () => {
    const pairs = q.changedPairs([
      field('w', 'coordinate', ' 100 '),
      field('h', 'coordinate', ''),
      field('dpr', 'range', '1.0', '1'),
      field('fit', 'select', ''),
      field('q', 'range', '60', '80'),
      field('flip', 'checkbox', 'true', 'false', true),
      field('flop', 'checkbox', 'true', 'false', false),
      field('fsol', 'checkbox', 'true', 'true', false),
      field('start', 'colour', '#C83658', 'c83658'),
      field('bg', 'colour', '#ff0000'),
      field('gam', 'number', ''),
      field('cx', 'coordinate', '50%'),
      field('mod', 'list', '1,2,90'),
      field('output', 'select', 'webp'),
    ]);
    assert.deepEqual(pairs, [
      ['w', '100'],
      ['q', '60'],
      ['flip', null],
      ['fsol', '0'],
      ['bg', '#ff0000'],
      ['cx', '50%'],
      ['mod', '1,2,90'],
      ['output', 'webp'],
    ]);
    assert.equal(
      q.apiQuery(' example.com/a.jpg ', pairs),
      'url=example.com/a.jpg&w=100&q=60&flip&fsol=0&bg=%23ff0000&cx=50%25&mod=1,2,90&output=webp',
    );
  });

  test('what it builds means what the form says, to the server parser', () => {
    const query = q.apiQuery('example.com/a.jpg?x=1&y=2', [['w', '100'], ['bg', '#ff0000'], ['cx', '50%'], ['flip', null], ['mod', '1.5,2,90'], ['output', 'webp']]);
    const parsed = parseQuery(query);
    assert.equal(parsed.kind, 'request');
    if (parsed.kind !== 'request') return;
    assert.equal(parsed.request.delivery.url, 'http://example.com/a.jpg?x=1&y=2');
    assert.deepEqual(parsed.request.plan, {
      w: { px: 100 },
      crop: { x: { pct: 0.5 } },
      flip: true,
      mod: 1.5,
      sat: 2,
      hue: 90,
      bg: [255, 0, 0, 255],
      output: 'webp',
    });
  });

  test('reads its own query back (the page keeps its state in the hash)', () => {
    const query = q.apiQuery('example.com/a.jpg?x=1&y=2', [['w', '100'], ['bg', '#ff0000'], ['flip', null], ['w', '5']]);
    const state = q.parseApiQuery(`#${query}`);
    assert.equal(state.source, 'example.com/a.jpg?x=1&y=2');
    assert.deepEqual([...state.values], [['w', '100'], ['bg', '#ff0000'], ['flip', null]]);
    assert.deepEqual([...q.parseApiQuery('#url=%E0%A4%A&w=%').values], [['w', '%']]);
    assert.equal(q.parseApiQuery('#url=%E0%A4%A').source, '%E0%A4%A');
  });

  test('turns the API JSON error into one line', () => {
    assert.equal(
      q.describeError(404, '{"status":"error","code":404,"message":"The requested URL returned error: 404"}'),
      'Error 404: The requested URL returned error: 404',
    );
    assert.equal(q.describeError(302, '{"status":"error","code":400,"message":"Unable to parse URI"}'), 'Error 400: Unable to parse URI');
    assert.equal(q.describeError(405, 'Method Not Allowed'), 'Error 405: Method Not Allowed');
    assert.equal(q.describeError(502, ''), 'Error 502');
  });

  test('formats byte counts exactly, with a rounded size from 1 KiB', () => {
    assert.equal(q.formatBytes(0), '0 bytes');
    assert.equal(q.formatBytes(1), '1 byte');
    assert.equal(q.formatBytes(1023), '1,023 bytes');
    assert.equal(q.formatBytes(3412), '3,412 bytes (3.3 KiB)');
    assert.equal(q.formatBytes(5 * 1024 * 1024), '5,242,880 bytes (5.0 MiB)');
  });

  test('writes an <img> snippet in CSS pixels', () => {
    assert.equal(
      q.imgSnippet('http://h/?url=a.jpg&w=200&dpr=2', 400, 300, 2),
      '<img src="http://h/?url=a.jpg&amp;w=200&amp;dpr=2" width="200" height="150" alt="Describe the image" loading="lazy" decoding="async">',
    );
    assert.equal(q.imgSnippet('http://h/?url=a"b', 0, 0, 1), '<img src="http://h/?url=a&quot;b" alt="Describe the image" loading="lazy" decoding="async">');
  });
});
