/**
 * Issue 11: orientation is applied exactly once, in every output format a browser or a viewer is
 * sent, through HTTP and through the CLI. Each output is decoded by its format's reference decoder
 * and turned as its container says (irot/imir, EXIF or TIFF Orientation), exactly as a viewer
 * shows it, then compared with the orientation-1 fixture: the same size and a similar dHash.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { containerOrientation, hasHeifTransforms, sniff, tiffTag, type Sniffed } from '../helpers/containers.js';
import { missingDecoders } from '../helpers/independent-decode.js';
import { fixturePath, repoRoot } from '../helpers/paths.js';
import { serviceWithOrigin, u } from '../helpers/service.js';
import { hammingDistance, shown, SIMILAR, viewerHash } from '../helpers/viewer.js';

const FORMATS = ['jpg', 'png', 'webp', 'avif', 'gif', 'tiff', 'jxl'] as const;
/** What current browsers send for <img> (Chromium, Firefox, Safari 17) and a plain client. */
const ACCEPTS: Readonly<Record<string, string>> = {
  chromium: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
  firefox: 'image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5',
  safari: 'image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5',
  plain: '*/*',
};
const WIDTH = 120;
const SHAPES = ['Landscape', 'Portrait'] as const;
const ORIENTATIONS = [1, 2, 3, 4, 5, 6, 7, 8] as const;

interface Reference {
  readonly hash: bigint;
  readonly height: number;
}

/** The orientation-1 fixture as djpeg decodes it, at the output width (height rounded). */
function reference(shape: string): Reference {
  const upright = shown(readFileSync(fixturePath(`${shape}_1.jpg`)));
  assert.equal(upright.orientation, 1);
  return { hash: viewerHash(upright), height: Math.round((WIDTH * upright.height) / upright.width) };
}


/** Asserts that `bytes` shows like the upright fixture, and that its container turns nothing. */
function assertShownUpright(bytes: Buffer, expected: Reference, label: string): void {
  const format = sniff(bytes);
  if (format === 'avif') assert.equal(hasHeifTransforms(bytes), false, `${label}: irot/imir boxes in the AVIF`);
  if (format === 'tiff') assert.ok([undefined, 1].includes(tiffTag(bytes, 274)), `${label}: TIFF Orientation ${tiffTag(bytes, 274)}`);
  assert.equal(containerOrientation(bytes), 1, `${label}: the container asks viewers to turn it`);
  const image = shown(bytes);
  assert.deepEqual([image.width, image.height], [WIDTH, expected.height], `${label}: size as shown`);
  const distance = hammingDistance(viewerHash(image), expected.hash);
  assert.ok(distance < SIMILAR, `${label}: looks different from the upright fixture (dHash distance ${distance})`);
}

/** Skip reason when a decoder this format needs is absent (.ci/run installs them). */
function skipFor(formats: readonly Sniffed[]): string | undefined {
  for (const format of formats) {
    const missing = missingDecoders(format);
    if (missing !== undefined) return missing;
  }
  return undefined;
}

const references = new Map<string, Reference>();
function referenceFor(shape: string): Reference {
  let known = references.get(shape);
  if (known === undefined) {
    known = reference(shape);
    references.set(shape, known);
  }
  return known;
}

describe('HTTP: every output format shows upright (issue 11)', () => {
  const env = serviceWithOrigin();

  for (const format of FORMATS) {
    test(`output=${format}`, { skip: skipFor(['jpg', format]) }, async () => {
      for (const shape of SHAPES) {
        for (const orientation of ORIENTATIONS) {
          const name = `${shape}_${orientation}.jpg`;
          const res = await env.service.request(`/?url=${u(`${env.origin.base}/fixtures/${name}`)}&w=${WIDTH}&output=${format}`);
          assert.equal(res.status, 200, name);
          assert.equal(sniff(res.body), format, name);
          assertShownUpright(res.body, referenceFor(shape), `${name} as ${format}`);
        }
      }
    });
  }

  for (const [browser, accept] of Object.entries(ACCEPTS)) {
    test(`output=auto with the Accept header of ${browser}`, { skip: skipFor(['jpg', 'avif', 'webp']) }, async () => {
      for (const shape of SHAPES) {
        for (const orientation of ORIENTATIONS) {
          const name = `${shape}_${orientation}.jpg`;
          const res = await env.service.request(`/?url=${u(`${env.origin.base}/fixtures/${name}`)}&w=${WIDTH}&output=auto`, {
            headers: { accept },
          });
          assert.equal(res.status, 200, name);
          assertShownUpright(res.body, referenceFor(shape), `${name} for ${browser} (${res.headers.get('content-type')})`);
        }
      }
    });
  }
});

describe('CLI: every output format shows upright (issue 11)', () => {
  const CLI = join(repoRoot, 'dist', 'src', 'cli.js');
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pixproxy-orient-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * A child process costs about a second: the formats whose containers can carry a turn (AVIF,
   * TIFF) get every orientation, the others one landscape and one portrait, together all eight.
   */
  const cases: Readonly<Record<(typeof FORMATS)[number], readonly [string, number][]>> = {
    avif: ORIENTATIONS.map((o) => ['Landscape', o]),
    tiff: ORIENTATIONS.map((o) => ['Portrait', o]),
    jpg: [['Landscape', 2], ['Portrait', 6]],
    png: [['Landscape', 3], ['Portrait', 7]],
    webp: [['Landscape', 4], ['Portrait', 8]],
    gif: [['Landscape', 5], ['Portrait', 1]],
    jxl: [['Landscape', 6], ['Portrait', 5]],
  };
  for (const format of FORMATS) {
    test(`process ... output=${format}`, { skip: skipFor(['jpg', format]) }, async () => {
      // Two at a time: one child per core.
      const names = cases[format].map(([shape, orientation]) => ({ shape, name: `${shape}_${orientation}.jpg` }));
      for (let i = 0; i < names.length; i += 2) {
        await Promise.all(names.slice(i, i + 2).map(async ({ shape, name }) => {
          const output = join(dir, `${name}.${format}`);
          await promisify(execFile)(process.execPath, [CLI, 'process', fixturePath(name), `w=${WIDTH}&output=${format}`, output]);
          assertShownUpright(await readFile(output), referenceFor(shape), `CLI ${name} as ${format}`);
        }));
      }
    });
  }
});
