/**
 * Decodes images with the reference command-line decoders of each format (libjpeg-turbo, libpng
 * through netpbm, libwebp, libavif, libtiff, giflib through netpbm, libjxl), never with sharp or
 * libvips, the code under test. Everything comes back as 8-bit RGBA plus the decoder's maxval (to
 * tell 16-bit outputs). Tests call `missingDecoders` first and skip, naming the Debian package,
 * where a tool is absent; .ci/run installs them all.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sniffed } from './containers.js';

export interface Decoded {
  readonly width: number;
  readonly height: number;
  /** 255 for 8-bit samples, 65535 for 16-bit. */
  readonly maxval: number;
  /** Whether the decoder reported an alpha band. */
  readonly alpha: boolean;
  /** 8-bit RGBA, row by row. */
  readonly rgba: Uint8Array;
}

/** Tool and the Debian package that ships it, per format. */
const TOOLS: Readonly<Record<Exclude<Sniffed, 'unknown'>, readonly [string, string][]>> = {
  jpg: [['djpeg', 'libjpeg-turbo-progs']],
  png: [['pngtopam', 'netpbm']],
  gif: [['giftopnm', 'netpbm'], ['gifsicle', 'gifsicle']],
  tiff: [['tifftopnm', 'netpbm'], ['tiff2rgba', 'libtiff-tools']],
  webp: [['dwebp', 'webp'], ['webpmux', 'webp']],
  avif: [['avifdec', 'libavif-bin'], ['pngtopam', 'netpbm']],
  jxl: [['djxl', 'libjxl-tools'], ['pngtopam', 'netpbm']],
};

const found = new Map<string, boolean>();
function onPath(tool: string): boolean {
  let known = found.get(tool);
  if (known === undefined) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      known = true;
    } catch {
      known = false;
    }
    found.set(tool, known);
  }
  return known;
}

/** A skip reason naming the missing tools and their Debian packages, or undefined when all are there. */
export function missingDecoders(format: Sniffed): string | undefined {
  if (format === 'unknown') return 'no independent decoder for an unknown format';
  const missing = TOOLS[format].filter(([tool]) => !onPath(tool));
  if (missing.length === 0) return undefined;
  return `independent decoder missing: ${missing.map(([tool, pkg]) => `${tool} (Debian ${pkg})`).join(', ')}`;
}

function run(tool: string, args: readonly string[]): Buffer {
  return execFileSync(tool, args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
}

interface Pam {
  width: number;
  height: number;
  depth: number;
  maxval: number;
  tupltype: string;
  samples: Uint16Array;
}

/** Parses one or more concatenated PNM (P5, P6) or PAM (P7) images. */
export function parsePnm(bytes: Buffer): Pam[] {
  const images: Pam[] = [];
  let at = 0;
  const token = (): string => {
    for (;;) {
      while (at < bytes.length && /\s/.test(String.fromCharCode(bytes[at] ?? 0))) at++;
      if (bytes[at] === 0x23) {
        while (at < bytes.length && bytes[at] !== 0x0a) at++;
        continue;
      }
      const start = at;
      while (at < bytes.length && !/\s/.test(String.fromCharCode(bytes[at] ?? 0))) at++;
      return bytes.toString('latin1', start, at);
    }
  };
  while (at < bytes.length) {
    const magic = token();
    if (magic === '') break;
    let width = 0, height = 0, depth = 0, maxval = 0, tupltype = '';
    if (magic === 'P7') {
      for (let key = token(); key !== 'ENDHDR'; key = token()) {
        if (key === 'WIDTH') width = Number(token());
        else if (key === 'HEIGHT') height = Number(token());
        else if (key === 'DEPTH') depth = Number(token());
        else if (key === 'MAXVAL') maxval = Number(token());
        else if (key === 'TUPLTYPE') tupltype = token();
      }
    } else if (magic === 'P4') {
      // A bitmap (giftopnm's transparency mask): 1 = black = transparent, rows padded to bytes.
      width = Number(token());
      height = Number(token());
      at++;
      const samples = new Uint16Array(width * height);
      const stride = Math.ceil(width / 8);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const bit = ((bytes[at + y * stride + (x >> 3)] ?? 0) >> (7 - (x & 7))) & 1;
          samples[y * width + x] = bit === 1 ? 0 : 1;
        }
      }
      at += stride * height;
      images.push({ width, height, depth: 1, maxval: 1, tupltype: 'BLACKANDWHITE', samples });
      continue;
    } else if (magic === 'P5' || magic === 'P6') {
      width = Number(token());
      height = Number(token());
      maxval = Number(token());
      depth = magic === 'P5' ? 1 : 3;
    } else {
      throw new Error(`not a binary PNM/PAM: ${magic}`);
    }
    at++; // the single whitespace after the header
    const count = width * height * depth;
    const wide = maxval > 255;
    const samples = new Uint16Array(count);
    for (let i = 0; i < count; i++) samples[i] = wide ? bytes.readUInt16BE(at + 2 * i) : (bytes[at + i] ?? 0);
    at += count * (wide ? 2 : 1);
    images.push({ width, height, depth, maxval, tupltype, samples });
  }
  return images;
}

