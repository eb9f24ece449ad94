/** Helpers for step tests written as weserv queries: plans come from the real parser. */
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { PipelineOutput } from '../../src/pipeline/types.js';
import { parsePlan } from '../../src/plan/parse.js';
import type { Rgba } from '../../src/plan/types.js';
import { render } from './support.js';

/** Runs the pipeline on a fixture (or bytes) with the plan the parser makes of `query`. */
export function renderQuery(input: string | Buffer, query: string): Promise<PipelineOutput> {
  return render(input, parsePlan(query));
}

/** Asserts that every query yields exactly the bytes of `baseline` on `input`. */
export async function assertSameBytes(
  input: string | Buffer,
  baseline: string,
  queries: readonly string[],
): Promise<void> {
  const expected = await renderQuery(input, baseline);
  for (const query of queries) {
    const actual = await renderQuery(input, query);
    assert.ok(actual.data.equals(expected.data), `"${query}" differs from "${baseline}"`);
  }
}

/** A PNG of one colour. */
export function solidPng(width: number, height: number, [r, g, b, a]: Rgba): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r, g, b, alpha: a / 255 } } })
    .png()
    .toBuffer();
}

/** A PNG from raw RGBA bytes. */
export function rgbaPng(width: number, height: number, pixels: readonly number[]): Promise<Buffer> {
  return sharp(Buffer.from(pixels), { raw: { width, height, channels: 4 } }).png().toBuffer();
}

/** Decoded pixels of an output (all frames as one strip) with their band count. */
export async function rawOf(
  output: PipelineOutput,
): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(output.data, { pages: -1 }).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}
