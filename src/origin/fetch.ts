/**
 * Downloads an origin image (spec 1.4): GET with a fixed set of headers, redirects followed by
 * hand so every hop is normalised and checked by the address policy, only status 200 accepted,
 * size capped while streaming, and every wait bounded (connect, headers, idle body, whole fetch).
 */
import type { Agent, Dispatcher } from 'undici';
import type { BodyMemory } from '../buffers.js';
import type { Config } from '../config.js';
import { ServiceError } from '../errors.js';
import { formatAuthority } from '../url/host.js';
import { resolveRedirect, splitSourceUrl, type SourceUrlParts } from '../url/normalise.js';
import { isForbiddenAddress, parseLiteralHost } from './address-policy.js';
import { ByteBudget, type Reservation } from './byte-budget.js';
import { statusFailure, transportFailure } from './failures.js';
import { guardedAgent } from './guarded-agent.js';
import { hostKey, isHostAllowed } from './host-policy.js';
import type { OwnListeners } from './self-address.js';
import { viaValue } from './via.js';

export interface OriginOptions {
  readonly allowPrivateOrigins: Config['allowPrivateOrigins'];
  readonly maxDownloadBytes: number;
  readonly maxRedirects: number;
  readonly connectTimeoutMs: number;
  /** Waiting for the response headers, and the longest silence between body chunks. */
  readonly readTimeoutMs: number;
  /** The whole download, redirects included. */
  readonly fetchTimeoutMs: number;
  readonly userAgent: string;
  /** Host allow and deny lists (exact names, `*.domain`); an empty allow list allows every host. */
  readonly hostsAllow: readonly string[];
  readonly hostsDeny: readonly string[];
  /** The `Via` value sent with every request, so a request that comes back to us is recognised. */
  readonly via: string;
  /** This service's listeners: connections to them are refused as loops. */
  readonly self?: OwnListeners | undefined;
  /** Bytes of origin bodies held at once (DOWNLOAD_MEMORY_BYTES), shared by every fetch. */
  readonly budget: ByteBudget;
  /** Reused memory for bodies (given back by the workers); without it each body gets its own. */
  readonly memory?: BodyMemory | undefined;
}

export interface OriginResponse {
  /**
   * Starts at offset 0 of memory nothing else uses, so that memory can be transferred to a worker:
   * the body's own whole ArrayBuffer, or one from `OriginOptions.memory` (which `lend` recognises).
   */
  readonly body: Buffer;
  /** The URL that answered 200. */
  readonly finalUrl: string;
  /** For the `Link` header: follows permanent redirects, frozen at the first temporary one. */
  readonly canonicalUrl: string;
  readonly bytesReceived: number;
  /**
   * Gives the body's bytes back to the download budget. Call it once the body is no longer held
   * (after processing); until then later downloads may wait for memory.
   */
  readonly release: () => void;
}

export function originOptionsFrom(config: Config, self?: OwnListeners, memory?: BodyMemory): OriginOptions {
  return Object.freeze({
    allowPrivateOrigins: config.allowPrivateOrigins,
    maxDownloadBytes: config.maxDownloadBytes,
    maxRedirects: config.maxRedirects,
    connectTimeoutMs: config.connectTimeoutMs,
    readTimeoutMs: config.readTimeoutMs,
    fetchTimeoutMs: config.fetchTimeoutMs,
    userAgent: config.userAgent,
    hostsAllow: config.originHostsAllow,
    hostsDeny: config.originHostsDeny,
    via: viaValue(config.viaPseudonym),
    self,
    budget: new ByteBudget(config.downloadMemoryBytes),
    ...(memory ? { memory } : {}),
  });
}

/** The host a normalised origin URL's downloads are counted under (see hostKey). */
export function originHostKey(url: string): string {
  return hostKey(splitSourceUrl(url).authority.host);
}

type Body = Dispatcher.ResponseData['body'];

const TEMPORARY_REDIRECTS = new Set([302, 303, 307]);
/** Bytes of a redirect or error body read to keep the connection reusable; more and it is closed. */
const DISCARD_LIMIT = 64 * 1024;

