/**
 * The optional settings file (CONFIG_FILE or `pixproxy serve --config`): JSON or YAML, keyed by the
 * same names as the environment. Its shape is checked against a JSON schema generated from the
 * settings table, so a new setting is accepted in files without touching this module; its values
 * then go through the same per-setting parsers as the environment (in `loadConfig`), which wins over
 * the file. Every problem of the file and of the values is reported at once.
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { Ajv, type ErrorObject, type SchemaObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig, settings, type Config, type ConfigFileValues } from './config.js';

/** Naming another file from inside a file would only invite loops and surprises. */
const NOT_IN_FILE = new Set(['CONFIG_FILE']);

/** Settings a file may set: every setting in the table but CONFIG_FILE. */
export const fileSettingNames: readonly string[] = settings.map((setting) => setting.env).filter((name) => !NOT_IN_FILE.has(name));

/**
 * Keys are exactly the settings' environment names; values are scalars, since an environment value is
 * one string too. Whether a value is *valid* is the setting's parser's call, not the schema's.
 */
export const configFileSchema: SchemaObject = {
  type: 'object',
  properties: Object.fromEntries(fileSettingNames.map((name) => [name, { type: ['string', 'number', 'boolean'] }])),
  additionalProperties: false,
};

// verbose: errors carry the offending value, so a problem can say what was found.
const validateShape = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(configFileSchema);

/** The closest setting name, for "did you mean" on a typo. */
function closestName(key: string): string | undefined {
  const upper = key.toUpperCase();
  if (fileSettingNames.includes(upper)) return upper;
  let best: string | undefined;
  let bestDistance = 3; // more than two edits away is not a typo
  for (const name of fileSettingNames) {
    const distance = editDistance(upper, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function describe(error: ErrorObject, path: string): string {
  if (error.keyword === 'additionalProperties') {
    const key = String((error.params as { additionalProperty?: unknown }).additionalProperty);
    const suggestion = closestName(key);
    return `${key} (in ${path}): unknown setting${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`;
  }
  if (error.instancePath === '') return `${path}: must be a mapping of setting names to values`;
  // `/PORT` → `PORT`; names never contain `/` or `~`, so no JSON-pointer unescaping is needed.
  const key = error.instancePath.slice(1);
  return `${key} (in ${path}): must be a string, a number or true/false, not ${kindOf(error.data)}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : typeof value;
}

/** The file's text as data: `.json` is JSON, anything else YAML (which also reads plain JSON). */
function parseText(text: string, path: string): unknown {
  if (extname(path).toLowerCase() === '.json') return JSON.parse(text) as unknown;
  // uniqueKeys (the default) makes a duplicated setting an error instead of a silent last-one-wins.
  return parseYaml(text, { prettyErrors: true }) as unknown;
}

/** Scalars as the environment would spell them, so they meet the same parsers. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * Reads and checks the shape of a settings file. Problems (unreadable, unparsable, unknown keys,
 * non-scalar values) are returned, not thrown, so they can be reported with the value problems.
 */
export function readConfigFile(path: string): { readonly file: ConfigFileValues; readonly problems: readonly string[] } {
  const absolute = resolve(path);
  const empty = { path: absolute, values: {} };
  let data: unknown;
  try {
    data = parseText(readFileSync(absolute, 'utf8'), absolute);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { file: empty, problems: [`CONFIG_FILE=${JSON.stringify(path)}: cannot be read: ${reason}`] };
  }
  // An empty YAML file is null: no settings, which is fine.
  if (data === null || data === undefined) return { file: empty, problems: [] };
  const problems = validateShape(data) ? [] : (validateShape.errors ?? []).map((error) => describe(error, absolute));
  if (typeof data !== 'object' || Array.isArray(data)) return { file: empty, problems };
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (fileSettingNames.includes(key) && scalar) values[key] = asText(value);
  }
  return { file: { path: absolute, values: Object.freeze(values) }, problems };
}

/**
 * The configuration of a process: defaults, then the file named by CONFIG_FILE (if any), then the
 * environment. Throws one ConfigError naming every problem in the file and in the values.
 */
export function loadConfiguration(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const path = env.CONFIG_FILE;
  if (path === undefined || path.trim() === '') return loadConfig(env);
  const { file, problems } = readConfigFile(path.trim());
  let config: Config | undefined;
  const valueProblems: string[] = [];
  try {
    config = loadConfig(env, file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    valueProblems.push(...error.problems);
  }
  const all = [...problems, ...valueProblems];
  if (all.length > 0 || config === undefined) throw new ConfigError(all);
  return config;
}
