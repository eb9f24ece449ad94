/**
 * Cross-parameter canonicalisation: drop every value that cannot change the output given the other
 * values, so that equivalent queries produce deep-equal plans and therefore share one cache entry.
 * Each rule says why the value is dead. Input: a plan whose single values are already normalised
 * (interpret.ts output, or a canonical plan). The function is idempotent.
 */
import type { DraftPlan } from './interpret.js';
import { sealPlan } from './schema.js';
import type { ImageFormat, OutputFormat, Plan } from './types.js';

/** Output formats a parameter can matter for; `undefined` (origin) and `auto` could become any. */
function outputMayBe(output: OutputFormat | undefined, formats: readonly OutputFormat[]): boolean {
  return output === undefined || output === 'auto' || formats.includes(output);
}

export function canonicalise(input: Plan): Plan {
  const p: DraftPlan = { ...input };

  // dpr multiplies the resolved sizes; a size that rounds to 0 (always, for dpr=0) is "not given".
  if (p.dpr !== undefined) {
    const dpr = p.dpr;
    for (const key of ['w', 'h'] as const) {
      const size = p[key];
      if (size === undefined) continue;
      if (dpr === 0 || ('px' in size && Math.round(size.px * dpr) < 1)) delete p[key];
    }
  }
  const sizes = (p.w === undefined ? 0 : 1) + (p.h === undefined ? 0 : 1);

  // dpr only scales w and h.
  if (sizes === 0) delete p.dpr;
  // Without a target size the scale factors are 1, which `we` cannot cap.
  if (sizes === 0) delete p.we;
  // With no size every fit is an identity; with one size cover/outside/contain act like inside (no
  // crop, no letterbox) except that contain still letterboxes an image `we` kept smaller than the box.
  if (p.fit !== undefined) {
    const keep = sizes === 2 || (sizes === 1 && (p.fit === 'fill' || (p.fit === 'contain' && p.we === true)));
    if (!keep) delete p.fit;
  }
  // The letterbox colour only exists for contain.
  if (p.fit !== 'contain') delete p.cbg;
  // Alignment only places the cover crop and the contain letterbox; smart crop is cover-only (centre otherwise).
  if (p.fit !== 'cover' && p.fit !== 'contain') delete p.a;
  if (p.fit === 'contain' && (p.a === 'entropy' || p.a === 'attention')) delete p.a;
  // The focal point is read only for a=focal, and 0.5 is its default.
  for (const key of ['fpx', 'fpy'] as const) {
    if (p.a !== 'focal' || p[key] === 0.5) delete p[key];
  }
  // Without a resize, orientation still precedes the crop and nothing is shrunk on load: same pixels.
  if (sizes === 0) delete p.precrop;
  // tbg is only what trim compares against.
  if (p.trim === undefined) delete p.tbg;
  // mtrim and mbg only act on a mask; an ellipse always fills the frame, so there is nothing to trim.
  if (p.mask === undefined) delete p.mbg;
  if (p.mask === undefined || p.mask === 'ellipse') delete p.mtrim;
  // rbg only fills the corners of a rotation that is not a multiple of 90°.
  if (p.ro === undefined || p.ro % 90 === 0) delete p.rbg;
  // The slopes are used only with a sigma; the mild kernel and "off" ignore them.
  if (typeof p.sharp !== 'number') {
    delete p.sharpf;
    delete p.sharpj;
  }
  // Duotone is the only filter with colours.
  if (p.filt !== 'duotone') {
    delete p.start;
    delete p.stop;
  }

  // Encoder options that the chosen encoder does not have.
  if (!outputMayBe(p.output, ['jpg', 'webp', 'avif', 'tiff', 'jxl'])) delete p.q;
  if (!outputMayBe(p.output, ['png'])) {
    delete p.l;
    delete p.af;
  }
  if (!outputMayBe(p.output, ['jpg', 'png', 'gif'])) delete p.il;
  if (!outputMayBe(p.output, ['webp', 'tiff', 'jxl'])) delete p.ll;
  // Loop count and frame delays only exist for several frames saved as an animation, or
  // described as one: `output=json` reports them (spec 3.10: set before the image is described).
  if (p.n === undefined || !outputMayBe(p.output, ['gif', 'webp', 'json'])) {
    delete p.loop;
    delete p.delay;
  }
  // Shrink-on-load happens only when resizing, and never with gamma or precrop.
  if (sizes === 0 || p.gam !== undefined || p.precrop === true) delete p.fsol;
  return p;
}

/**
 * The plan once the HTTP layer has chosen a concrete format for `output=auto`: the output-dependent
 * rules run again so that, e.g., `output=auto` resolved to png shares the entry of `output=png`.
 */
export function withOutputFormat(plan: Plan, format: ImageFormat | undefined): Plan {
  const { output: _previous, ...rest } = plan;
  return sealPlan(canonicalise(format === undefined ? rest : { ...rest, output: format }));
}