function isRedirect(status: number): boolean {
  return status >= 300 && status <= 308;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function declaredLength(headers: Dispatcher.ResponseData['headers']): number | undefined {
  const text = firstHeader(headers['content-length'])?.trim();
  return text !== undefined && /^[0-9]+$/.test(text) ? Number(text) : undefined;
}

function tooLarge(options: OriginOptions): ServiceError {
  return new ServiceError('TOO_LARGE', String(options.maxDownloadBytes));
}

/** Drops a body we do not want without waiting for it (small ones are drained to reuse the connection). */
function discard(body: Body): void {
  body.dump({ limit: DISCARD_LIMIT }).catch(() => undefined);
}

/** Stops a download now: closes the connection. undici then emits an abort error nobody needs. */
function abandon(body: Body): void {
  body.on('error', () => undefined).destroy();
}

/** Whether the download is waiting for memory right now: a deadline passing then is our overload, not the origin's slowness. */
interface MemoryWait {
  waiting: boolean;
}

/** Marks the download as waiting for memory until `wait` resolves (a rejection leaves the mark for fetchOrigin to see). */
async function waitingForMemory<T>(state: MemoryWait, wait: Promise<T>): Promise<T> {
  state.waiting = true;
  const result = await wait;
  state.waiting = false;
  return result;
}

/** Holds `bytes` more of the budget, waiting (and reading nothing meanwhile) while it is spent. */
async function hold(reservation: Reservation, bytes: number, signal: AbortSignal, memory: MemoryWait): Promise<void> {
  if (!reservation.tryGrow(bytes)) await waitingForMemory(memory, reservation.grow(bytes, signal));
}

/**
 * Reads a body of declared length straight into one buffer of that size: no list of chunks and no
 * second copy at the end. The buffer's pages become resident only as they are written, so memory is
 * reserved as bytes arrive, not by the declared length: an origin declaring 100 MB and sending
 * nothing must not pin the budget for everyone.
 */
async function readDeclared(
  body: Body,
  length: number,
  reservation: Reservation,
  signal: AbortSignal,
  memory: MemoryWait,
  reuse: BodyMemory | undefined,
): Promise<Buffer> {
  // Not Buffer.concat or a pooled buffer: transferring the ArrayBuffer of a slice of Node's shared
  // pool to a worker would detach the pool for everyone.
  const owned = reuse ? reuse.take(length) : Buffer.allocUnsafeSlow(length);
  let offset = 0;
  // undici yields Buffers; its stream type does not say so.
  for await (const chunk of body as AsyncIterable<Buffer>) {
    // undici frames the body by its Content-Length, so this cannot happen; never write past the end.
    if (offset + chunk.length > length) {
      abandon(body);
      throw new ServiceError('ORIGIN_STATUS', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH');
    }
    await hold(reservation, chunk.length, signal, memory);
    offset += chunk.copy(owned, offset);
  }
  if (offset === length) return owned;
  // Reused memory stays the body's from offset 0: a shorter view needs no copy.
  if (reuse) return owned.subarray(0, offset);
  const exact = Buffer.allocUnsafeSlow(offset);
  owned.copy(exact, 0, 0, offset);
  return exact;
}

/** Bytes copied between two turns of the event loop when joining chunks. */
const JOIN_SLICE = 4 * 1024 * 1024;

/**
 * The chunks copied into one buffer that owns its memory. A large body is copied a few MiB per turn
 * of the event loop: touching 100 MB of fresh memory in one go (page faults included) held the loop
 * for about half a second on a busy machine, and `/health` with it.
 */
async function joinChunks(chunks: readonly Buffer[], length: number, reuse: BodyMemory | undefined): Promise<Buffer> {
  const owned = reuse ? reuse.take(length) : Buffer.allocUnsafeSlow(length);
  let offset = 0;
  let sinceYield = 0;
  for (const chunk of chunks) {
    offset += chunk.copy(owned, offset);
    sinceYield += chunk.length;
    if (sinceYield >= JOIN_SLICE) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return owned;
}

/**
 * Reads a body of unknown length, reserving memory as it arrives (and pausing while the budget is
 * spent), giving up (and closing the connection) as soon as it passes the cap. Each chunk reserves
 * twice its size: at the end the chunks and their copy into one buffer are both alive; after the
 * copy the reservation shrinks to the body.
 */
async function readGrowing(body: Body, reservation: Reservation, options: OriginOptions, signal: AbortSignal, memory: MemoryWait): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > options.maxDownloadBytes) {
      abandon(body);
      throw tooLarge(options);
    }
    await hold(reservation, 2 * chunk.length, signal, memory);
    chunks.push(chunk);
  }
  const owned = await joinChunks(chunks, received, options.memory);
  chunks.length = 0;
  reservation.shrinkTo(received);
  return owned;
}

/** Reads a 200 body within the memory budget; the bytes stay reserved until the result's `release`. */
async function readBody(
  body: Body,
  length: number | undefined,
  options: OriginOptions,
  signal: AbortSignal,
  memory: MemoryWait,
): Promise<{ data: Buffer; reservation: Reservation }> {
  let reservation: Reservation;
  try {
    // Nothing up front: bytes are reserved as they arrive (waits only while the budget is overdrawn).
    reservation = await waitingForMemory(memory, options.budget.reserve(undefined, signal));
  } catch (error) {
    abandon(body);
    throw error;
  }
  try {
    const data =
      length === undefined ? await readGrowing(body, reservation, options, signal, memory) : await readDeclared(body, length, reservation, signal, memory, options.memory);
    reservation.doneGrowing();
    return { data, reservation };
  } catch (error) {
    reservation.release();
    throw error;
  }
}

/** `scheme://host[:port]` without userinfo: credentials in a URL are never sent anywhere. */
function originOf({ scheme, authority }: SourceUrlParts): string {
  return `${scheme}://${formatAuthority({ ...authority, userinfo: undefined })}`;
}

/** The URL as a Referer, without its userinfo so credentials never travel to a redirect target. */
function refererOf(url: string): string {
  const parts = splitSourceUrl(url);
  return originOf(parts) + parts.path;
}

