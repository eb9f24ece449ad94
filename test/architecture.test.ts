/**
 * The dependency direction as a checked rule: every module of src/ imports only from layers below
 * its own, never from a layer above nor from another module of its own layer, and no file takes
 * part in an import cycle (type-only imports included). The rule is the data below; a module
 * that is in no layer fails the test, so every new top-level module gets its place stated here.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from './helpers/paths.js';

/**
 * From the top. A module is a directory of src/ or a single file directly in src/. Modules of one
 * layer do not import each other (the plan, cache, origin and worker modules are independent).
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['main.ts', 'cli.ts'], // entry points
  ['serve.ts'], // process lifecycle: configuration, logging, the app
  ['app.ts'], // wires the modules together
  ['http'], // uWebSockets.js front end
  ['playground', 'signing'], // what the front end serves and checks
  ['service'], // cache lookup, single flight, work dispatch
  ['workers', 'cache', 'origin', 'ratelimit', 'cdn'], // threads, storage, fetching, limits, CDN purges: independent of each other
  ['pipeline'], // bytes and a plan in, bytes out
  ['plan'], // query → canonical plan
  ['url', 'concurrency'], // URL and IP text; gates and single flight
  ['log.ts', 'config-file.ts', 'metrics.ts', 'allocator.ts', 'buffers.ts', 'undici.ts'],
  ['errors.ts'], // the error catalog
  ['config.ts'], // settings and their defaults
  ['runtime.ts'], // which JavaScript runtime runs the process (Node or Bun)
  ['types'], // ambient declarations
];

/** Narrower rules inside the order: what a module may use of a module below it. */
const ONLY: Readonly<Record<string, { readonly module: string; readonly files: readonly string[]; readonly why: string }>> = {
  pipeline: {
    module: 'plan',
    files: ['types.ts', 'values.ts', 'defaults.ts'],
    why: 'the pipeline reads the plan, never the parameter table or the parser',
  },
};

/**
 * Cycles still to be removed, each with who owns it. `image-route.ts` takes its request types from
 * `server.ts`, which calls it: the types move to an http module of their own (http/context.ts).
 */
const KNOWN_CYCLES: readonly (readonly string[])[] = [];

const SRC = join(repoRoot, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of a file (static, type-only, re-exports and dynamic), as paths under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'(\.[^']+)'/gm),
    ...text.matchAll(/^\s*import\s+'(\.[^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g),
  ].map((match) => match[1] ?? '');
  return specifiers.map((specifier) =>
    relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts').split('\\').join('/'),
  );
}

function moduleOf(path: string): string {
  const [first = ''] = path.split('/');
  return first;
}

function layerOf(module: string): number {
  return LAYERS.findIndex((layer) => layer.includes(module));
}

const graph = new Map(
  sourceFiles(SRC).map((file) => [relative(SRC, file).split('\\').join('/'), importsOf(file)] as const),
);

/** Why an import breaks the rule, or undefined when it keeps it. */
export function violation(from: string, to: string): string | undefined {
  const source = moduleOf(from);
  const target = moduleOf(to);
  if (source === target) return undefined;
  const [sourceLayer, targetLayer] = [layerOf(source), layerOf(target)];
  if (sourceLayer < 0) return `${source} is in no layer`;
  if (targetLayer < 0) return `${target} is in no layer`;
  if (targetLayer < sourceLayer) return `${target} is a layer above ${source}`;
  if (targetLayer === sourceLayer) return `${source} and ${target} are one layer and independent`;
  const only = ONLY[source];
  if (only?.module === target && !only.files.includes(to.slice(target.length + 1))) return only.why;
  return undefined;
}

/** Strongly connected groups of files with more than one member (Tarjan). */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('dependency direction', () => {
  test('every module of src/ has its place in the layers', () => {
    const modules = new Set([...graph.keys()].map(moduleOf));
    const unplaced = [...modules].filter((module) => layerOf(module) < 0);
    assert.deepEqual(unplaced, []);
  });

  test('no module imports from a layer above it or from a module of its own layer', () => {
    const broken = [...graph].flatMap(([from, targets]) =>
      targets.flatMap((to) => {
        const why = violation(from, to);
        return why === undefined ? [] : [`${from} → ${to}: ${why}`];
      }),
    );
    assert.deepEqual(broken, []);
  });

  test('the rule catches an import from above', () => {
    assert.match(violation('workers/pool.ts', 'service/image-service.ts') ?? '', /above/);
    assert.match(violation('plan/parse.ts', 'pipeline/index.ts') ?? '', /above/);
    assert.match(violation('url/host.ts', 'origin/fetch.ts') ?? '', /above/);
    assert.match(violation('cache/store.ts', 'origin/fetch.ts') ?? '', /independent/);
    assert.match(violation('ratelimit/key.ts', 'origin/address-policy.ts') ?? '', /independent/);
    assert.match(violation('pipeline/steps/filter.ts', 'plan/parameters.ts') ?? '', /parameter table/);
    assert.equal(violation('http/server.ts', 'service/image-service.ts'), undefined);
    assert.equal(violation('pipeline/steps/mask.ts', 'plan/types.ts'), undefined);
  });

  test('no import cycles, type-only imports included', () => {
    const known = new Set(KNOWN_CYCLES.map((group) => [...group].sort().join(' ')));
    const found = cycles(graph).map((group) => group.join(' '));
    assert.deepEqual(found.filter((group) => !known.has(group)), []);
  });
});
