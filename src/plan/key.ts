/**
 * Cache keys. A variant is identified by the normalised source URL and the canonical plan, so every
 * spelling of the same request (aliases, parameter order, defaults, dead values) maps to one entry.
 * Bump the `v1` prefix whenever the plan's meaning changes, so old entries are never misread.
 */
import { createHash } from 'node:crypto';
import type { Plan } from './types.js';

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${sortedJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Compact JSON with object keys sorted at every level: equal plans give equal text. */
export function canonicalPlanJson(plan: Plan): string {
  return sortedJson(plan);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Hex SHA-256 naming one processed variant of one source. */
export function cacheKey(url: string, plan: Plan): string {
  return sha256Hex(`v1\n${url}\n${canonicalPlanJson(plan)}`);
}

/** Hex SHA-256 shared by every variant of one source (to find them all when purging). */
export function sourceKey(url: string): string {
  return sha256Hex(`src\n${url}`);
}
