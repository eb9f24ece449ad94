/**
 * Issue 11, part 3 and 4: behaviours where pixproxy differs from the public service, and JPEG XL
 * output, each through HTTP. Outputs are decoded by reference decoders (independent-decode.ts)
 * and read by our own container parsers, not by sharp.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { gammaLut } from '../../src/pipeline/luts.js';
import { iccOf, sniff } from '../helpers/containers.js';
import { heicWithProfile } from '../helpers/heic-with-profile.js';
import { animationOf, decodeFrames, missingDecoders, type Decoded } from '../helpers/independent-decode.js';
import { fixturePath } from '../helpers/paths.js';
import { serviceWithOrigin, u } from '../helpers/service.js';
import { bmp16, rle8Bmp } from '../pipeline/synthetic.js';

const env = serviceWithOrigin();

async function get(path: string): Promise<Buffer> {
  const res = await env.service.request(path);
  assert.equal(res.status, 200, `${path}: ${res.body.toString('utf8', 0, 200)}`);
  return res.body;
}

const fixture = (name: string): string => u(`${env.origin.base}/fixtures/${name}`);
const generated = (name: string): string => u(`${env.origin.base}/generated/${name}`);

function only(frames: Decoded[]): Decoded {
  const [first] = frames;
  if (first === undefined) throw new Error('nothing decoded');
  return first;
}

function pixel(image: Decoded, x: number, y: number): number[] {
  const at = (y * image.width + x) * 4;
  return [...image.rgba.subarray(at, at + 4)];
}

describe('loop and delay of an animated GIF (spec 3.10)', () => {
  test('output=json reports the loop and delays asked for', async () => {
    const loop = JSON.parse((await get(`/?url=${fixture('dancing-banana.gif')}&n=-1&loop=1&output=json`)).toString()) as { loop: number };
    assert.equal(loop.loop, 1);
    const delay = JSON.parse((await get(`/?url=${fixture('dancing-banana.gif')}&n=-1&delay=200&output=json`)).toString()) as { delay: number[] };
    assert.deepEqual(delay.delay, Array(8).fill(200));
  });
  test('the GIF itself plays once with 200 ms frames', { skip: missingDecoders('gif') }, async () => {
    const body = await get(`/?url=${fixture('dancing-banana.gif')}&n=-1&w=99&loop=1&delay=200`);
    assert.deepEqual(animationOf(body, 'gif'), { frames: 8, delays: Array(8).fill(200), loop: 1 });
  });
});

describe('PNG compression level', () => {
  const inputs = ['blackbug.png', 'tbgn2c16.png', 'embedgravitybird.png', '320x240.jpg'];
  test('a level above the default never gives a larger file, with or without af', async () => {
    for (const name of inputs) {
      for (const af of ['', '&af']) {
        const base = `/?url=${fixture(name)}&w=300&output=png${af}`;
        const standard = (await get(base)).length;
        for (const level of [7, 8, 9]) {
          const size = (await get(`${base}&l=${level}`)).length;
          assert.ok(size <= standard, `${name}${af} l=${level}: ${size} bytes > ${standard} at the default level`);
        }
      }
    }
  });
});

describe('blur on transparency (deliberately unlike the public service)', () => {
  test('premultiplied: the blurred edge of a white square stays white', { skip: missingDecoders('png') }, async () => {
    const square = await sharp({ create: { width: 20, height: 20, channels: 4, background: { r: 255, g: 255, b: 255, alpha: 1 } } }).png().toBuffer();
    const input = await sharp({ create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: square, left: 10, top: 10 }])
      .png()
      .toBuffer();
    env.origin.serve('white-square.png', input, 'image/png');
    const image = only(decodeFrames(await get(`/?url=${generated('white-square.png')}&blur=3&output=png`), 'png'));
    let edges = 0;
    for (let i = 0; i < image.width * image.height; i++) {
      const [r = 0, g = 0, b = 0, a = 0] = image.rgba.subarray(i * 4, i * 4 + 4);
      if (a < 16 || a > 240) continue;
      edges++;
      assert.ok(Math.min(r, g, b) >= 250, `edge pixel ${i} darkened to ${r},${g},${b} (alpha ${a})`);
    }
    assert.ok(edges > 50, 'the edge was not blurred');
  });
});

describe('pyramid TIFF', () => {
  test('w=500&h=103 of the Louvre loads the 500x103 level: exactly 500 wide', { skip: missingDecoders('tiff') }, async () => {
    const body = await get(`/?url=${fixture('PalaisDuLouvre.tif')}&w=500&h=103`);
    assert.equal(sniff(body), 'tiff');
    const image = only(decodeFrames(body, 'tiff'));
    assert.deepEqual([image.width, image.height], [500, 103]);
  });
});

describe('gam disables shrink-on-load (spec 4a)', () => {
  test('the result is the gamma curve of a resize of the full decode', { skip: missingDecoders('png') }, async () => {
    const body = await get(`/?url=${fixture('2569067123_aca715a2ee_o.jpg')}&w=300&h=200&fit=fill&gam=2.2&output=png`);
    const image = only(decodeFrames(body, 'png'));
    // The reference resizes raw pixels, which sharp cannot shrink on load.
    const { data, info } = await sharp(fixturePath('2569067123_aca715a2ee_o.jpg')).raw().toBuffer({ resolveWithObject: true });
    const resized = await sharp(data, { raw: info }).resize(300, 200, { fit: 'fill' }).raw().toBuffer();
    const lut = gammaLut(2.2);
    let worst = 0;
    for (let i = 0; i < 300 * 200; i++) {
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs((image.rgba[i * 4 + c] ?? 0) - (lut[resized[i * 3 + c] ?? 0] ?? 0)));
    }
    assert.ok(worst <= 1, `differs by up to ${worst} from the full-decode reference`);
  });
});

describe('trim on a large input', () => {
  test('finds the box of a 3000x2000 image without holding it (box exact)', { skip: missingDecoders('png') }, async () => {
    const box = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png().toBuffer();
    const input = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 255, g: 255, b: 255 } } })
      .composite([{ input: box, left: 1000, top: 500 }])
      .png()
      .toBuffer();
    env.origin.serve('large-framed.png', input, 'image/png');
    const image = only(decodeFrames(await get(`/?url=${generated('large-framed.png')}&trim=10&output=png`), 'png'));
    assert.deepEqual([image.width, image.height], [800, 600]);
    assert.deepEqual(pixel(image, 400, 300), [0, 0, 0, 255]);
  });
});

describe('HEIC keeps its ICC profile', () => {
  test('icc keeps the profile of the HEIC; output=json says hasProfile', { skip: missingDecoders('jpg') }, async () => {
    const profile = iccOf(readFileSync(fixturePath('320x240.jpg')));
    assert.ok(profile !== undefined);
    env.origin.serve('winter-icc.heic', heicWithProfile(readFileSync(fixturePath('winter_1440x960.heic')), profile), 'image/heic');
    const body = await get(`/?url=${generated('winter-icc.heic')}&w=200&icc&output=jpg`);
    assert.ok(iccOf(body)?.equals(profile), 'the profile was not kept');
    assert.equal(only(decodeFrames(body, 'jpg')).width, 200);
    const json = JSON.parse((await get(`/?url=${generated('winter-icc.heic')}&output=json`)).toString()) as { hasProfile: boolean };
    assert.equal(json.hasProfile, true);
  });
});

describe('BMP: RLE and 16-bit are decoded', () => {
  test('RLE8', { skip: missingDecoders('png') }, async () => {
    env.origin.serve('rle8.bmp', rle8Bmp(), 'image/bmp');
    const image = only(decodeFrames(await get(`/?url=${generated('rle8.bmp')}&output=png`), 'png'));
    assert.deepEqual([pixel(image, 0, 0), pixel(image, 2, 0), pixel(image, 1, 1)], [[0, 0, 255, 255], [255, 0, 0, 255], [255, 0, 0, 255]]);
  });
  test('16 bits per pixel, 5-6-5 and 5-5-5', { skip: missingDecoders('png') }, async () => {
    for (const layout of ['565', '555'] as const) {
      env.origin.serve(`bmp16-${layout}.bmp`, bmp16(layout), 'image/bmp');
      const image = only(decodeFrames(await get(`/?url=${generated(`bmp16-${layout}.bmp`)}&output=png`), 'png'));
      assert.deepEqual([pixel(image, 0, 0), pixel(image, 1, 0)], [[255, 0, 0, 255], [0, 0, 255, 255]], layout);
    }
  });
});

describe('masks on frames taller than 32767 px', () => {
  test('mask=circle on a 60x40000 image', { skip: missingDecoders('png') }, async () => {
    const input = await sharp({ create: { width: 60, height: 40000, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toBuffer();
    env.origin.serve('tall.png', input, 'image/png');
    const image = only(decodeFrames(await get(`/?url=${generated('tall.png')}&mask=circle&output=png`), 'png'));
    assert.deepEqual([image.width, image.height], [60, 40000]);
    assert.deepEqual(pixel(image, 30, 20000), [255, 0, 0, 255], 'inside the circle');
    assert.equal(pixel(image, 30, 5)[3], 0, 'outside the circle');
  });
});

describe('output=jxl (JPEG XL through WebAssembly libjxl)', () => {
  test('decodes with djxl to the right size; q changes the size', { skip: missingDecoders('jxl') }, async () => {
    const low = await get(`/?url=${fixture('320x240.jpg')}&w=160&q=30&output=jxl`);
    const high = await get(`/?url=${fixture('320x240.jpg')}&w=160&q=95&output=jxl`);
    assert.equal(sniff(low), 'jxl');
    const image = only(decodeFrames(high, 'jxl'));
    assert.deepEqual([image.width, image.height], [160, 120]);
    assert.ok(low.length < high.length, `q=30 gave ${low.length} bytes, q=95 ${high.length}`);
  });
  test('ll is lossless: the decoded pixels equal the PNG of the same request', { skip: missingDecoders('jxl') ?? missingDecoders('png') }, async () => {
    const lossless = only(decodeFrames(await get(`/?url=${fixture('blackbug.png')}&w=120&ll&output=jxl`), 'jxl'));
    const png = only(decodeFrames(await get(`/?url=${fixture('blackbug.png')}&w=120&output=png`), 'png'));
    assert.deepEqual([lossless.width, lossless.height], [png.width, png.height]);
    assert.ok(Buffer.from(lossless.rgba).equals(Buffer.from(png.rgba)), 'lossless JPEG XL differs from the PNG');
  });
});
