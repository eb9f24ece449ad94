import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from '../src/metrics.js';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
// Values as Prometheus reads them (Go's ParseFloat): NaN and Inf in any case; prom-client writes
// `Nan` for an event-loop lag with no samples yet.
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?,?\\})? (-?[0-9.e+-]+|[Nn][Aa][Nn]|[+-][Ii]nf)(?: -?[0-9]+)?$`);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * A strict reader of the Prometheus text format (0.0.4): every line must be a HELP, a TYPE or a
 * sample of a declared family, or the test fails.
 */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue; // the format ignores empty lines; prom-client puts one between families
    if (line.startsWith('# HELP ')) {
      assert.match(line, new RegExp(`^# HELP ${NAME} .+$`));
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [, , name = '', type = ''] = line.split(' ');
      assert.ok(TYPES.has(type), `type of ${name}: ${type}`);
      assert.ok(!types.has(name), `${name} declared once`);
      types.set(name, type);
      continue;
    }
    const match = SAMPLE.exec(line);
    assert.ok(match, `a sample line: ${JSON.stringify(line)}`);
    const [, name = '', labelText = '', valueText = ''] = match;
    assert.ok(types.has(name) || types.has(name.replace(/_(bucket|sum|count)$/, '')), `${name} belongs to a declared family`);
    const labels: Record<string, string> = {};
    for (const pair of labelText.matchAll(new RegExp(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`, 'g'))) {
      labels[pair[1] ?? ''] = pair[2] ?? '';
    }
    samples.push({ name, labels, value: Number(valueText) });
  }
  return { types, samples };
}

function valueOf(exposition: Exposition, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const wanted = Object.entries(labels);
  const found = exposition.samples.filter(
    (sample) => sample.name === name && Object.keys(sample.labels).length === wanted.length && wanted.every(([key, value]) => sample.labels[key] === value),
  );
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} is one series`);
  return found[0]?.value;
}

async function scrape(metrics: Metrics): Promise<Exposition> {
  return parseExposition(await metrics.render());
}

describe('metrics', () => {
  test('every pixproxy family is declared with its type, and the text parses', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const exposition = await scrape(metrics);
    assert.deepEqual(
      [...exposition.types].sort(),
      [
        ['pixproxy_cache_requests_total', 'counter'],
        ['pixproxy_cdn_purge_requests_total', 'counter'],
        ['pixproxy_http_requests_total', 'counter'],
        ['pixproxy_http_response_bytes_total', 'counter'],
        ['pixproxy_origin_fetch_seconds', 'histogram'],
        ['pixproxy_processing_seconds', 'histogram'],
        ['pixproxy_ratelimit_blocks_total', 'counter'],
        ['pixproxy_worker_queue_depth', 'gauge'],
      ],
    );
    assert.equal(metrics.contentType, 'text/plain; version=0.0.4; charset=utf-8');
  });

  test('requests are counted by route and status, and bytes add up', async () => {
    const metrics = new Metrics({ processMetrics: false });
    metrics.request('image', 200, 1000);
    metrics.request('image', 200, 500);
    metrics.request('image', 404, 120);
    metrics.request('health', 200, 30);
    const exposition = await scrape(metrics);
    assert.equal(valueOf(exposition, 'pixproxy_http_requests_total', { route: 'image', status: '200' }), 2);
    assert.equal(valueOf(exposition, 'pixproxy_http_requests_total', { route: 'image', status: '404' }), 1);
    assert.equal(valueOf(exposition, 'pixproxy_http_requests_total', { route: 'health', status: '200' }), 1);
    assert.equal(valueOf(exposition, 'pixproxy_http_requests_total', { route: 'health', status: '404' }), undefined);
    assert.equal(valueOf(exposition, 'pixproxy_http_response_bytes_total'), 1650);
  });

  test('counters keep growing across scrapes (values are not reset by reading them)', async () => {
    const metrics = new Metrics({ processMetrics: false });
    metrics.request('image', 200, 10);
    metrics.cacheResult('hit', 'memory');
    await scrape(metrics);
    metrics.request('image', 200, 10);
    metrics.cacheResult('hit', 'memory');
    const exposition = await scrape(metrics);
    assert.equal(valueOf(exposition, 'pixproxy_http_requests_total', { route: 'image', status: '200' }), 2);
    assert.equal(valueOf(exposition, 'pixproxy_http_response_bytes_total'), 20);
    assert.equal(valueOf(exposition, 'pixproxy_cache_requests_total', { result: 'hit', tier: 'memory' }), 2);
  });

  test('cache results by tier; the expected series exist at zero before any traffic', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const before = await scrape(metrics);
    assert.equal(valueOf(before, 'pixproxy_cache_requests_total', { result: 'hit', tier: 'memory' }), 0);
    assert.equal(valueOf(before, 'pixproxy_cache_requests_total', { result: 'hit', tier: 'disk' }), 0);
    assert.equal(valueOf(before, 'pixproxy_cache_requests_total', { result: 'miss', tier: 'none' }), 0);
    assert.equal(valueOf(before, 'pixproxy_cache_requests_total', { result: 'miss', tier: 'memory' }), undefined);

    metrics.cacheResult('hit', 'memory');
    metrics.cacheResult('hit', 'disk');
    metrics.cacheResult('hit', 'disk');
    metrics.cacheResult('miss', 'none');
    metrics.cacheResult('miss', 'none');
    metrics.cacheResult('miss', 'none');
    const after = await scrape(metrics);
    assert.equal(valueOf(after, 'pixproxy_cache_requests_total', { result: 'hit', tier: 'memory' }), 1);
    assert.equal(valueOf(after, 'pixproxy_cache_requests_total', { result: 'hit', tier: 'disk' }), 2);
    assert.equal(valueOf(after, 'pixproxy_cache_requests_total', { result: 'miss', tier: 'none' }), 3);
  });

  test('histograms put observations in their buckets', async () => {
    const metrics = new Metrics({ processMetrics: false });
    metrics.observeProcessing(0.004);
    metrics.observeProcessing(0.3);
    metrics.observeOriginFetch(0.02);
    const exposition = await scrape(metrics);
    assert.equal(valueOf(exposition, 'pixproxy_processing_seconds_count'), 2);
    assert.equal(valueOf(exposition, 'pixproxy_processing_seconds_sum'), 0.304);
    assert.equal(valueOf(exposition, 'pixproxy_processing_seconds_bucket', { le: '0.005' }), 1);
    assert.equal(valueOf(exposition, 'pixproxy_processing_seconds_bucket', { le: '0.25' }), 1);
    assert.equal(valueOf(exposition, 'pixproxy_processing_seconds_bucket', { le: '0.5' }), 2);
    assert.equal(valueOf(exposition, 'pixproxy_processing_seconds_bucket', { le: '+Inf' }), 2);
    assert.equal(valueOf(exposition, 'pixproxy_origin_fetch_seconds_count'), 1);
    assert.equal(valueOf(exposition, 'pixproxy_origin_fetch_seconds_bucket', { le: '0.01' }), 0);
    assert.equal(valueOf(exposition, 'pixproxy_origin_fetch_seconds_bucket', { le: '0.025' }), 1);
  });

  test('the queue depth is read from the callback at each scrape; rate-limit blocks count', async () => {
    let depth = 3;
    const metrics = new Metrics({ processMetrics: false, queueDepth: () => depth });
    assert.equal(valueOf(await scrape(metrics), 'pixproxy_worker_queue_depth'), 3);
    depth = 7;
    metrics.rateLimitBlocked();
    metrics.rateLimitBlocked();
    const exposition = await scrape(metrics);
    assert.equal(valueOf(exposition, 'pixproxy_worker_queue_depth'), 7);
    assert.equal(valueOf(exposition, 'pixproxy_ratelimit_blocks_total'), 2);
  });

  test('process metrics are included by default, and two instances never share values', async () => {
    const first = new Metrics();
    const second = new Metrics();
    first.request('image', 200, 1);
    const one = await scrape(first);
    const two = await scrape(second);
    assert.equal(one.types.get('process_cpu_user_seconds_total'), 'counter');
    assert.equal(one.types.get('nodejs_heap_size_used_bytes'), 'gauge');
    assert.ok(valueOf(one, 'process_resident_memory_bytes') !== undefined || process.platform !== 'linux');
    assert.equal(valueOf(one, 'pixproxy_http_requests_total', { route: 'image', status: '200' }), 1);
    assert.equal(valueOf(two, 'pixproxy_http_requests_total', { route: 'image', status: '200' }), undefined);
  });

  test('label values with quotes and backslashes are escaped in the text', async () => {
    const metrics = new Metrics({ processMetrics: false });
    metrics.request('we"ird\\route', 500, 0);
    const exposition = await scrape(metrics);
    assert.equal(valueOf(exposition, 'pixproxy_http_requests_total', { route: 'we\\"ird\\\\route', status: '500' }), 1);
  });
});
