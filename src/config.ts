/**
 * Configuration: one table of settings, read once at start from an optional file and the environment
 * (defaults < file < environment), validated, frozen. Every problem is reported at once so an
 * operator fixes them in one go. The README's configuration table is the same list;
 * `test/config.test.ts` checks that the two agree. Reading the file is `config-file.ts`'s job.
 */
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 4 | 6;
}

export interface Config {
  /** The settings file that was read, if any (its values are merged below the environment). */
  readonly configFile: string | undefined;
  readonly port: number;
  readonly host: string;
  readonly cacheDir: string;
  readonly cacheEnabled: boolean;
  readonly workers: number;
  /** `true` allows every address; otherwise only the listed ranges are exempt from the deny list. */
  readonly allowPrivateOrigins: true | readonly Cidr[];
  readonly maxDownloadBytes: number;
  readonly maxRedirects: number;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly fetchTimeoutMs: number;
  readonly userAgent: string;
  readonly maxInputPixels: number;
  readonly maxOutputPixels: number;
  readonly maxPages: number;
  readonly processTimeoutS: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly uwsAllowJsFallback: boolean;
  readonly cacheTtlS: number;
  readonly cacheMaxBytes: number;
  readonly cacheMemoryBytes: number;
  readonly purgeToken: string | undefined;
  readonly maxQueue: number;
  readonly fetchConcurrency: number;
  readonly sharpConcurrency: number | undefined;
  readonly workerNice: number;
  readonly originHostsAllow: readonly string[];
  readonly originHostsDeny: readonly string[];
  readonly rateLimitMax: number;
  readonly rateLimitWindowS: number;
  readonly rateLimitBanS: number;
  readonly trustProxy: 'cf-connecting-ip' | 'x-forwarded-for' | undefined;
  readonly redisUrl: string | undefined;
  readonly signingKey: string | undefined;
  readonly logFile: string | undefined;
  readonly logRetentionDays: number;
  readonly shutdownTimeoutS: number;
  readonly playgroundSampleUrl: string;
  readonly listenReusePort: boolean;
  readonly metricsToken: string | undefined;
  readonly maxUrlBytes: number;
  readonly maxHeaderBytes: number;
  readonly jemalloc: string;
  readonly viaPseudonym: string;
  readonly fetchConcurrencyPerHost: number;
  readonly downloadMemoryBytes: number;
  readonly sMaxAgeS: number | undefined;
  readonly staleWhileRevalidateS: number | undefined;
  readonly staleIfErrorS: number | undefined;
  readonly cacheImmutable: boolean;
  readonly cdnMaxAgeS: number | undefined;
  readonly instanceName: string | undefined;
  readonly adminHost: string;
  readonly adminPort: number | undefined;
  readonly outputAuto: 'vary' | 'redirect';
  readonly publicUrl: string | undefined;
  readonly cloudflareZoneId: string | undefined;
  readonly cloudflareApiToken: string | undefined;
  readonly cloudflareApiBase: string;
  readonly purgeHttpCaches: readonly string[];
  readonly purgeUrlsRemembered: number;
  readonly drainDelayS: number;
  readonly http10Bridge: boolean;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Parser<T> = (raw: string) => T | { problem: string };

/** One row per key, each checked against its own key's type. */
type AnySetting = { [K in keyof Config]: Setting<K> }[keyof Config];

interface Setting<K extends keyof Config> {
  readonly env: string;
  readonly key: K;
  /** The value when neither the environment nor a file sets it. */
  readonly default: Config[K];
  /** The default as the README writes it, where that is not the value itself ('available cores'). */
  readonly defaultText?: string;
  readonly doc: string;
  readonly parse: Parser<Config[K]>;
}

function integer(min: number, max: number): Parser<number> {
  return (raw) => {
    if (!/^\d+$/.test(raw.trim())) return { problem: `must be a whole number from ${min} to ${max}` };
    const value = Number(raw.trim());
    return value >= min && value <= max ? value : { problem: `must be from ${min} to ${max}` };
  };
}

const boolean: Parser<boolean> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  return { problem: 'must be true or false' };
};

