import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiateFormat } from '../../src/http/negotiate.js';

test('AVIF wins over WebP, WebP over the origin format', () => {
  assert.equal(negotiateFormat('image/avif,image/webp,image/apng,image/*,*/*;q=0.8'), 'avif');
  assert.equal(negotiateFormat('image/webp,*/*'), 'webp');
  assert.equal(negotiateFormat('image/png,image/*;q=0.8,*/*;q=0.5'), undefined);
  assert.equal(negotiateFormat(''), undefined);
});

test('wildcards do not count, q=0 refuses, case and spaces do not matter', () => {
  assert.equal(negotiateFormat('image/*'), undefined);
  assert.equal(negotiateFormat('*/*'), undefined);
  assert.equal(negotiateFormat('image/avif;q=0, image/webp'), 'webp');
  assert.equal(negotiateFormat('image/avif;q=0.0'), undefined);
  assert.equal(negotiateFormat(' Image/AVIF ; q=0.5'), 'avif');
});
