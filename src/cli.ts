#!/usr/bin/env node
/**
 * The `pixproxy` command. `serve` runs the service exactly as `npm start` does; `process` runs one
 * image through the same query parser and pipeline as the server, with the limits and origin rules
 * of the same configuration, so what it prints is what the server would answer.
 *
 * Arguments are read with node:util's parseArgs: two commands and one option do not need a
 * dependency. Exit codes: 0 done, 1 the image could not be produced, 2 bad usage or configuration.
 * The image modules (sharp, undici, the parser) are imported only by `process`, so `--help` is
 * instant and `serve` installs its signal handlers before anything heavy loads.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, type Config } from './config.js';
import { ServiceError, asServiceError, errorBody } from './errors.js';
import type { PipelineOutput } from './pipeline/index.js';
import type { Plan } from './plan/types.js';
import { runService } from './serve.js';

const USAGE = `Usage: pixproxy <command> [options]

Commands:
  serve [--config <file>]                    run the image service (as npm start)
  process <input> "<query>" <output>         process one image as the service would

Options:
  -h, --help       show help (also after a command: pixproxy process --help)
  -v, --version    show the version

Configuration comes from the environment (see the README), over an optional
JSON or YAML file named by CONFIG_FILE or --config.
`;

const SERVE_USAGE = `Usage: pixproxy serve [--config <file>]

Runs the image service until SIGTERM or SIGINT, exactly as npm start does.

Options:
  -c, --config <file>   JSON or YAML settings file (keys as the environment
                        variables, e.g. PORT, CACHE_DIR); the environment
                        overrides it. Same as CONFIG_FILE=<file>.
  -h, --help            show this help
`;

const PROCESS_USAGE = `Usage: pixproxy process [--config <file>] <input> "<query>" <output>

Runs one image through the service's pipeline and writes the result.

  <input>    a file, or an http:// or https:// URL fetched with the service's
             origin rules (private addresses refused unless ALLOW_PRIVATE_ORIGINS
             allows them; size, redirect and time limits)
  <query>    API parameters as in a request URL, e.g. "w=300&h=200&output=webp"
             (url= and other delivery keys are ignored)
  <output>   the file to write, or - for standard output; output=json and
             output=blurhash write their text

Prints "<format> <width>x<height> <bytes> bytes -> <output>" on success; for
an animation "<format> <width>x<height> <n> frames <bytes> bytes -> <output>",
with the size of one frame. On failure prints the service's JSON error and
exits 1 (2 for bad usage).

Options:
  -c, --config <file>   settings file, as for serve
  -h, --help            show this help
`;

/** What the user got wrong; printed with the usage, exit code 2. */
class UsageError extends Error {}

/** A failure outside the spec's errors (an unreadable input, an unwritable output); exit code 1. */
class CliFailure extends Error {}

function version(): string {
  // Read at run time: dist/src/cli.js → ../../package.json. Importing it would make tsc copy it into dist.
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const parsed: unknown = JSON.parse(text);
  const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).version : undefined;
  return typeof value === 'string' ? value : 'unknown';
}

function parse(args: readonly string[], usage: string): { values: { config?: string | undefined; help?: boolean | undefined }; positionals: string[] } {
  try {
    return parseArgs({
      args: [...args],
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
}

/** The environment, with --config standing in for CONFIG_FILE. */
function environment(configFile: string | undefined): Readonly<Record<string, string | undefined>> {
  return configFile === undefined ? process.env : { ...process.env, CONFIG_FILE: configFile };
}

async function configuration(configFile: string | undefined): Promise<Config> {
  const { loadConfiguration } = await import('./config-file.js');
  try {
    return loadConfiguration(environment(configFile));
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

async function readInput(input: string, config: Config): Promise<Buffer> {
  if (isUrl(input)) {
    const [{ normaliseSourceUrl }, { fetchOrigin, originOptionsFrom }, { closeOriginAgents }] = await Promise.all([
      import('./url/normalise.js'),
      import('./origin/fetch.js'),
      import('./origin/guarded-agent.js'),
    ]);
    // The same normalisation and fetcher as the server: address policy, limits and timeouts.
    const url = normaliseSourceUrl(input);
    try {
      return (await fetchOrigin(url, originOptionsFrom(config))).body;
    } finally {
      await closeOriginAgents();
    }
  }
  try {
    return await readFile(input);
  } catch (error) {
    throw new CliFailure(`cannot read ${input}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What the summary calls the output: the image format, or json/blurhash for the text outputs. */
function formatName(output: PipelineOutput, plan: Plan): string {
  if (output.extension !== undefined) return output.extension;
  return plan.output === 'json' || plan.output === 'blurhash' ? plan.output : output.contentType;
}

async function processCommand(args: readonly string[]): Promise<void> {
  const { values, positionals } = parse(args, PROCESS_USAGE);
  if (values.help) {
    process.stdout.write(PROCESS_USAGE);
    return;
  }
  if (positionals.length !== 3) {
    throw new UsageError(`process needs <input> "<query>" <output> (got ${positionals.length} argument${positionals.length === 1 ? '' : 's'})\n\n${PROCESS_USAGE}`);
  }
  const [input = '', query = '', outputPath = ''] = positionals;
  const config = await configuration(values.config);
  const [{ parsePlan }, { runPipeline }, { pipelineLimits }] = await Promise.all([
    import('./plan/parse.js'),
    import('./pipeline/index.js'),
    import('./app.js'),
  ]);
  const plan = parsePlan(query.startsWith('?') ? query.slice(1) : query);
  const source = await readInput(input, config);
  const output = await runPipeline(source, plan, pipelineLimits(config));
  // An animation is described by its frame size and count, as viewers show it, not as the strip.
  const size = output.frames > 1
    ? `${output.width}x${output.height / output.frames} ${output.frames} frames`
    : `${output.width}x${output.height}`;
  const summary = `${formatName(output, plan)} ${size} ${output.data.length} bytes -> ${outputPath}\n`;
  if (outputPath === '-') {
    process.stdout.write(output.data);
    process.stderr.write(summary);
    return;
  }
  try {
    await writeFile(outputPath, output.data);
  } catch (error) {
    throw new CliFailure(`cannot write ${outputPath}: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.stdout.write(summary);
}

async function serveCommand(args: readonly string[]): Promise<void> {
  const { values, positionals } = parse(args, SERVE_USAGE);
  if (values.help) {
    process.stdout.write(SERVE_USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments (got ${positionals.join(' ')})\n\n${SERVE_USAGE}`);
  await runService(environment(values.config));
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(rest);
    case 'process':
      return processCommand(rest);
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return;
    case '-v':
    case '--version':
      process.stdout.write(`pixproxy ${version()}\n`);
      return;
    case undefined:
      throw new UsageError(USAGE);
    default:
      throw new UsageError(`unknown command: ${command}\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`pixproxy: ${error.message}${error.message.endsWith('\n') ? '' : '\n'}`);
    process.exitCode = 2;
    return;
  }
  if (error instanceof CliFailure) {
    process.stderr.write(`pixproxy: ${error.message}\n`);
    process.exitCode = 1;
    return;
  }
  // The service's own errors read as the server would answer them; anything else is its 500.
  const serviceError = asServiceError(error);
  process.stderr.write(`${errorBody(serviceError)}\n`);
  if (!(error instanceof ServiceError)) process.stderr.write(`pixproxy: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
