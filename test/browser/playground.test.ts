/**
 * The playground and the reference in a real headless Chromium, against the real service: a local
 * harness serves the static site for requests without `url=` and passes the others to an in-process
 * pixproxy, the way the HTTP layer routes them. Only loopback traffic: the origin, the service and
 * the harness all listen on 127.0.0.1, and the browser resolves no other host.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createStaticSite, type StaticSite } from '../../src/playground/index.js';
import { startOrigin, type OriginServer } from '../helpers/origin-server.js';
import { fixturePath } from '../helpers/paths.js';
import { startService, type TestService } from '../helpers/service.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : 'chromium not installed: skipping browser tests';
const VIEWPORT = { width: 1280, height: 900 };
const WAIT = { timeout: 20_000 };

/** The routing rule of the HTTP layer: a query with a `url=` pair is the image API, anything else the site. */
function hasUrlPair(query: string): boolean {
  return /(?:^|&)url=/i.test(query);
}

async function proxy(req: IncomingMessage, res: ServerResponse, service: TestService): Promise<void> {
  const upstream = await fetch(service.base + (req.url ?? '/'), {
    method: req.method ?? 'GET',
    headers: { accept: req.headers.accept ?? '*/*' },
    redirect: 'manual',
  });
  const body = Buffer.from(await upstream.arrayBuffer());
  const headers: Record<string, string> = {};
  upstream.headers.forEach((value, name) => {
    if (name !== 'content-encoding' && name !== 'transfer-encoding' && name !== 'connection') headers[name] = value;
  });
  headers['content-length'] = String(req.method === 'HEAD' ? Number(upstream.headers.get('content-length') ?? 0) : body.length);
  res.writeHead(upstream.status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function startHarness(site: StaticSite, service: TestService): Promise<{ base: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const [path = '/', query = ''] = (req.url ?? '/').split(/\?(.*)/s);
    if (hasUrlPair(query)) {
      proxy(req, res, service).catch(() => res.destroy());
      return;
    }
    const asset = site.get(path);
    if (!asset) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': asset.contentType, 'cache-control': asset.cacheControl, 'content-length': asset.body.length });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(data: Buffer): { width: number; height: number } {
  assert.deepEqual([...data.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(data.toString('latin1', 12, 16), 'IHDR');
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
}

function bytesShown(text: string): number {
  const match = /^([\d,]+) bytes?/.exec(text);
  assert.ok(match, `no byte count in ${JSON.stringify(text)}`);
  return Number((match[1] ?? '').replace(/,/g, ''));
}

/**
 * Checks run in the page through `page.evaluate` (CDP calls, which the page's CSP does not block,
 * unlike `waitForFunction`'s eval). The project compiles without the DOM library, so the little of
 * the DOM they touch is typed here.
 */
interface ProbeImage {
  readonly complete: boolean;
  readonly naturalWidth: number;
  readonly naturalHeight: number;
}
interface ProbeDocument {
  querySelector(selector: string): ProbeImage | null;
}

/** Polls until `probe` gives a value `done` accepts (or fails after WAIT). */
async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + WAIT.timeout;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await delay(100);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function waitForText(page: Page, id: string, expected: string | RegExp): Promise<void> {
  const pattern = typeof expected === 'string' ? new RegExp(`^${escapeRegExp(expected)}$`) : expected;
  await page.locator(`#${id}`, { hasText: pattern }).waitFor(WAIT);
}

/** naturalWidth and naturalHeight of an <img>, once it has loaded something. */
async function loadedSize(page: Page, selector: string): Promise<readonly number[]> {
  return until(`${selector} to load`, () =>
    page.evaluate((target) => {
      const img = (globalThis as unknown as { document: ProbeDocument }).document.querySelector(target);
      return img !== null && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : [];
    }, selector), (size) => size.length === 2);
}

describe('playground in a browser', { skip }, () => {
  let origin: OriginServer;
  let service: TestService;
  let harness: { base: string; close(): Promise<void> };
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    origin = await startOrigin();
    service = await startService();
    const site = createStaticSite({ sampleUrl: `${origin.base}/fixtures/Landscape_1.jpg` });
    harness = await startHarness(site, service);
    profile = await mkdtemp(join(tmpdir(), 'pixproxy-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: VIEWPORT,
      deviceScaleFactor: 1,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // Belt and braces: no host name resolves, so nothing can leave loopback.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
  });

  after(async () => {
    await context?.close();
    await harness?.close();
    await service?.close();
    await origin?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  test('resizes a fixture live, shows its size, switches format, and lays out in the viewport', { timeout: 120_000 }, async () => {
    await page.goto(`${harness.base}/`);
    // The sample loads first, as the original.
    await waitForText(page, 'original-info', /^600 × 400 px/);

    const fixture = `${origin.base}/fixtures/320x240.jpg`;
    await page.fill('#source', fixture);
    await page.fill('#p-w', '100');
    await waitForText(page, 'result-dimensions', '100 × 75 px');
    assert.deepEqual(await loadedSize(page, '#result'), [100, 75]);

    // The shown URL is the API call, and the shown byte count is what that URL returns.
    const url = await page.inputValue('#result-url');
    assert.equal(url, `${harness.base}/?url=${fixture}&w=100`);
    const response = await fetch(url);
    const body = Buffer.from(await response.arrayBuffer());
    assert.equal(response.status, 200);
    assert.equal(bytesShown(await page.textContent('#result-bytes') ?? ''), body.length);
    assert.equal(await page.textContent('#result-type'), '· image/jpeg');

    // The original: its natural size and the bytes the origin sent.
    const fixtureBytes = (await stat(fixturePath('320x240.jpg'))).size;
    await waitForText(page, 'original-info', /^320 × 240 px/);
    const originalInfo = await page.textContent('#original-info') ?? '';
    assert.equal(bytesShown(originalInfo.split(' · ')[1] ?? ''), fixtureBytes);

    // The snippet is ready to paste.
    assert.equal(await page.inputValue('#snippet'), `<img src="${url.replace(/&/g, '&amp;')}" width="100" height="75" alt="Describe the image" loading="lazy" decoding="async">`);

    await page.selectOption('#p-output', 'webp');
    await waitForText(page, 'result-type', '· image/webp');
    const webpUrl = await page.inputValue('#result-url');
    assert.ok(webpUrl.includes('output=webp'), webpUrl);
    assert.equal(webpUrl, `${harness.base}/?url=${fixture}&w=100&output=webp`);
    assert.equal(await page.textContent('#result-dimensions'), '100 × 75 px');

    // Keyboard: a checkbox toggled with the space bar takes part like any other control.
    await page.focus('#p-flip');
    await page.keyboard.press('Space');
    await until('the flip in the URL', () => page.inputValue('#result-url'), (value) => value.endsWith('&flip&output=webp'));

    // The page's own URL keeps the state.
    assert.equal(new URL(page.url()).hash, `#url=${fixture}&w=100&flip&output=webp`);

    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    const screenshotPath = join(tmpdir(), 'pixproxy-playground.png');
    await page.locator('#result-figure[aria-busy="false"]').waitFor(WAIT);
    await page.screenshot({ path: screenshotPath });
    assert.deepEqual(pngSize(await readFile(screenshotPath)), VIEWPORT);
    assert.deepEqual(problems, []);
  });

  test('shows API errors in the alert region', { timeout: 60_000 }, async () => {
    await page.fill('#source', `${origin.base}/status/404`);
    await page.locator('#error').waitFor({ state: 'visible', ...WAIT });
    assert.equal(await page.textContent('#error'), 'Error 404: The requested URL returned error: 404');
    assert.equal(await page.getAttribute('#error', 'role'), 'alert');
    assert.equal(await page.isVisible('#result'), false);
    assert.equal(await page.textContent('#result-dimensions'), 'no result');
  });

  test('a shared playground link restores the form', { timeout: 60_000 }, async () => {
    const fixture = `${origin.base}/fixtures/320x240.jpg`;
    await page.goto(`${harness.base}/#url=${fixture}&w=160&fit=cover&h=160&bg=%23ff0000&mask=circle`);
    await waitForText(page, 'result-dimensions', '160 × 160 px');
    assert.equal(await page.inputValue('#source'), fixture);
    assert.equal(await page.inputValue('#p-w'), '160');
    assert.equal(await page.inputValue('#p-fit'), 'cover');
    assert.equal(await page.inputValue('#p-bg'), '#ff0000');
    assert.equal(await page.inputValue('#pick-bg'), '#ff0000');
    // mask lives in the collapsed group, which opens to show it.
    assert.equal(await page.inputValue('#p-mask'), 'circle');
    assert.equal(await page.isVisible('#p-mask'), true);
  });

  test('a click on the original sets the focal point', { timeout: 60_000 }, async () => {
    const fixture = `${origin.base}/fixtures/320x240.jpg`;
    await page.goto(`${harness.base}/#url=${fixture}&w=100&h=100&fit=cover`);
    await waitForText(page, 'result-dimensions', '100 × 100 px');
    await waitForText(page, 'original-info', /^320 × 240 px/);
    const box = await page.locator('#original').boundingBox();
    assert.ok(box);
    await page.click('#original', { position: { x: box.width * 0.25, y: box.height * 0.75 } });
    await until('the focal point in the URL', () => page.inputValue('#result-url'), (value) => value.endsWith('&fit=cover&a=focal&fpx=0.25&fpy=0.75'));
    assert.equal(await page.inputValue('#p-fpx'), '0.25');
    assert.equal(await page.textContent('#o-fpy'), '0.75');
    assert.equal(await page.isVisible('#focal-marker'), true);
    await waitForText(page, 'status', /^Result updated: 100 × 100 px/);
  });

  test('the reference page loads its example images', { timeout: 60_000 }, async () => {
    const problemsBefore = problems.length;
    await page.goto(`${harness.base}/reference`);
    const example = page.locator('#param-w img');
    await example.scrollIntoViewIfNeeded();
    const [exampleWidth] = await loadedSize(page, '#param-w img');
    assert.equal(exampleWidth, 200);
    const mask = page.locator('#param-mask img');
    await mask.scrollIntoViewIfNeeded();
    const [maskWidth] = await loadedSize(page, '#param-mask img');
    assert.equal(maskWidth, 300);
    await page.screenshot({ path: join(tmpdir(), 'pixproxy-reference.png') });
    assert.deepEqual(problems.slice(problemsBefore), []);
  });
});
