/**
 * The upstream weserv reference comparisons most step tests share: render the input with
 * `w=320&h=240&fit=cover` plus the step's query, then compare size, format, dHash and colours
 * with the expected output.
 */
import { test } from 'node:test';
import { assertColours } from './colours.js';
import { renderQuery } from './query.js';
import { assertImage, assertSimilar } from './support.js';

/** [test name, input fixture, query, expected file in fixtures/weserv/expected]. */
export type ReferenceCase = readonly [name: string, input: string, query: string, expected: string];

export function testUpstreamReferences(cases: readonly ReferenceCase[]): void {
  for (const [name, input, query, expected] of cases) {
    test(`${name}: ${query} (${expected})`, async () => {
      const output = await renderQuery(input, `w=320&h=240&fit=cover&${query}`);
      const png = expected.endsWith('.png');
      await assertImage(output, { format: png ? 'png' : 'jpeg', width: 320, height: 240, channels: png ? 4 : 3 });
      await assertSimilar(output, expected);
      await assertColours(output, expected);
    });
  }
}