function toDecoded(pam: Pam, alphaPlane?: Pam): Decoded {
  const { width, height, depth, maxval, samples } = pam;
  const rgba = new Uint8Array(width * height * 4);
  const scale = (value: number, max: number): number => Math.round((value * 255) / max);
  const hasAlpha = depth === 2 || depth === 4 || alphaPlane !== undefined;
  for (let i = 0; i < width * height; i++) {
    const s = i * depth;
    const grey = depth <= 2;
    rgba[i * 4] = scale(samples[s] ?? 0, maxval);
    rgba[i * 4 + 1] = scale(samples[grey ? s : s + 1] ?? 0, maxval);
    rgba[i * 4 + 2] = scale(samples[grey ? s : s + 2] ?? 0, maxval);
    rgba[i * 4 + 3] = alphaPlane !== undefined
      ? scale(alphaPlane.samples[i] ?? 0, alphaPlane.maxval)
      : depth === 2 || depth === 4 ? scale(samples[s + depth - 1] ?? 0, maxval) : 255;
  }
  return { width, height, maxval, alpha: hasAlpha, rgba };
}

function only(images: Pam[]): Pam {
  const [first] = images;
  if (first === undefined) throw new Error('decoder wrote no image');
  return first;
}

/** Every frame of the image as its decoder sees it (one for still formats); no container transforms. */
export function decodeFrames(bytes: Buffer, format: Sniffed): Decoded[] {
  const dir = mkdtempSync(join(tmpdir(), 'pixproxy-decode-'));
  const input = join(dir, `in.${format}`);
  writeFileSync(input, bytes);
  try {
    switch (format) {
      case 'jpg':
        return [toDecoded(only(parsePnm(run('djpeg', ['-pnm', input]))))];
      case 'png':
        return [toDecoded(only(parsePnm(run('pngtopam', ['-alphapam', input]))))];
      case 'avif':
      case 'jxl': {
        const png = join(dir, 'out.png');
        run(format === 'avif' ? 'avifdec' : 'djxl', [input, png]);
        return [toDecoded(only(parsePnm(run('pngtopam', ['-alphapam', png]))))];
      }
      case 'tiff': {
        // tifftopnm cannot read JPEG-compressed YCbCr; libtiff's RGBA reader (tiff2rgba) can, and
        // writes plain RGBA that tifftopnm reads. That reader handles the Orientation tag only in
        // part, so callers check the tag itself (containers.ts) before looking at the pixels.
        const rgba = join(dir, 'rgba.tiff');
        const alpha = join(dir, 'alpha.pgm');
        run('tiff2rgba', [input, rgba]);
        const image = only(parsePnm(run('tifftopnm', [`-alphaout=${alpha}`, rgba])));
        const plane = parsePnm(readFileSync(alpha))[0];
        return [toDecoded(image, plane !== undefined && plane.width > 0 ? plane : undefined)];
      }
      case 'gif': {
        const alpha = join(dir, 'alpha.pgm');
        const frames = parsePnm(run('giftopnm', ['--image=all', `--alphaout=${alpha}`, input]));
        const planes = parsePnm(readFileSync(alpha));
        return frames.map((frame, index) => toDecoded(frame, planes[index]));
      }
      case 'webp': {
        const frames = webpFrameCount(bytes);
        if (frames === 0) return [toDecoded(only(parsePnm(run('dwebp', ['-pam', input, '-o', '-']))))];
        return Array.from({ length: frames }, (_, index) => {
          const frame = join(dir, `frame${index}.webp`);
          run('webpmux', ['-get', 'frame', String(index + 1), input, '-o', frame]);
          return toDecoded(only(parsePnm(run('dwebp', ['-pam', frame, '-o', '-']))));
        });
      }
      default:
        throw new Error(`no independent decoder for ${format}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** ANMF chunks of an animated WebP (0 for a still one). */
function webpFrameCount(webp: Buffer): number {
  let count = 0;
  for (let at = 12; at + 8 <= webp.length; ) {
    const length = webp.readUInt32LE(at + 4);
    if (webp.toString('latin1', at, at + 4) === 'ANMF') count++;
    at += 8 + length + (length % 2);
  }
  return count;
}

export interface Animation {
  readonly frames: number;
  /** Milliseconds per frame. */
  readonly delays: readonly number[];
  /** Plays, as sharp's `loop`: 0 = forever. */
  readonly loop: number | undefined;
}

/**
 * Frames, delays and loop count as the format's own tools report them: `gifsicle --info` for GIF,
 * `webpmux -info` for WebP.
 */
export function animationOf(bytes: Buffer, format: 'gif' | 'webp'): Animation {
  const dir = mkdtempSync(join(tmpdir(), 'pixproxy-anim-'));
  const input = join(dir, `in.${format}`);
  writeFileSync(input, bytes);
  try {
    if (format === 'gif') {
      const info = run('gifsicle', ['--info', input]).toString();
      const frames = Number(/(\d+) images?/.exec(info)?.[1] ?? '1');
      const delays = [...info.matchAll(/delay ([\d.]+)s/g)].map((m) => Math.round(Number(m[1]) * 1000));
      // The NETSCAPE count is the repeats after the first play: sharp's `loop` N (plays) is count
      // N - 1, and no extension at all means one play.
      const loopMatch = /loop (forever|count (\d+))/.exec(info);
      const loop = loopMatch === null ? 1 : loopMatch[1] === 'forever' ? 0 : Number(loopMatch[2]) + 1;
      return { frames, delays, loop };
    }
    const info = run('webpmux', ['-info', input]).toString();
    const loop = /Loop Count\s*:\s*(\d+)/.exec(info);
    // Frame table rows: "  1:    80    85    no  0  0  100  ..." (width height alpha x y duration)
    const rows = [...info.matchAll(/^\s*\d+:\s+(\d+)\s+(\d+)\s+(yes|no)\s+(\d+)\s+(\d+)\s+(\d+)/gm)];
    return { frames: rows.length, delays: rows.map((row) => Number(row[6])), loop: loop === null ? undefined : Number(loop[1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
