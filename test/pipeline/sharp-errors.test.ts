import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ServiceError } from '../../src/errors.js';
import { remainingSeconds } from '../../src/pipeline/run.js';
import { fromSharpError, timeoutError } from '../../src/pipeline/sharp-errors.js';
import { assertFails, LIMITS, PHOTO, px, render } from './support.js';

const context = (decoding: boolean) => ({
  decoding,
  maxInputPixels: 71_000_000,
  timeoutSeconds: 10,
  startedAt: performance.now(),
});

describe('fromSharpError', () => {
  test('a timeout: the spec message with sharp percentage', () => {
    const error = fromSharpError(new Error('timeout: 63% complete\nVipsImage: killed for image "temp-1"'), context(false));
    assert.equal(error.code, 'PROCESS_TIMEOUT');
    assert.equal(
      error.message,
      'libvips error: Maximum image processing time of 10 seconds exceeded with 10 seconds. Operation was canceled after 63% completion',
    );
    assert.equal(error.status, 400);
  });
  test("sharp's pixel limit is the input pixel limit", () => {
    const error = fromSharpError(new Error('Input image exceeds pixel limit'), context(true));
    assert.deepEqual([error.code, error.detail], ['INPUT_PIXELS', '71000000']);
  });
  test('decoder failures while reading the input: not readable', () => {
    const error = fromSharpError(new Error('VipsJpeg: Premature end of JPEG file\nmore'), context(true));
    assert.equal(error.code, 'NOT_READABLE');
  });
  test('anything else: libvips error with the first line', () => {
    const error = fromSharpError(new Error('extract_area: bad extract area\nsecond line'), context(true));
    assert.deepEqual([error.code, error.message], ['LIBVIPS', 'libvips error: extract_area: bad extract area']);
    assert.equal(fromSharpError(new Error('VipsJpeg: out of memory'), context(false)).code, 'LIBVIPS');
  });
  test('ServiceErrors pass through; non-Errors are described', () => {
    const original = new ServiceError('NOT_AN_IMAGE');
    assert.equal(fromSharpError(original, context(false)), original);
    assert.equal(fromSharpError('boom', context(false)).message, 'libvips error: boom');
  });
});

describe('processing time limit', () => {
  test('singular seconds', () => {
    const error = timeoutError(1, performance.now(), 5);
    assert.equal(
      error.message,
      'libvips error: Maximum image processing time of 1 second exceeded with 1 second. Operation was canceled after 5% completion',
    );
  });
  test('the deadline is checked between steps', () => {
    const job = { limits: LIMITS, startedAt: performance.now() - 12_500 };
    assert.throws(
      () => remainingSeconds(job),
      (error: unknown) =>
        error instanceof ServiceError &&
        error.detail ===
          'Maximum image processing time of 10 seconds exceeded with 12 seconds. Operation was canceled after 0% completion',
    );
    assert.equal(remainingSeconds({ limits: LIMITS, startedAt: performance.now() - 2_500 }), 8);
  });
  test('sharp cancels a job that runs too long', async () => {
    // A 64-megapixel PNG at zlib level 9 takes several seconds anywhere.
    const slow = { w: px(8000), h: px(8000), fit: 'fill', output: 'png', l: 9 } as const;
    const started = performance.now();
    const error = await assertFails(render(PHOTO, slow, { ...LIMITS, timeoutSeconds: 1 }), 'PROCESS_TIMEOUT');
    assert.match(
      error.message,
      /^libvips error: Maximum image processing time of 1 second exceeded with \d+ seconds?\. Operation was canceled after \d+% completion$/,
    );
    assert.ok(performance.now() - started < 5000);
  });
});
