/**
 * Hostile requests through the whole service (HTTP in, origin fetch, worker pool): SSRF spellings
 * and redirects, origins that are too big or too slow, decompression bombs, broken files, SVGs
 * that reach out, and a worker that dies mid-job. Every request goes to loopback only: the
 * service, the local origin (127.0.0.1) and a redirector (127.0.0.3) listen there, and the SSRF
 * spellings below all name this host.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { publicMessage } from '../../src/errors.js';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { fixturePath } from '../helpers/paths.js';
import { startService, u, type TestService } from '../helpers/service.js';

type Reply = Awaited<ReturnType<TestService['request']>>;

function errorJson(status: number, message: string): string {
  return JSON.stringify({ status: 'error', code: status, message });
}

/** The exact spec error: status, JSON content type and byte-exact body. */
function assertError(reply: Reply, status: number, message: string, context = ''): void {
  assert.equal(reply.status, status, `${context} status (body ${reply.body.toString().slice(0, 200)})`);
  assert.equal(reply.headers.get('content-type'), 'application/json', context);
  assert.equal(reply.body.toString(), errorJson(status, message), context);
}

/** Not a server failure: an image, or a 4xx in the spec's JSON shape. */
function assertImageOrClientError(reply: Reply, context: string): void {
  if (reply.status === 200) {
    assert.match(reply.headers.get('content-type') ?? '', /^image\//, context);
    return;
  }
  assert.ok(reply.status >= 400 && reply.status < 500, `${context}: status ${reply.status} ${reply.body.toString()}`);
  assert.equal(reply.headers.get('content-type'), 'application/json', context);
  const body = JSON.parse(reply.body.toString()) as { status: string; code: number; message: string };
  assert.deepEqual(Object.keys(body), ['status', 'code', 'message'], context);
  assert.equal(body.status, 'error', context);
  assert.equal(body.code, reply.status, context);
}

function totalHits(origin: OriginServer): number {
  return [...origin.hits.values()].reduce((sum, count) => sum + count, 0);
}

/** Runs `work` while sampling the process's RSS (worker threads included); returns the peak growth. */
async function peakRssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growthMb: number; ms: number }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const began = performance.now();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growthMb: (peak - start) / 2 ** 20, ms: performance.now() - began };
  } finally {
    clearInterval(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Hand-built hostile images

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A valid, tiny PNG whose header declares width x height greyscale pixels (a few rows of data follow). */
function pngBomb(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(0, 9); // greyscale
  const rows = Buffer.alloc((width + 1) * 4); // four rows of filter byte 0 + zero pixels
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The classic 1x1 GIF with its logical screen claiming 65535 x 65535 (libvips decodes the frame, 1x1). */
function gifWithHugeScreen(): Buffer {
  const gif = Buffer.from('47494638396101000100800000000000ffffff2c000000000100010000020244010003b', 'hex');
  gif.writeUInt16LE(0xffff, 6);
  gif.writeUInt16LE(0xffff, 8);
  return gif;
}

/** A real JPEG whose frame header (SOF) is rewritten to claim 65500 x 65500. */
async function jpegWithHugeFrame(): Promise<Buffer> {
  const jpeg = Buffer.from(await readFile(fixturePath('320x240.jpg')));
  for (let offset = 2; offset + 9 < jpeg.length; ) {
    if (jpeg[offset] !== 0xff) throw new Error('lost in the JPEG markers');
    const marker = jpeg[offset + 1] ?? 0;
    const length = jpeg.readUInt16BE(offset + 2);
    if (marker >= 0xc0 && marker <= 0xc2) {
      jpeg.writeUInt16BE(65500, offset + 5);
      jpeg.writeUInt16BE(65500, offset + 7);
      return jpeg;
    }
    offset += 2 + length;
  }
  throw new Error('no SOF marker');
}

// ---------------------------------------------------------------------------------------------

let origin: OriginServer;

before(async () => {
  origin = await startOrigin();
});

after(async () => {
  await origin.close();
});

describe('SSRF: every spelling of this host is refused before any connection', () => {
  let service: TestService;

  before(async () => {
    // Nothing exempt from the private-address deny list: loopback is as forbidden as in production.
    service = await startService({ allowPrivateOrigins: [] });
  });

  after(async () => {
    await service.close();
  });

  test('numeric, octal, hex, short, mapped, unspecified and named forms', async () => {
    const port = origin.port;
    const spellings = [
      'http://2130706433/',
      `http://2130706433:${port}/fixtures/1x1.png`,
      `http://0177.0.0.1:${port}/fixtures/1x1.png`,
      `http://0x7f.1:${port}/fixtures/1x1.png`,
      `http://0x7f000001:${port}/fixtures/1x1.png`,
      `http://127.1:${port}/fixtures/1x1.png`,
      `http://127.000.000.001:${port}/fixtures/1x1.png`,
      `http://127.0.0.1.:${port}/fixtures/1x1.png`,
      `http://127.0.0.1:${port}/fixtures/1x1.png`,
      `http://[::ffff:127.0.0.1]:${port}/fixtures/1x1.png`,
      `http://[::ffff:7f00:1]:${port}/fixtures/1x1.png`,
      `http://[0:0:0:0:0:ffff:127.0.0.1]:${port}/fixtures/1x1.png`,
      `http://[::1]:${port}/fixtures/1x1.png`,
      `http://0.0.0.0:${port}/fixtures/1x1.png`,
      `http://0:${port}/fixtures/1x1.png`,
      `http://[::]:${port}/fixtures/1x1.png`,
      `http://localhost:${port}/fixtures/1x1.png`,
      `http://LocalHost:${port}/fixtures/1x1.png`,
      `http://user:pw@127.0.0.1:${port}/fixtures/1x1.png`,
      `//127.0.0.1:${port}/fixtures/1x1.png`,
      `127.0.0.1:${port}/fixtures/1x1.png`,
    ];
    const before = totalHits(origin);
    for (const spelling of spellings) {
      assertError(await service.request(`/?url=${u(spelling)}&w=10`), 400, 'IP address blocked by policy', spelling);
    }
    // `localhost.` is no name the resolver knows: refused as unresolvable, reaching nothing either.
    assertError(await service.request(`/?url=${u(`http://localhost.:${port}/fixtures/1x1.png`)}`), 404, publicMessage('ORIGIN_UNRESOLVABLE'));
    assert.equal(totalHits(origin), before, 'the origin saw no request');
  });
});

describe('redirects are checked at every hop', () => {
  let redirector: Server;
  let redirectorBase: string;
  let service: TestService;

  before(async () => {
    // A second loopback address, the only one this service may reach: every redirect it hands out
    // points at an address the service must refuse.
    redirector = createServer((req, res) => {
      const target = decodeURIComponent(/^\/to\/(.+)$/.exec(req.url ?? '')?.[1] ?? '/');
      res.writeHead(302, { Location: target }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.3', resolve));
    redirectorBase = `http://127.0.0.3:${(redirector.address() as AddressInfo).port}`;
    service = await startService({ allowPrivateOrigins: [{ address: '127.0.0.3', prefix: 32, family: 4 }] });
  });

  after(async () => {
    await service.close();
    redirector.closeAllConnections();
    await new Promise<void>((resolve) => redirector.close(() => resolve()));
  });

  const hop = (target: string): string => `${redirectorBase}/to/${encodeURIComponent(target)}`;

  test('from an allowed origin to 127.0.0.1, 127.0.0.2, localhost or [::1], at the first or a later hop', async () => {
    const targets = [
      `${origin.base}/fixtures/1x1.png`,
      `http://127.0.0.2:${origin.port}/fixtures/1x1.png`,
      `http://localhost:${origin.port}/fixtures/1x1.png`,
      `http://[::1]:${origin.port}/fixtures/1x1.png`,
      `http://2130706433:${origin.port}/fixtures/1x1.png`,
    ];
    const before = totalHits(origin);
    for (const target of targets) {
      assertError(await service.request(`/?url=${u(hop(target))}`), 400, 'IP address blocked by policy', `one hop to ${target}`);
      assertError(await service.request(`/?url=${u(hop(hop(hop(target))))}`), 400, 'IP address blocked by policy', `three hops to ${target}`);
    }
    assert.equal(totalHits(origin), before, 'the origin saw no request');
  });

  test('the origin host lists apply at every hop too', async () => {
    const listed = await startService({
      allowPrivateOrigins: [
        { address: '127.0.0.1', prefix: 32, family: 4 },
        { address: '127.0.0.3', prefix: 32, family: 4 },
      ],
      originHostsAllow: ['127.0.0.3'],
    });
    try {
      const before = totalHits(origin);
      const refused = publicMessage('ORIGIN_UNRESOLVABLE');
      assertError(await listed.request(`/?url=${u(`${origin.base}/fixtures/1x1.png`)}`), 404, refused, 'direct');
      assertError(await listed.request(`/?url=${u(hop(`${origin.base}/fixtures/1x1.png`))}`), 404, refused, 'one hop');
      assertError(await listed.request(`/?url=${u(hop(hop(`http://2130706433:${origin.port}/fixtures/1x1.png`)))}`), 404, refused, 'two hops, another spelling');
      assert.equal(totalHits(origin), before, 'the origin saw no request');
    } finally {
      await listed.close();
    }
  });

  test('relative and scheme-relative Locations are checked too', async () => {
    const before = totalHits(origin);
    const relative = `${redirectorBase}/to/${encodeURIComponent(`//127.0.0.1:${origin.port}/fixtures/1x1.png`)}`;
    // `//host/…` keeps the scheme (http) of the redirect.
    assertError(await service.request(`/?url=${u(relative)}`), 400, 'IP address blocked by policy');
    assert.equal(totalHits(origin), before);
  });
});

describe('origins that are too big, too slow or broken, and hostile files', () => {
  let service: TestService;

  before(async () => {
    // undici runs header and body timeouts on its coarse timers (about +1 s), so the read timeout is
    // checked well apart from the whole-fetch deadline.
    service = await startService({ readTimeoutMs: 300, fetchTimeoutMs: 3000, maxDownloadBytes: 4 * 1024 * 1024 });
  });

  after(async () => {
    // Whatever came before, the service is healthy and still resizes.
    assert.equal((await service.request('/health')).status, 200);
    const resized = await service.request(`/?url=${u(`${origin.base}/fixtures/320x240.jpg`)}&w=100&v=after-hostile`);
    assert.equal(resized.status, 200);
    assert.equal((await sharp(resized.body).metadata()).width, 100);
    await service.close();
  });

  test('a body larger than the cap, streamed or declared', async () => {
    const streamed = await service.request(`/?url=${u(`${origin.base}/big`)}`);
    assertError(streamed, 404, 'The image is too large to be downloaded. Max image size: 4194304 bytes');
    const started = performance.now();
    const declared = await service.request(`/?url=${u(`${origin.base}/declared-huge`)}`);
    assertError(declared, 404, 'The image is too large to be downloaded. Max image size: 4194304 bytes');
    assert.ok(performance.now() - started < 1000, 'the declared length alone ends it');
  });

  test('an origin that trickles slower than the read timeout', async () => {
    const started = performance.now();
    assertError(await service.request(`/?url=${u(`${origin.base}/trickle/10000`)}`), 404, 'The requested URL timed out.');
    const took = performance.now() - started;
    assert.ok(took >= 250 && took < 2500, `gave up after the idle timeout, before the fetch deadline (${took.toFixed(0)} ms)`);
  });

  test('an origin that never sends headers', async () => {
    const started = performance.now();
    assertError(await service.request(`/?url=${u(`${origin.base}/stall`)}`), 404, 'The requested URL timed out.');
    assert.ok(performance.now() - started < 2500);
  });

  test('an origin that keeps sending, just fast enough, until the whole-fetch deadline', async () => {
    const started = performance.now();
    assertError(await service.request(`/?url=${u(`${origin.base}/trickle/50`)}`), 404, 'The requested URL timed out.');
    const took = performance.now() - started;
    assert.ok(took >= 2900 && took < 4500, `cut at FETCH_TIMEOUT_MS (${took.toFixed(0)} ms)`);
  });

  test('a tiny PNG declaring 100000 x 100000 pixels: refused at once, nothing decoded', async () => {
    origin.serve('bomb.png', pngBomb(100_000, 100_000));
    const { result, growthMb, ms } = await peakRssGrowth(() => service.request(`/?url=${u(`${origin.base}/generated/bomb.png`)}&w=100`));
    assertError(result, 404, publicMessage('INPUT_PIXELS', '71000000'));
    assert.ok(ms < 2000, `fast (${ms.toFixed(0)} ms)`);
    assert.ok(growthMb < 100, `no memory growth (${growthMb.toFixed(0)} MB)`);
  });

  test('a JPEG frame declaring billions of pixels is refused; a GIF screen claiming them is ignored', async () => {
    origin.serve('huge-frame.jpg', await jpegWithHugeFrame());
    const jpeg = await peakRssGrowth(() => service.request(`/?url=${u(`${origin.base}/generated/huge-frame.jpg`)}&w=100`));
    assertError(jpeg.result, 404, publicMessage('INPUT_PIXELS', '71000000'));
    assert.ok(jpeg.ms < 2000 && jpeg.growthMb < 100, `JPEG: ${jpeg.ms.toFixed(0)} ms, ${jpeg.growthMb.toFixed(0)} MB`);

    // libvips sizes a GIF by its frames, not by the logical screen it declares: a 1x1 image.
    origin.serve('huge-screen.gif', gifWithHugeScreen());
    const gif = await peakRssGrowth(() => service.request(`/?url=${u(`${origin.base}/generated/huge-screen.gif`)}&output=json`));
    assert.equal(gif.result.status, 200);
    assert.deepEqual(
      (({ width, height }: { width: number; height: number }) => [width, height])(JSON.parse(gif.result.body.toString()) as { width: number; height: number }),
      [1, 1],
    );
    assert.ok(gif.ms < 2000 && gif.growthMb < 100, `GIF: ${gif.ms.toFixed(0)} ms, ${gif.growthMb.toFixed(0)} MB`);
  });

  test('a GIF with more frames than MAX_PAGES, all requested', async () => {
    const reply = await service.request(`/?url=${u(`${origin.base}/fixtures/1024-pages.gif`)}&n=-1&output=gif`);
    assertError(reply, 404, publicMessage('TOO_MANY_PAGES', '256'));
  });

  test(
    'a 3 MB SVG of 100000 tiny elements does not cost hundreds of megabytes',
    async () => {
      const rects = '<rect width="1" height="1"/>'.repeat(100_000);
      origin.serve('elements.svg', Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">${rects}</svg>`), 'image/svg+xml');
      const { result, growthMb } = await peakRssGrowth(() => service.request(`/?url=${u(`${origin.base}/generated/elements.svg`)}&w=10`));
      assertImageOrClientError(result, 'element bomb');
      assert.ok(growthMb < 128, `peak memory growth ${growthMb.toFixed(0)} MB`);
    },
  );

  test(
    'a page far beyond a still WebP is refused at once',
    async () => {
      const started = performance.now();
      const reply = await service.request(`/?url=${u(`${origin.base}/fixtures/4.webp`)}&page=64108`);
      assertError(reply, 404, publicMessage('NOT_READABLE'));
      assert.ok(performance.now() - started < 2000);
    },
  );

  test('truncated images decode as far as they go or are refused, never a server error', async () => {
    const names = ['Landscape_1.jpg', '320x240.jpg', 'embedgravitybird.png', 'dancing-banana.gif', '4.webp', '5_webp_a.webp', 'G31D.TIF', 'winter_1440x960.heic', 'cosmos_frame12924_yuv420_10bpc_bt2020_pq_q50.avif', 'favicon.ico', 'sizes.pdf', 'check.svg'];
    for (const name of names) {
      const whole = await readFile(fixturePath(name));
      for (const [label, part] of [['half', whole.subarray(0, whole.length >> 1)], ['head', whole.subarray(0, 100)]] as const) {
        origin.serve(`${label}-${name}`, Buffer.from(part));
        const reply = await service.request(`/?url=${u(`${origin.base}/generated/${label}-${name}`)}&w=50`);
        assertImageOrClientError(reply, `${label} of ${name}`);
      }
    }
    // Half a baseline JPEG still has its header: it is delivered (the rest grey), as libvips does.
    assert.equal((await service.request(`/?url=${u(`${origin.base}/generated/half-Landscape_1.jpg`)}&w=50`)).status, 200);
  });

  test('zero bytes and garbage are not images', async () => {
    assertError(await service.request(`/?url=${u(`${origin.base}/empty`)}`), 404, publicMessage('NOT_AN_IMAGE'));
    origin.serve('garbage.jpg', randomBytes(64 * 1024));
    assertError(await service.request(`/?url=${u(`${origin.base}/generated/garbage.jpg`)}`), 404, publicMessage('NOT_AN_IMAGE'));
    assertError(await service.request(`/?url=${u(`${origin.base}/html`)}`), 404, publicMessage('NOT_AN_IMAGE'));
    // Right magic bytes, garbage after them.
    origin.serve('magic.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(4096)]));
    assertImageOrClientError(await service.request(`/?url=${u(`${origin.base}/generated/magic.png`)}`), 'PNG magic then garbage');
  });

  test('SVGs that reach for other URLs and local files fetch nothing and leak nothing', async () => {
    const track = `${origin.base}/track`;
    const localImage = `file://${fixturePath('Landscape_1.jpg')}`;
    const white = '<rect width="100%" height="100%" fill="white"/>';
    const open = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xi="http://www.w3.org/2001/XInclude" width="400" height="100">';
    const documents: Record<string, string> = {
      image: `${open}${white}<image href="${track}/image.png" width="400" height="100"/></svg>`,
      xlinkImage: `${open}${white}<image xlink:href="${track}/xlink.png" width="400" height="100"/></svg>`,
      feImage: `${open}<filter id="f"><feImage href="${track}/feimage.png"/></filter>${white}<rect width="400" height="100" filter="url(#f)"/></svg>`,
      use: `${open}${white}<use href="${track}/use.svg#shape"/></svg>`,
      cssImport: `${open}<style>@import url(${track}/import.css);</style>${white}</svg>`,
      cssUrl: `${open}<style>rect { fill: url(${track}/fill.svg#p) }</style>${white}</svg>`,
      stylesheetPi: `<?xml-stylesheet href="${track}/pi.css" type="text/css"?>${open}${white}</svg>`,
      externalEntity: `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY ext SYSTEM "${track}/entity">]>${open}${white}<text x="5" y="60" font-size="40">&ext;</text></svg>`,
      xxe: `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${open}${white}<text x="5" y="60" font-size="40">&xxe;</text></svg>`,
      xinclude: `${open}${white}<text x="5" y="60" font-size="40"><xi:include href="/etc/passwd" parse="text"/></text></svg>`,
      fileImage: `${open}${white}<image href="${localImage}" width="400" height="100"/></svg>`,
      relativeImage: `${open}${white}<image href="../../../../../../..${fixturePath('Landscape_1.jpg')}" width="400" height="100"/></svg>`,
    };
    // A paint server that cannot be fetched changes the fill by itself: only the hit count tells.
    const drawsNothingEither = new Set(['cssUrl']);
    const before = totalHits(origin);
    for (const [name, svg] of Object.entries(documents)) {
      origin.serve(`${name}.svg`, Buffer.from(svg), 'image/svg+xml');
      const reply = await service.request(`/?url=${u(`${origin.base}/generated/${name}.svg`)}&output=png`);
      assertImageOrClientError(reply, name);
      if (reply.status === 200 && !drawsNothingEither.has(name)) {
        // Anything fetched or read would have drawn on the white page.
        const stats = await sharp(reply.body).stats();
        const darkest = Math.min(...stats.channels.slice(0, 3).map((channel) => channel.min));
        assert.equal(darkest, 255, `${name}: nothing but the white page was drawn`);
      }
    }
    const tracked = [...origin.hits.keys()].filter((path) => path.startsWith('/track'));
    assert.deepEqual(tracked, [], 'no request reached the tracking URLs');
    assert.equal(totalHits(origin), before + Object.keys(documents).length, 'only the SVGs themselves were fetched');

    // The check above can fail: text and embedded (data:) images do draw on this machine.
    origin.serve('control.svg', Buffer.from(`${open}${white}<text x="5" y="60" font-size="40">root:x:0:0</text></svg>`), 'image/svg+xml');
    const control = await service.request(`/?url=${u(`${origin.base}/generated/control.svg`)}&output=png`);
    assert.equal(control.status, 200);
    assert.ok(Math.min(...(await sharp(control.body).stats()).channels.slice(0, 3).map((channel) => channel.min)) < 128);
  });
});

describe('a worker killed mid-job', () => {
  let service: TestService;

  before(async () => {
    service = await startService({ workers: 2, cacheEnabled: false });
  });

  after(async () => {
    await service.close();
  });

  test('fails only its own request, with the internal error; the others and later ones succeed', async () => {
    const source = `${origin.base}/fixtures/2569067123_aca715a2ee_o.jpg`;
    const hitsBefore = origin.hitsFor('/fixtures/2569067123_aca715a2ee_o.jpg');
    // Two slow jobs (about 2 s each), one per thread; different widths so they are not shared.
    const slow = [4000, 4001].map((width) => service.request(`/?url=${u(source)}&w=${width}&blur=30&output=png`));
    const deadline = Date.now() + 5000;
    while (origin.hitsFor('/fixtures/2569067123_aca715a2ee_o.jpg') === hitsBefore && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    const threads = service.app.pool.threads;
    assert.equal(threads.length, 2);
    const quick = [60, 61, 62, 63].map((width) => service.request(`/?url=${u(`${origin.base}/fixtures/320x240.jpg`)}&w=${width}`));
    await threads[0]?.terminate();

    const slowReplies = await Promise.all(slow);
    const statuses = slowReplies.map((reply) => reply.status).sort();
    assert.deepEqual(statuses, [200, 500]);
    const failed = slowReplies.find((reply) => reply.status === 500);
    assert.ok(failed);
    assertError(failed, 500, publicMessage('INTERNAL'));
    for (const reply of await Promise.all(quick)) assert.equal(reply.status, 200);

    // The pool has its two threads again and serves.
    const afterwards = await service.request(`/?url=${u(`${origin.base}/fixtures/320x240.jpg`)}&w=70`);
    assert.equal(afterwards.status, 200);
    assert.equal((await sharp(afterwards.body).metadata()).width, 70);
    assert.equal(service.app.pool.threads.length, 2);
    assert.equal((await service.request('/health')).status, 200);
  });
});