function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const family = isIP(address);
  if (rest.length > 0 || (family !== 4 && family !== 6)) return undefined;
  const max = family === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, family };
  if (!/^\d+$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? { address, prefix, family } : undefined;
}

const allowList: Parser<true | readonly Cidr[]> = (raw) => {
  const text = raw.trim();
  if (text === '' || text.toLowerCase() === 'false' || text.toLowerCase() === 'none') return [];
  if (text.toLowerCase() === 'true') return true;
  const ranges: Cidr[] = [];
  for (const part of text.split(',')) {
    const cidr = parseCidr(part);
    if (!cidr) return { problem: `'${part.trim()}' is not an IP address or CIDR range (or use true)` };
    ranges.push(cidr);
  }
  return Object.freeze(ranges);
};

/** Host patterns: exact names, or `*.example.com` for every subdomain (not the apex). */
const hostList: Parser<readonly string[]> = (raw) => {
  const hosts = raw.split(',').map((part) => part.trim().toLowerCase()).filter(Boolean);
  const bad = hosts.find((host) => !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host));
  return bad === undefined ? Object.freeze(hosts) : { problem: `'${bad}' is not a host name or *.domain pattern` };
};

/** RFC 9110 token characters: what a Via pseudonym may be made of. */
const PSEUDONYM = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/** An http(s) URL without query or fragment; returned without a trailing slash. */
function baseUrl(raw: string): string | { problem: string } {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'must be an http:// or https:// URL' };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') return { problem: 'must be an http:// or https:// URL without query' };
  return text.replace(/\/+$/, '');
}

const baseUrlList: Parser<readonly string[]> = (raw) => {
  const urls: string[] = [];
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const parsed = baseUrl(part);
    if (typeof parsed !== 'string') return { problem: `'${part}' ${parsed.problem}` };
    urls.push(parsed);
  }
  return Object.freeze(urls);
};

const outputAutoModes = ['vary', 'redirect'] as const;

const trustProxyHeaders = ['cf-connecting-ip', 'x-forwarded-for'] as const;

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * One image job more than cores: each job hands its work between its worker, a libuv thread and a
 * libvips thread, and waits at every hand-over, so jobs on every core left ~12 % of 2 cores idle
 * during misses (wrk c=8, bench/miss-cpu). A third worker on 2 cores filled most of it: +7-14 %
 * misses/s at 6 MP at the same CPU per miss; a fourth spent more CPU per miss for nothing.
 */
const defaultWorkers = availableParallelism() + 1;

