/**
 * Where an operation may join the queue. sharp runs its operations in a fixed internal order
 * (extract-before-resize, resize, mirror and rotate, canvas crop, extract, extend, ...), whatever
 * the call order: an operation is appended only where sharp's order matches the pipeline's, and
 * merged with the previous one when both can become one sharp call. Pure code over the queue.
 */
import { compose, isUpright, swapsAxes, asSharpCalls } from './dihedral.js';
import type { Op } from './ops.js';

/** sharp's internal order of the operations we use (pipeline.cc). */
const Stage = {
  pipelineSpace: 0,
  preExtract: 1,
  resize: 2,
  orient: 3,
  canvasCrop: 4,
  rotate: 5,
  postExtract: 6,
  extend: 7,
  blur: 8,
  recomb: 9,
  modulate: 10,
  sharpen: 11,
  composite: 12,
  linear: 13,
  removeAlpha: 14,
  // The output colour space comes here (`run`).
  negate: 15,
} as const;

const usesResize = (op: Op): boolean => op.kind === 'resize' || op.kind === 'smartcrop';

function stageOf(op: Op, before: readonly Op[]): number {
  switch (op.kind) {
    case 'extract':
      // sharp extracts before the resize unless a resize was requested before the extract.
      return before.some(usesResize) ? Stage.postExtract : Stage.preExtract;
    case 'resize':
      return Stage.resize;
    case 'orient':
      return Stage.orient;
    case 'smartcrop':
      return Stage.canvasCrop;
    case 'extend':
      return Stage.extend;
    case 'greyscale':
      return Stage.pipelineSpace;
    case 'rotate':
    case 'blur':
    case 'recomb':
    case 'modulate':
    case 'sharpen':
    case 'composite':
    case 'linear':
    case 'removeAlpha':
    case 'negate':
      return Stage[op.kind];
  }
}

/** sharp keeps one rotation angle per pipeline: an arbitrary angle would replace a right-angle turn. */
function conflicts(ops: readonly Op[], op: Op): boolean {
  return op.kind === 'rotate' && ops.some((o) => o.kind === 'orient' && asSharpCalls(o.orientation).rotate !== 0);
}

/** The queue with `op` folded into its last operation, when the two are one sharp call. */
function merged(ops: readonly Op[], op: Op): readonly Op[] | undefined {
  const last = ops.at(-1);
  const before = ops.slice(0, -1);
  if (last?.kind === 'extract' && op.kind === 'extract') {
    // A crop of a crop is one crop.
    const rect = { ...op.rect, left: last.rect.left + op.rect.left, top: last.rect.top + op.rect.top };
    return [...before, { kind: 'extract', rect }];
  }
  if (last?.kind === 'orient' && op.kind === 'orient') {
    const orientation = compose(last.orientation, op.orientation);
    return isUpright(orientation) ? before : [...before, { kind: 'orient', orientation }];
  }
  if (last?.kind === 'orient' && op.kind === 'resize' && before.every((o) => stageOf(o, []) < Stage.resize)) {
    // Resizing commutes with right-angle turns and mirrors once its axes are swapped. Orienting
    // after the resize keeps sharp's shrink-on-load (JPEG DCT scaling, SVG rendered at size).
    const resize = swapsAxes(last.orientation) ? { ...op, width: op.pageHeight, pageHeight: op.width } : op;
    return [...before, resize, last];
  }
  return undefined;
}

function fitsAfter(ops: readonly Op[], op: Op): boolean {
  const last = ops.at(-1);
  if (last === undefined) return true;
  // sharp has one resize per pipeline, and a smart crop is a resize.
  if (usesResize(op) && ops.some(usesResize)) return false;
  if (conflicts(ops, op)) return false;
  return stageOf(op, ops) > stageOf(last, ops.slice(0, -1));
}

/**
 * The queue with `op` appended or merged, so that it acts on the image as the previous operations
 * left it; undefined when sharp would run `op` before something queued earlier, i.e. the queued
 * operations must be computed first.
 */
export function scheduled(ops: readonly Op[], op: Op): readonly Op[] | undefined {
  const folded = merged(ops, op);
  if (folded) return folded;
  if (fitsAfter(ops, op)) return [...ops, op];
  return undefined;
}
