/**
 * Format × feature matrix (issue 11): every output format, through HTTP, for alpha, animation,
 * 16-bit and CMYK inputs, and ICC profiles. Every output is decoded by the format's reference
 * decoder (independent-decode.ts) and its container read by our own parsers (containers.ts),
 * never by sharp, the code under test. A check that cannot hold for a format is skipped with the
 * reason in its name.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { iccOf, sniff, tiffPages, tiffTag, type Sniffed } from '../helpers/containers.js';
import { animationOf, decodeFrames, missingDecoders, type Decoded } from '../helpers/independent-decode.js';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { expectedPath, fixturePath } from '../helpers/paths.js';
import { startService, u, type TestService } from '../helpers/service.js';
import { hammingDistance, SIMILAR, viewerHash } from '../helpers/viewer.js';

type Format = 'jpg' | 'png' | 'webp' | 'avif' | 'gif' | 'tiff' | 'jxl';
const FORMATS: readonly Format[] = ['jpg', 'png', 'webp', 'avif', 'gif', 'tiff', 'jxl'];
/**
 * Error allowed per channel: lossy codecs and GIF's 256-colour palette move colours a little.
 * libjxl at q80 (distance 1.9) turns pure red (255,0,0) into (255,0,23): XYB quantises saturated
 * colours coarsely; at q90 it is exact.
 */
const TOLERANCE: Readonly<Record<Format, number>> = { jpg: 10, png: 1, webp: 10, avif: 12, gif: 16, tiff: 10, jxl: 24 };

let origin: OriginServer;
let service: TestService;

before(async () => {
  origin = await startOrigin();
  service = await startService();
  // 64x32: left half fully transparent, right half opaque red.
  const half = Buffer.alloc(64 * 32 * 4);
  for (let y = 0; y < 32; y++) for (let x = 32; x < 64; x++) half.set([255, 0, 0, 255], (y * 64 + x) * 4);
  origin.serve('half-transparent.png', await sharp(half, { raw: { width: 64, height: 32, channels: 4 } }).png().toBuffer(), 'image/png');
});

after(async () => {
  await service.close();
  await origin.close();
});

async function fetchAs(source: string, query: string, format: Format): Promise<Buffer> {
  const res = await service.request(`/?url=${u(source)}&${query}&output=${format}`);
  assert.equal(res.status, 200, `${query}&output=${format}: ${res.body.toString('utf8', 0, 200)}`);
  assert.equal(sniff(res.body), format, `${query}: not a ${format} file`);
  return res.body;
}

const fixtureUrl = (name: string): string => `${origin.base}/fixtures/${name}`;

function only(frames: Decoded[]): Decoded {
  const [first] = frames;
  if (first === undefined) throw new Error('nothing decoded');
  return first;
}

function pixel(image: Decoded, x: number, y: number): number[] {
  const at = (y * image.width + x) * 4;
  return [...image.rgba.subarray(at, at + 4)];
}

function assertNear(actual: readonly number[], expected: readonly number[], tolerance: number, label: string): void {
  const far = actual.some((value, i) => Math.abs(value - (expected[i] ?? 0)) > tolerance);
  assert.ok(!far, `${label}: ${JSON.stringify(actual)} is not ${JSON.stringify(expected)} ± ${tolerance}`);
}

/** Mean absolute difference per channel over the pixels both images show opaque. */
function meanError(a: Decoded, b: Decoded): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < a.rgba.length; i += 4) {
    if ((a.rgba[i + 3] ?? 0) < 255 || (b.rgba[i + 3] ?? 0) < 255) continue;
    for (let c = 0; c < 3; c++) sum += Math.abs((a.rgba[i + c] ?? 0) - (b.rgba[i + c] ?? 0));
    count += 3;
  }
  return count === 0 ? 0 : sum / count;
}

const skipUnless = (format: Sniffed): string | undefined => missingDecoders(format);

describe('alpha: transparent stays transparent where the format allows; else flattened', () => {
  for (const format of FORMATS) {
    test(format === 'jpg' ? 'jpg: no alpha, flattened on black (spec 4.3)' : `${format}: keeps transparency`, { skip: skipUnless(format) }, async () => {
      const image = only(decodeFrames(await fetchAs(`${origin.base}/generated/half-transparent.png`, 'w=64', format), format));
      assert.deepEqual([image.width, image.height], [64, 32]);
      const tolerance = TOLERANCE[format];
      if (format === 'jpg') {
        assert.equal(image.alpha, false);
        assertNear(pixel(image, 8, 16), [0, 0, 0, 255], tolerance, 'transparent half');
      } else {
        assert.equal(image.alpha, true, 'no alpha band');
        assert.equal(pixel(image, 8, 16)[3], 0, 'transparent half is not transparent');
      }
      assertNear(pixel(image, 56, 16), [255, 0, 0, 255], tolerance, 'opaque half');
    });
    test(`${format}: bg flattens onto the colour`, { skip: skipUnless(format) }, async () => {
      const image = only(decodeFrames(await fetchAs(`${origin.base}/generated/half-transparent.png`, 'w=64&bg=0000ff', format), format));
      assertNear(pixel(image, 8, 16), [0, 0, 255, 255], TOLERANCE[format], 'flattened half');
      assertNear(pixel(image, 56, 16), [255, 0, 0, 255], TOLERANCE[format], 'opaque half');
    });
  }
});