/** Settings in README order. */
export const settings = [
  { env: 'CONFIG_FILE', key: 'configFile', default: undefined, defaultText: 'unset (environment only)', doc: 'JSON or YAML file of settings keyed by these variable names (`pixproxy serve --config` sets it too); the environment overrides it.', parse: (raw) => (raw.trim() ? resolve(raw.trim()) : { problem: 'must not be empty' }) },
  { env: 'PORT', key: 'port', default: 8080, doc: 'TCP port to listen on.', parse: integer(0, 65535) },
  { env: 'HOST', key: 'host', default: '0.0.0.0', doc: 'Address to listen on.', parse: (raw) => (isIP(raw.trim()) || raw.trim() === 'localhost' ? raw.trim() : { problem: 'must be an IP address or localhost' }) },
  { env: 'CACHE_DIR', key: 'cacheDir', default: resolve('cache'), defaultText: './cache', doc: 'Directory of the on-disk cache (cacache).', parse: (raw) => (raw.trim() ? resolve(raw.trim()) : { problem: 'must not be empty' }) },
  { env: 'CACHE_ENABLED', key: 'cacheEnabled', default: true, doc: '`false` serves every request as a miss (for benchmarks).', parse: boolean },
  { env: 'CACHE_TTL_S', key: 'cacheTtlS', default: 31 * 86400, doc: 'Server-side lifetime of a cached variant (31 days), independent of the browser `maxage`.', parse: integer(1, 10 * 365 * 86400) },
  { env: 'CACHE_MAX_BYTES', key: 'cacheMaxBytes', default: 10 * 1024 ** 3, doc: 'Disk cache bound (10 GiB of content); least recently used entries are evicted beyond it.', parse: integer(1, 2 ** 50) },
  { env: 'CACHE_MEMORY_BYTES', key: 'cacheMemoryBytes', default: 128 * 1024 ** 2, doc: 'Hot in-memory tier in front of the disk (128 MiB); 0 disables it.', parse: integer(0, 2 ** 40) },
  { env: 'PURGE_TOKEN', key: 'purgeToken', default: undefined, defaultText: 'unset (purge API disabled)', doc: 'Bearer token for `DELETE /cache` and `DELETE /cache/variant`.', parse: (raw) => (raw.trim().length >= 16 ? raw.trim() : { problem: 'must be at least 16 characters' }) },
  { env: 'WORKERS', key: 'workers', default: defaultWorkers, defaultText: 'available cores + 1', doc: 'Image worker threads in the pool.', parse: integer(1, 256) },
  { env: 'SHARP_CONCURRENCY', key: 'sharpConcurrency', default: undefined, defaultText: 'cores / WORKERS', doc: 'libvips threads per job inside each worker.', parse: integer(1, 64) },
  { env: 'WORKER_NICE', key: 'workerNice', default: 10, doc: 'How many nice steps below the event loop the image threads (workers and libvips) run, so hits get the CPU first when images use every core; 0 keeps them equal (Linux only).', parse: integer(0, 19) },
  { env: 'MAX_QUEUE', key: 'maxQueue', default: 64, doc: 'Image jobs that may wait for a worker (at least 1); beyond it requests get 503 with Retry-After.', parse: integer(1, 100_000) },
  { env: 'FETCH_CONCURRENCY', key: 'fetchConcurrency', default: 32, doc: 'Origin downloads at once (four times as many may wait; beyond that 503).', parse: integer(1, 10_000) },
  { env: 'ALLOW_PRIVATE_ORIGINS', key: 'allowPrivateOrigins', default: [], defaultText: 'none', doc: '`true`, or comma-separated CIDRs exempt from the private/reserved address deny list.', parse: allowList },
  { env: 'MAX_DOWNLOAD_BYTES', key: 'maxDownloadBytes', default: 104_857_600, doc: 'Largest origin body accepted, checked while streaming.', parse: integer(1, 2 ** 40) },
  { env: 'MAX_REDIRECTS', key: 'maxRedirects', default: 10, doc: 'Redirect responses followed before giving up.', parse: integer(0, 50) },
  { env: 'CONNECT_TIMEOUT_MS', key: 'connectTimeoutMs', default: 5000, doc: 'Origin connect timeout.', parse: integer(1, 600_000) },
  { env: 'READ_TIMEOUT_MS', key: 'readTimeoutMs', default: 15_000, doc: 'Origin idle timeout: waiting for headers, and between body chunks.', parse: integer(1, 600_000) },
  { env: 'FETCH_TIMEOUT_MS', key: 'fetchTimeoutMs', default: 20_000, doc: 'Whole origin download, redirects included.', parse: integer(1, 3_600_000) },
  { env: 'ORIGIN_USER_AGENT', key: 'userAgent', default: 'Mozilla/5.0 (compatible; pixproxy/0.1; +https://github.com/pixproxy/pixproxy)', doc: 'User-Agent sent to origins.', parse: (raw) => (raw.trim() ? raw.trim() : { problem: 'must not be empty' }) },
  { env: 'MAX_INPUT_PIXELS', key: 'maxInputPixels', default: 71_000_000, doc: 'Largest input, width x height of all loaded frames.', parse: integer(1, 2 ** 40) },
  { env: 'MAX_OUTPUT_PIXELS', key: 'maxOutputPixels', default: 71_000_000, doc: 'Largest output, checked before resizing.', parse: integer(1, 2 ** 40) },
  { env: 'MAX_PAGES', key: 'maxPages', default: 256, doc: 'Most pages/frames loaded from one input.', parse: integer(1, 100_000) },
  { env: 'PROCESS_TIMEOUT_S', key: 'processTimeoutS', default: 10, doc: 'Seconds of image processing per request before it is cancelled.', parse: integer(1, 3600) },
  { env: 'LOG_LEVEL', key: 'logLevel', default: 'info', doc: `One of ${logLevels.join(', ')}.`, parse: (raw) => { const v = raw.trim(); return (logLevels as readonly string[]).includes(v) ? (v as Config['logLevel']) : { problem: `must be one of ${logLevels.join(', ')}` }; } },
  { env: 'ORIGIN_HOSTS_ALLOW', key: 'originHostsAllow', default: [], defaultText: 'any', doc: 'Comma-separated origin hosts allowed (`img.example.com`, `*.example.com`); when set, every other host is refused.', parse: hostList },
  { env: 'ORIGIN_HOSTS_DENY', key: 'originHostsDeny', default: [], defaultText: 'none', doc: 'Comma-separated origin hosts refused (same patterns); checked before the allow list.', parse: hostList },
  { env: 'RATE_LIMIT_MAX', key: 'rateLimitMax', default: 2500, doc: 'Uncached requests per client IP per window; 0 disables rate limiting.', parse: integer(0, 10_000_000) },
  { env: 'RATE_LIMIT_WINDOW_S', key: 'rateLimitWindowS', default: 600, doc: 'Rate-limit window in seconds (GCRA: the allowance refills evenly over it).', parse: integer(1, 86_400 * 30) },
  { env: 'RATE_LIMIT_BAN_S', key: 'rateLimitBanS', default: 3600, doc: 'How long a client over the limit stays blocked; 0 means only until the allowance refills.', parse: integer(0, 86_400 * 30) },
  { env: 'TRUST_PROXY', key: 'trustProxy', default: undefined, defaultText: 'none (socket address)', doc: '`cf-connecting-ip` or `x-forwarded-for`: the header that names the client IP behind a CDN or load balancer.', parse: (raw) => { const v = raw.trim().toLowerCase(); return v === 'none' ? undefined : (trustProxyHeaders as readonly string[]).includes(v) ? (v as Config['trustProxy']) : { problem: `must be one of ${trustProxyHeaders.join(', ')} or none` }; } },
  { env: 'REDIS_URL', key: 'redisUrl', default: undefined, defaultText: 'unset (in-process limiter)', doc: 'Redis for rate-limit state shared by several boxes, e.g. `redis://127.0.0.1:6379`. If Redis is down, requests are let through (fail open) and it is logged.', parse: (raw) => (/^rediss?:\/\//.test(raw.trim()) ? raw.trim() : { problem: 'must be a redis:// or rediss:// URL' }) },
  { env: 'SIGNING_KEY', key: 'signingKey', default: undefined, defaultText: 'unset (no signatures)', doc: 'When set, every image request must carry `s=<HMAC-SHA256 signature>` of its canonical query (see Signed URLs); others get 403.', parse: (raw) => (raw.length >= 16 ? raw : { problem: 'must be at least 16 characters' }) },
  { env: 'LOG_FILE', key: 'logFile', default: undefined, defaultText: 'unset (stdout)', doc: 'Write logs to this file, rotated daily; rotated files older than LOG_RETENTION_DAYS are deleted.', parse: (raw) => (raw.trim() ? resolve(raw.trim()) : { problem: 'must not be empty' }) },
  { env: 'LOG_RETENTION_DAYS', key: 'logRetentionDays', default: 7, doc: 'Days rotated log files are kept (the public service\'s privacy promise).', parse: integer(1, 3650) },
  { env: 'SHUTDOWN_TIMEOUT_S', key: 'shutdownTimeoutS', default: 10, doc: 'On SIGTERM/SIGINT, how long in-flight requests may take to finish.', parse: integer(0, 3600) },
  { env: 'PLAYGROUND_SAMPLE_URL', key: 'playgroundSampleUrl', default: 'images.weserv.nl/lichtenstein.jpg', doc: 'Source image the playground and the parameter reference use for their examples.', parse: (raw) => (raw.trim() ? raw.trim() : { problem: 'must not be empty' }) },
  { env: 'UWS_ALLOW_JS_FALLBACK', key: 'uwsAllowJsFallback', default: false, doc: '`true` lets the server run on the slow pure-JS uWebSockets.js shim when no native build loads (logged as a warning); otherwise start fails.', parse: boolean },
  { env: 'LISTEN_REUSE_PORT', key: 'listenReusePort', default: false, doc: 'By default the port is taken exclusively: a second instance on it fails to start. `true` lets several processes share it (SO_REUSEPORT; the kernel splits connections among them), and all of them must set it.', parse: boolean },
  { env: 'METRICS_TOKEN', key: 'metricsToken', default: undefined, defaultText: 'unset (/metrics public)', doc: 'Bearer token `GET /metrics` then requires (others get 401). Set it whenever the port is reachable from outside, and always with `SIGNING_KEY`: signing protects only the image API.', parse: (raw) => (raw.trim().length >= 16 ? raw.trim() : { problem: 'must be at least 16 characters' }) },
  { env: 'MAX_URL_BYTES', key: 'maxUrlBytes', default: 8192, doc: 'Longest request target (path and query); longer ones get 414 and the connection is closed.', parse: integer(256, 262_144) },
  { env: 'MAX_HEADER_BYTES', key: 'maxHeaderBytes', default: 16_384, doc: 'Largest request header block (all lines, names and values); larger ones get 431 and the connection is closed. uWS\'s own hard limit (`UWS_HTTP_MAX_HEADERS_SIZE`, environment only) is set above MAX_URL_BYTES + MAX_HEADER_BYTES unless given.', parse: integer(1024, 1_048_576) },
  { env: 'JEMALLOC', key: 'jemalloc', default: 'auto', doc: '`auto`: at start, when libjemalloc.so.2 is installed (Debian `libjemalloc2`, Alpine `jemalloc`) but not loaded, the service restarts itself with it in LD_PRELOAD, and warns when it is absent. `off` leaves the allocator alone; a path names the library.', parse: (raw) => { const v = raw.trim(); return v === 'auto' || v === 'off' || isAbsolute(v) ? v : { problem: 'must be auto, off or an absolute path' }; } },
  { env: 'VIA_PSEUDONYM', key: 'viaPseudonym', default: 'pixproxy', doc: 'Name sent to origins as `Via: 1.1 <name>`; an image request that arrives carrying it is a loop and gets `508`. Give every instance behind one address the same name; another pixproxy deployment you fetch from must use a different one.', parse: (raw) => (PSEUDONYM.test(raw.trim()) ? raw.trim() : { problem: 'must be 1 to 64 token characters (letters, digits, and !#$%&\'*+.^_`|~-)' }) },
  { env: 'FETCH_CONCURRENCY_PER_HOST', key: 'fetchConcurrencyPerHost', default: 8, doc: 'Origin downloads at once from one host name (IP literals in any spelling count as one); four times as many may wait, beyond that 503. Keeps one slow or hostile host from taking every `FETCH_CONCURRENCY` slot.', parse: integer(1, 10_000) },
  { env: 'DOWNLOAD_MEMORY_BYTES', key: 'downloadMemoryBytes', default: 256 * 1024 ** 2, doc: 'Origin bytes held in memory at once, from download until processed (256 MiB), reserved as they arrive; when spent, downloads pause (the oldest may finish), and one still waiting at `FETCH_TIMEOUT_MS` gets 503.', parse: integer(1, 2 ** 40) },
  { env: 'CACHE_S_MAXAGE_S', key: 'sMaxAgeS', default: undefined, defaultText: 'unset', doc: 'Adds `s-maxage=N` to `Cache-Control`: how long shared caches (CDNs) keep a success; browsers keep using `maxage`.', parse: integer(0, 10 * 365 * 86400) },
  { env: 'CACHE_STALE_WHILE_REVALIDATE_S', key: 'staleWhileRevalidateS', default: undefined, defaultText: 'unset', doc: 'Adds `stale-while-revalidate=N` (RFC 5861): a cache may serve an expired copy for N more seconds while it revalidates in the background.', parse: integer(0, 10 * 365 * 86400) },
  { env: 'CACHE_STALE_IF_ERROR_S', key: 'staleIfErrorS', default: undefined, defaultText: 'unset', doc: 'Adds `stale-if-error=N` (RFC 5861): a cache may serve an expired copy for N more seconds when we answer with an error or not at all.', parse: integer(0, 10 * 365 * 86400) },
  { env: 'CACHE_IMMUTABLE', key: 'cacheImmutable', default: false, doc: '`true` adds `immutable` (RFC 8246): browsers do not revalidate on reload. Only for sources that never change under the same URL.', parse: boolean },
  { env: 'CDN_CACHE_CONTROL_MAX_AGE_S', key: 'cdnMaxAgeS', default: undefined, defaultText: 'unset', doc: 'Sends `CDN-Cache-Control: public, max-age=N` (RFC 9213, with the stale directives above): a lifetime only CDNs read (Cloudflare does), leaving `Cache-Control` to browsers.', parse: integer(0, 10 * 365 * 86400) },
  { env: 'INSTANCE_NAME', key: 'instanceName', default: undefined, defaultText: 'unset (no header)', doc: 'Name of this box, sent as `X-Served-By` on images (the same for every client, so safe in shared caches): shows which box of a fleet made a response.', parse: (raw) => (PSEUDONYM.test(raw.trim()) ? raw.trim() : { problem: 'must be 1-64 token characters (letters, digits, -._~ and the like)' }) },
  { env: 'ADMIN_HOST', key: 'adminHost', default: '127.0.0.1', doc: 'Address of the admin listener (with `ADMIN_PORT`).', parse: (raw) => (isIP(raw.trim()) || raw.trim() === 'localhost' ? raw.trim() : { problem: 'must be an IP address or localhost' }) },
  { env: 'ADMIN_PORT', key: 'adminPort', default: undefined, defaultText: 'unset (operator endpoints on the public port)', doc: 'Port of a second listener for operators: `/metrics`, `/health` and the purge API. With it set, the public port answers 404 for `/metrics` (purge and health stay on both). Unset, `/metrics` is on the public port as before.', parse: integer(0, 65535) },
  { env: 'OUTPUT_AUTO', key: 'outputAuto', default: 'vary', doc: '`vary`: `output=auto` answers the negotiated format with `Vary: Accept` (the spec). `redirect`: it answers `302` to the same URL with the explicit format (uncacheable, tiny), so shared caches that ignore `Vary` (Cloudflare) only ever store explicit URLs.', parse: (raw) => { const v = raw.trim().toLowerCase(); return (outputAutoModes as readonly string[]).includes(v) ? (v as Config['outputAuto']) : { problem: `must be one of ${outputAutoModes.join(', ')}` }; } },
  { env: 'PUBLIC_URL', key: 'publicUrl', default: undefined, defaultText: 'unset', doc: 'The address clients use, e.g. `https://img.example.com`: CDN and HTTP-cache purges name URLs under it. Needed for `CLOUDFLARE_ZONE_ID` and `PURGE_HTTP_CACHES`.', parse: baseUrl },
  { env: 'CLOUDFLARE_ZONE_ID', key: 'cloudflareZoneId', default: undefined, defaultText: 'unset (no Cloudflare purge)', doc: 'With `CLOUDFLARE_API_TOKEN`: each purge also purges the URLs this box served the variants under from Cloudflare (purge by URL, 100 a call, retried with backoff).', parse: (raw) => (/^[0-9a-f]{32}$/i.test(raw.trim()) ? raw.trim() : { problem: 'must be a 32-character hex zone id' }) },
  { env: 'CLOUDFLARE_API_TOKEN', key: 'cloudflareApiToken', default: undefined, defaultText: 'unset', doc: 'Cloudflare API token with the Zone / Cache Purge permission.', parse: (raw) => (raw.trim().length >= 16 ? raw.trim() : { problem: 'must be at least 16 characters' }) },
  { env: 'CLOUDFLARE_API_BASE', key: 'cloudflareApiBase', default: 'https://api.cloudflare.com/client/v4', doc: 'Cloudflare API address (tests point it elsewhere).', parse: baseUrl },
  { env: 'PURGE_HTTP_CACHES', key: 'purgeHttpCaches', default: [], defaultText: 'none', doc: 'Comma-separated base URLs of HTTP caches (Varnish, nginx with a purge module) that get a `PURGE` request for each remembered URL on purge, with the `PUBLIC_URL` host as `Host`.', parse: baseUrlList },
  { env: 'PURGE_URLS_REMEMBERED', key: 'purgeUrlsRemembered', default: 100_000, doc: 'Request URLs remembered for CDN purges (only with Cloudflare or HTTP caches set); least recently served forgotten first, and at most 32 per variant.', parse: integer(1, 10_000_000) },
  { env: 'DRAIN_DELAY_S', key: 'drainDelayS', default: 0, doc: 'On SIGTERM, how long `/health` answers 503 while requests are still served before the port closes, so a load balancer that polls `/health` moves traffic first.', parse: integer(0, 600) },
  { env: 'HTTP10_BRIDGE', key: 'http10Bridge', default: false, doc: '`true` puts a relay in front of uWS on the public port so HTTP/1.0 clients get answers (uWS 20.30 never answers them, newer builds answer 505); the client address reaches uWS in a PROXY protocol header. Costs a hop per connection: only for a box that HTTP/1.0 clients reach directly; nginx and CDNs speak HTTP/1.1. Not with `LISTEN_REUSE_PORT`.', parse: boolean },
] as const satisfies readonly AnySetting[];

/** The README's text for a setting's default: its `defaultText`, or else the value itself. */
export function defaultTextOf(setting: { readonly default: unknown; readonly defaultText?: string }): string {
  return setting.defaultText ?? String(setting.default);
}

// Compile-time: every Config key has its setting.
const complete: Exclude<keyof Config, (typeof settings)[number]['key']> extends never ? true : never = true;
void complete;

/** The defaults of every setting, from the table. */
const defaults = Object.fromEntries(settings.map((setting) => [setting.key, setting.default])) as unknown as Config;


function isProblem(value: unknown): value is { problem: string } {
  return typeof value === 'object' && value !== null && 'problem' in value;
}

/** Settings that only make sense together. */
function crossChecks(config: Config): string[] {
  const problems: string[] = [];
  if ((config.cloudflareZoneId === undefined) !== (config.cloudflareApiToken === undefined)) {
    problems.push('CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN: set both or neither');
  }
  if ((config.cloudflareZoneId !== undefined || config.purgeHttpCaches.length > 0) && config.publicUrl === undefined) {
    problems.push('PUBLIC_URL: required with CLOUDFLARE_ZONE_ID or PURGE_HTTP_CACHES (purges name URLs under it)');
  }
  if ((config.cloudflareZoneId !== undefined || config.purgeHttpCaches.length > 0) && config.purgeToken === undefined) {
    problems.push('PURGE_TOKEN: required with CLOUDFLARE_ZONE_ID or PURGE_HTTP_CACHES (purges arrive through the purge API)');
  }
  if (config.http10Bridge && config.listenReusePort) problems.push('HTTP10_BRIDGE and LISTEN_REUSE_PORT cannot be combined (the bridge listens with Node, which cannot share a port here)');
  return problems;
}

/** Raw setting values from a config file, keyed by environment name, already turned into strings. */
export interface ConfigFileValues {
  /** Named in problems, so an operator knows which source holds the bad value. */
  readonly path: string;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Reads and validates the configuration; throws ConfigError naming every bad setting. `file` holds
 * values read from a config file: the environment overrides them, and they go through the same parsers.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env, file?: ConfigFileValues): Config {
  const config: Record<string, unknown> = { ...defaults };
  const problems: string[] = [];
  // Lowest precedence first: a later layer's value replaces an earlier one.
  const layers = [...(file ? [{ values: file.values, from: ` (in ${file.path})` }] : []), { values: env, from: '' }];
  for (const setting of settings) {
    for (const { values, from } of layers) {
      const raw = values[setting.env];
      if (raw === undefined || raw === '') continue;
      const parsed: unknown = (setting.parse as Parser<unknown>)(raw);
      if (isProblem(parsed)) problems.push(`${setting.env}=${JSON.stringify(raw)}${from}: ${parsed.problem}`);
      else config[setting.key] = parsed;
    }
  }
  problems.push(...crossChecks(config as unknown as Config));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config as unknown as Config);
}

/** Test and CLI helper: defaults overridden by the given values, without reading the environment. */
export function configWith(overrides: Partial<Config>): Config {
  return Object.freeze({ ...defaults, ...overrides });
}
