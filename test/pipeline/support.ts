/** Shared helpers for pipeline tests: fixtures, default limits, decoding outputs. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import sharp, { type Metadata } from 'sharp';
import { ServiceError, type ErrorCode } from '../../src/errors.js';
import { runPipeline } from '../../src/pipeline/index.js';
import type { PipelineLimits, PipelineOutput } from '../../src/pipeline/types.js';
import type { Plan } from '../../src/plan/types.js';
import { dhashDistance, SIMILAR } from '../helpers/dhash.js';
import { expectedPath, fixturePath } from '../helpers/paths.js';

/** The spec's defaults (section 7). */
export const LIMITS: PipelineLimits = {
  maxInputPixels: 71_000_000,
  maxOutputPixels: 71_000_000,
  maxPages: 256,
  timeoutSeconds: 10,
  enabledOutputs: ['jpg', 'png', 'webp', 'avif', 'tiff', 'gif', 'json', 'jxl'],
};

/** The main test photo (2725x2225 JPEG) most upstream tests use. */
export const PHOTO = '2569067123_aca715a2ee_o.jpg';

const cache = new Map<string, Buffer>();

export function fixture(name: string): Buffer {
  let bytes = cache.get(name);
  if (bytes === undefined) {
    bytes = readFileSync(fixturePath(name));
    cache.set(name, bytes);
  }
  return bytes;
}

export const px = (value: number): { px: number } => ({ px: value });
export const pct = (fraction: number): { pct: number } => ({ pct: fraction });

export function render(input: string | Buffer, plan: Plan, limits: PipelineLimits = LIMITS): Promise<PipelineOutput> {
  return runPipeline(typeof input === 'string' ? fixture(input) : input, plan, limits);
}

/** sharp's reading of an output, all frames. */
export function metadataOf(output: PipelineOutput): Promise<Metadata> {
  return sharp(output.data, { pages: -1 }).metadata();
}

/** Asserts the decoded output's format and size (height = whole strip). */
export async function assertImage(
  output: PipelineOutput,
  expected: { format: string; width: number; height: number; channels?: number; pages?: number },
): Promise<Metadata> {
  const meta = await metadataOf(output);
  const actual = {
    format: meta.format,
    width: meta.width,
    height: meta.height,
    ...(expected.channels === undefined ? {} : { channels: meta.channels }),
    ...(expected.pages === undefined ? {} : { pages: meta.pages }),
  };
  assert.deepEqual(actual, expected);
  assert.equal(output.width, expected.width);
  assert.equal(output.height, expected.height);
  return meta;
}

/** One pixel of the decoded output, all channels. */
export async function pixelAt(output: PipelineOutput, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(output.data).raw().toBuffer({ resolveWithObject: true });
  const start = (y * info.width + x) * info.channels;
  return [...data.subarray(start, start + info.channels)];
}

/** Perceptual match with an upstream reference image in `expected/`. */
export async function assertSimilar(output: PipelineOutput, expectedName: string): Promise<void> {
  const distance = await dhashDistance(output.data, expectedPath(expectedName));
  assert.ok(distance < SIMILAR, `dHash distance to ${expectedName} is ${distance}, expected < ${SIMILAR}`);
}

/** Asserts that `promise` rejects with this ServiceError code (and detail, when given). */
export async function assertFails(promise: Promise<unknown>, code: ErrorCode, detail?: string): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ServiceError, `expected a ServiceError, got ${String(error)}`);
    assert.equal(error.code, code, `${error.code}: ${error.message}`);
    if (detail !== undefined) assert.equal(error.detail, detail);
    return error;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}