describe('animation: frames, delays and loop count survive webp <-> gif with n=-1', () => {
  const cases: readonly [Format, string][] = [
    ['gif', 'dancing_banana2.lossless.webp'],
    ['webp', 'dancing-banana.gif'],
  ];
  for (const [format, source] of cases) {
    test(`${source} -> ${format}: the source's timing`, { skip: skipUnless(format) }, async () => {
      const body = await fetchAs(fixtureUrl(source), 'n=-1&w=99', format);
      const animation = animationOf(body, format === 'gif' ? 'gif' : 'webp');
      assert.deepEqual(animation, { frames: 8, delays: Array(8).fill(100), loop: 0 });
      const frames = decodeFrames(body, format);
      assert.equal(frames.length, 8);
    });
    test(`${source} -> ${format}: loop=2 and delay=150 are written`, { skip: skipUnless(format) }, async () => {
      const body = await fetchAs(fixtureUrl(source), 'n=-1&w=99&loop=2&delay=150', format);
      assert.deepEqual(animationOf(body, format === 'gif' ? 'gif' : 'webp'), { frames: 8, delays: Array(8).fill(150), loop: 2 });
    });
  }
  test('tiff: frames become pages (TIFF has no delays or loop count)', { skip: skipUnless('tiff') }, async () => {
    const body = await fetchAs(fixtureUrl('dancing-banana.gif'), 'n=-1&w=99', 'tiff');
    assert.equal(tiffPages(body), 8);
  });
  test('jpg, png: skipped, single-image formats: n=-1 gives a still strip of the frames', { skip: 'no animation in the format' });
  test('avif: skipped, sharp\'s AVIF saver writes still images only: the strip is one tall image', { skip: 'encoder limit' });
  test('jxl: skipped, the WebAssembly encoder (@jsquash/jxl) writes still images only', { skip: 'encoder limit' });
});

describe('16-bit input (tbgn2c16.png, 16-bit RGB): decodes, same size, same colours', () => {
  for (const format of FORMATS) {
    test(format, { skip: skipUnless(format) ?? skipUnless('png') }, async () => {
      const source = only(decodeFrames(readFileSync(fixturePath('tbgn2c16.png')), 'png'));
      assert.equal(source.maxval, 65535, 'the fixture is 16-bit');
      // q=95: 4:4:4 chroma, so what is measured is the 16-bit handling, not a 32x32 pattern's
      // chroma subsampling.
      const image = only(decodeFrames(await fetchAs(fixtureUrl('tbgn2c16.png'), 'bg=ffffff&q=95', format), format));
      assert.deepEqual([image.width, image.height], [32, 32]);
      const flat = only(decodeFrames(await fetchAs(fixtureUrl('tbgn2c16.png'), 'bg=ffffff', 'png'), 'png'));
      const error = meanError(image, flat);
      assert.ok(error <= TOLERANCE[format], `mean error ${error.toFixed(2)} against the PNG of the same request`);
      // The PNG itself against the 16-bit source, scaled to 8 bits by the reference decoder.
      assert.ok(meanError(flat, source) <= 1, `PNG differs from the 16-bit source by ${meanError(flat, source).toFixed(2)}`);
    });
  }
});

describe('CMYK input: sRGB out, matching the reference rendering (colourspace.cmyk.jpg)', () => {
  for (const format of FORMATS) {
    test(format, { skip: skipUnless(format) ?? skipUnless('jpg') }, async () => {
      const query = 'w=320&h=240&fit=contain&cbg=white&icc';
      const body = await fetchAs(fixtureUrl('Channel_digital_image_CMYK_color.jpg'), query, format);
      // `icc` cannot keep a CMYK profile on RGB pixels: the output is sRGB without a profile.
      assert.equal(iccOf(body), undefined, 'a profile was kept');
      if (format === 'tiff') assert.notEqual(tiffTag(body, 262), 5, 'TIFF is still CMYK (Photometric = separated)');
      const image = only(decodeFrames(body, format));
      assert.deepEqual([image.width, image.height], [320, 240]);
      const reference = only(decodeFrames(readFileSync(expectedPath('colourspace.cmyk.jpg')), 'jpg'));
      const distance = hammingDistance(viewerHash(image), viewerHash(reference));
      assert.ok(distance < SIMILAR, `dHash distance ${distance}`);
      const error = meanError(image, reference);
      assert.ok(error <= TOLERANCE.jpg + TOLERANCE[format], `mean error ${error.toFixed(2)} against the reference`);
    });
  }
});

describe('ICC: sRGB without a profile by default, the source profile kept with icc', () => {
  const sourceProfile = (): Buffer => {
    const profile = iccOf(readFileSync(fixturePath('320x240.jpg')));
    assert.ok(profile !== undefined && profile.length > 128, 'the fixture has a profile');
    return profile;
  };
  for (const format of FORMATS) {
    test(`${format}: no profile by default`, { skip: skipUnless(format) }, async () => {
      const body = await fetchAs(fixtureUrl('320x240.jpg'), 'w=160', format);
      assert.equal(iccOf(body), undefined);
      assert.deepEqual([only(decodeFrames(body, format)).width, only(decodeFrames(body, format)).height], [160, 120]);
    });
    const cannotKeep: Partial<Record<Format, string>> = {
      gif: 'GIF has no profile that libvips writes: sRGB without a profile',
      jxl: 'the WebAssembly encoder writes no ICC profile: sRGB without a profile',
    };
    const reason = cannotKeep[format];
    test(`${format}: icc keeps the source profile${reason === undefined ? '' : ` (cannot: ${reason})`}`, { skip: skipUnless(format) }, async () => {
      const body = await fetchAs(fixtureUrl('320x240.jpg'), 'w=160&icc', format);
      if (reason !== undefined) {
        assert.equal(iccOf(body), undefined);
        return;
      }
      const kept = iccOf(body);
      assert.ok(kept !== undefined, 'no profile in the output');
      assert.ok(kept.equals(sourceProfile()), 'the profile differs from the source profile');
    });
  }
});
