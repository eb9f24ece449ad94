/**
 * Right-angle orientations (spec 3.6) as elements of the dihedral group: a clockwise rotation
 * followed by an optional left-right mirror. Any mix of EXIF tags, `ro` (multiples of 90), `flip`
 * and `flop` reduces to one of these eight, so consecutive orientation steps merge into a single
 * sharp operation. Pure code: no sharp here.
 */

export type RightAngle = 0 | 90 | 180 | 270;

export interface Orientation {
  /** Clockwise rotation, applied first. */
  readonly rotate: RightAngle;
  /** Mirror left-right, applied after the rotation. */
  readonly flop: boolean;
}

export const UPRIGHT: Orientation = { rotate: 0, flop: false };

function rightAngle(degrees: number): RightAngle {
  return ((((degrees % 360) + 360) % 360) as RightAngle);
}

/**
 * What makes an image with this EXIF Orientation tag upright. The reference maps tags to
 * rotate-then-flip/flop (5 = 270+flip, 7 = 90+flip); a vertical flip equals a 180 rotation
 * followed by a flop, which gives the table below. Unknown tags mean "already upright".
 */
export function fromExif(tag: number | undefined): Orientation {
  switch (tag) {
    case 2:
      return { rotate: 0, flop: true };
    case 3:
      return { rotate: 180, flop: false };
    case 4:
      return { rotate: 180, flop: true };
    case 5:
      return { rotate: 90, flop: true };
    case 6:
      return { rotate: 90, flop: false };
    case 7:
      return { rotate: 270, flop: true };
    case 8:
      return { rotate: 270, flop: false };
    default:
      return UPRIGHT;
  }
}

/** The user's `ro` (a multiple of 90), then `flip` (top-bottom), then `flop` (left-right). */
export function fromUser(ro: number, flip: boolean, flop: boolean): Orientation {
  // flip == rotate 180 then flop
  return { rotate: rightAngle(ro + (flip ? 180 : 0)), flop: flop !== flip };
}

/** `first`, then `second`. A mirror reverses the sense of any rotation that follows it. */
export function compose(first: Orientation, second: Orientation): Orientation {
  return {
    rotate: rightAngle(first.flop ? first.rotate - second.rotate : first.rotate + second.rotate),
    flop: first.flop !== second.flop,
  };
}

export function isUpright(orientation: Orientation): boolean {
  return orientation.rotate === 0 && !orientation.flop;
}

/** Whether width and height trade places. */
export function swapsAxes(orientation: Orientation): boolean {
  return orientation.rotate === 90 || orientation.rotate === 270;
}

/**
 * Whether applying it to a vertical strip of frames transforms each frame in place. Only a
 * left-right mirror does; rotations and top-bottom flips would also reorder or lay out the frames.
 */
export function keepsFrameOrder(orientation: Orientation): boolean {
  return orientation.rotate === 0;
}

/**
 * sharp mirrors before it rotates (`flop()` then `rotate(angle)`, whatever the call order), so a
 * rotate-then-mirror becomes mirror-then-rotate by the opposite angle.
 */
export function asSharpCalls(orientation: Orientation): { readonly flop: boolean; readonly rotate: RightAngle } {
  return orientation.flop
    ? { flop: true, rotate: rightAngle(-orientation.rotate) }
    : { flop: false, rotate: orientation.rotate };
}