/**
 * One GET. Only Host (set by undici from the origin), Connection, User-Agent, Via and, after a
 * redirect, Referer are sent: nothing from the client.
 */
function send(
  agent: Agent,
  url: string,
  referer: string | undefined,
  options: OriginOptions,
  signal: AbortSignal,
): Promise<Dispatcher.ResponseData> {
  const parts = splitSourceUrl(url);
  // Host lists apply at every hop, so a redirect cannot leave the allowed hosts. The spec's own
  // wording for a refused origin host is the "unresolvable (DNS) or blocked by policy" error.
  if (!isHostAllowed(parts.authority.host, options.hostsAllow, options.hostsDeny)) {
    throw new ServiceError('ORIGIN_UNRESOLVABLE', undefined, { cause: new Error(`host ${parts.authority.host} blocked by the host lists`) });
  }
  // A literal IP is refused before any connection; names are checked by the connector once resolved.
  const literal = parseLiteralHost(parts.authority.host);
  if (literal !== undefined && isForbiddenAddress(literal, options.allowPrivateOrigins)) {
    throw new ServiceError('IP_BLOCKED');
  }
  const headers: Record<string, string> = { 'User-Agent': options.userAgent, Connection: 'keep-alive', Via: options.via };
  if (referer !== undefined) headers.Referer = referer;
  return agent.request({
    origin: originOf(parts),
    // Sent verbatim: undici does not re-parse it, so `..` and escapes reach the origin as normalised.
    path: parts.path,
    method: 'GET',
    headers,
    signal,
    headersTimeout: options.readTimeoutMs,
    bodyTimeout: options.readTimeoutMs,
  });
}

async function download(url: string, options: OriginOptions, signal: AbortSignal, memory: MemoryWait): Promise<OriginResponse> {
  const agent = guardedAgent({ allow: options.allowPrivateOrigins, connectTimeoutMs: options.connectTimeoutMs, self: options.self });
  let current = url;
  let referer: string | undefined;
  let canonicalUrl = url;
  let canonicalFrozen = false;
  let redirects = 0;
  for (;;) {
    const { statusCode, headers, body } = await send(agent, current, referer, options, signal);
    if (!canonicalFrozen) canonicalUrl = current;
    if (statusCode !== 200 && !isRedirect(statusCode)) {
      discard(body);
      throw statusFailure(statusCode);
    }
    // Checked on redirects too, as REF does: a declared size is never worth waiting for.
    const length = declaredLength(headers);
    if (length !== undefined && length > options.maxDownloadBytes) {
      abandon(body);
      throw tooLarge(options);
    }
    if (statusCode === 200) {
      const { data, reservation } = await readBody(body, length, options, signal, memory);
      return { body: data, finalUrl: current, canonicalUrl, bytesReceived: data.length, release: () => reservation.release() };
    }

    discard(body);
    if (TEMPORARY_REDIRECTS.has(statusCode)) canonicalFrozen = true;
    const location = firstHeader(headers.location);
    // REF quirk kept: a redirect without a usable Location is "Unable to parse URI".
    if (location === undefined) throw new ServiceError('INVALID_URL');
    const next = resolveRedirect(current, location);
    redirects += 1;
    if (next.toLowerCase() === current.toLowerCase()) throw new ServiceError('REDIRECT_SELF');
    // MAX_REDIRECTS is the number followed: the default 10 follows a chain of 10 and refuses the
    // 11th redirect, as its message says (the reference, spec 1.4, already failed on the 10th).
    if (redirects > options.maxRedirects) throw new ServiceError('REDIRECT_LIMIT', String(options.maxRedirects));
    referer = refererOf(current);
    current = next;
  }
}

/**
 * Fetches a normalised origin URL (from normaliseSourceUrl). Rejects with a ServiceError for
 * every origin-side failure, or with `signal.reason` once `signal` aborts (the client went away).
 */
export async function fetchOrigin(url: string, options: OriginOptions, signal?: AbortSignal): Promise<OriginResponse> {
  signal?.throwIfAborted();
  const controller = new AbortController();
  const forwardAbort = (): void => {
    const reason: unknown = signal?.reason;
    controller.abort(reason);
  };
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const deadline = setTimeout(() => controller.abort(new ServiceError('ORIGIN_TIMEOUT')), options.fetchTimeoutMs);
  const memory: MemoryWait = { waiting: false };
  try {
    return await download(url, options, controller.signal, memory);
  } catch (error) {
    if (controller.signal.aborted) {
      const reason: unknown = controller.signal.reason;
      // The origin was ready; we had no memory for its body before the deadline: our overload.
      if (memory.waiting && reason instanceof ServiceError && reason.code === 'ORIGIN_TIMEOUT') {
        throw new ServiceError('OVERLOADED', undefined, { cause: new Error('no download memory before FETCH_TIMEOUT_MS') });
      }
      throw reason;
    }
    throw transportFailure(error);
  } finally {
    clearTimeout(deadline);
    signal?.removeEventListener('abort', forwardAbort);
  }
}
