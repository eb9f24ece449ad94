/**
 * The generic cell rate algorithm (GCRA) with a ban, as pure functions of (state, now, params).
 *
 * The public service allows 2500 images per 10 minutes per IP and then blocks for an hour. As GCRA
 * with a burst of the whole allowance: every request costs one emission interval T = window / limit
 * of "theoretical time"; a client may run ahead of the clock by up to one window, so it can spend
 * the whole allowance at once, and it gets one request back every T. The request that finds no free
 * cell is refused and, with a ban configured, blocks the client for `banMs`; without one it is
 * refused only until a cell is free.
 *
 * The state transition (`advance`) is mirrored line for line by the Redis script in
 * redis-limiter.ts; the numbers a client sees (`report`) are always computed here, so the memory
 * and Redis limiters cannot disagree on them.
 */

export interface GcraParams {
  /** Requests per window (>= 1). */
  readonly limit: number;
  readonly windowMs: number;
  /** 0: no ban, refused only until a cell is free. */
  readonly banMs: number;
}

export interface GcraState {
  /** Theoretical arrival time (ms): when the client's allowance will be full again. */
  readonly tat: number;
  /** Refused until this time (ms); 0 or in the past when not banned. */
  readonly bannedUntil: number;
}

export interface Decision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests that would be allowed right now (after this one, if it counted). */
  readonly remaining: number;
  /** Seconds until the allowance is full again and any ban is over; 0 when it is full now. */
  readonly resetS: number;
  /** When refused: seconds until a request can succeed (the ban's end, or the next free cell). */
  readonly retryAfterS?: number;
}

export interface DecideOptions {
  /** false: report only (`GET /quota`), consuming nothing and starting no ban. */
  readonly count: boolean;
}

/**
 * Fractional emission intervals (600000 ms / 7) are added up in floating point, so the limit-th
 * request of a burst can land a rounding error past the window. Accepting that much slack (half an
 * interval, at most 1 ms) keeps "a burst of exactly `limit`" true without letting in another cell.
 */
function slackMs(params: GcraParams): number {
  return Math.min(emissionIntervalMs(params) / 2, 1);
}

function emissionIntervalMs(params: GcraParams): number {
  return params.windowMs / params.limit;
}

/** Checks parameters once, where they are built from configuration. */
export function gcraParams(limit: number, windowMs: number, banMs: number): GcraParams {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`rate limit must be a whole number >= 1, not ${limit}`);
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`rate-limit window must be > 0 ms, not ${windowMs}`);
  if (!Number.isFinite(banMs) || banMs < 0) throw new RangeError(`rate-limit ban must be >= 0 ms, not ${banMs}`);
  return Object.freeze({ limit, windowMs, banMs });
}

/** The state transition only. Mirrored by the Lua script; keep the two identical. */
export function advance(
  state: GcraState | undefined,
  now: number,
  params: GcraParams,
  options: DecideOptions,
): { allowed: boolean; state: GcraState } {
  const interval = emissionIntervalMs(params);
  const slack = slackMs(params);
  const tat = state?.tat ?? 0;
  const bannedUntil = state !== undefined && state.bannedUntil > now ? state.bannedUntil : 0;
  if (bannedUntil > 0) return { allowed: false, state: { tat, bannedUntil } };
  const newTat = Math.max(tat, now) + interval;
  if (newTat - now <= params.windowMs + slack) {
    return { allowed: true, state: options.count ? { tat: newTat, bannedUntil: 0 } : { tat, bannedUntil: 0 } };
  }
  // No free cell. Only a request that counts starts a ban: a quota check must not get anyone banned.
  const ban = options.count && params.banMs > 0 ? now + params.banMs : 0;
  return { allowed: false, state: { tat, bannedUntil: ban } };
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

/** What the client is told, from the outcome and the state after it. */
export function report(allowed: boolean, state: GcraState, now: number, params: GcraParams): Decision {
  const interval = emissionIntervalMs(params);
  const slack = slackMs(params);
  const used = Math.max(0, state.tat - now);
  const banLeft = Math.max(0, state.bannedUntil - now);
  const free = Math.floor((params.windowMs - used + slack) / interval);
  const remaining = banLeft > 0 ? 0 : Math.min(params.limit, Math.max(0, free));
  const resetS = seconds(Math.max(used, banLeft));
  if (allowed) return { allowed, limit: params.limit, remaining, resetS };
  // Refused: either banned, or (no ban configured) until the next cell comes free.
  const waitMs = banLeft > 0 ? banLeft : used + interval - params.windowMs - slack;
  return { allowed, limit: params.limit, remaining, resetS, retryAfterS: Math.max(1, seconds(waitMs)) };
}

/** One decision: whether this request may go on, the numbers to tell the client, and the new state. */
export function decide(
  state: GcraState | undefined,
  now: number,
  params: GcraParams,
  options: DecideOptions,
): Decision & { readonly state: GcraState } {
  const outcome = advance(state, now, params, options);
  return { ...report(outcome.allowed, outcome.state, now, params), state: outcome.state };
}

/** Milliseconds until `state` is indistinguishable from no state at all (then it can be forgotten). */
export function msUntilNeutral(state: GcraState, now: number): number {
  return Math.max(0, state.tat - now, state.bannedUntil - now);
}
