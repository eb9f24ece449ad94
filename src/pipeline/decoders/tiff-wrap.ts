/**
 * Decoded pixels wrapped in a minimal uncompressed TIFF with an ICC profile, for decoders whose
 * pixels come with a profile (HEIC): sharp's raw input cannot carry one, and with it sharp converts
 * to sRGB from the right colours, and `icc` can keep it. One strip, little-endian, chunky RGB(A),
 * unassociated alpha; the copy is a memcpy, no encoding.
 */

interface Entry {
  readonly tag: number;
  readonly type: 3 | 4 | 7; // SHORT, LONG, UNDEFINED
  readonly count: number;
  /** Inline value, or the offset of the data when it does not fit in 4 bytes. */
  readonly value: number;
}

export function tiffWithProfile(
  pixels: { readonly data: Buffer; readonly width: number; readonly height: number; readonly channels: 3 | 4 },
  icc: Buffer,
): Buffer {
  const { width, height, channels, data } = pixels;
  const entryCount = channels === 4 ? 12 : 11;
  const ifdSize = 2 + entryCount * 12 + 4;
  const bitsAt = 8 + ifdSize;
  const iccAt = bitsAt + channels * 2;
  const pixelsAt = iccAt + icc.length + ((iccAt + icc.length) % 2);
  const entries: Entry[] = [
    { tag: 256, type: 4, count: 1, value: width },
    { tag: 257, type: 4, count: 1, value: height },
    { tag: 258, type: 3, count: channels, value: bitsAt },
    { tag: 259, type: 3, count: 1, value: 1 }, // no compression
    { tag: 262, type: 3, count: 1, value: 2 }, // RGB
    { tag: 273, type: 4, count: 1, value: pixelsAt },
    { tag: 277, type: 3, count: 1, value: channels },
    { tag: 278, type: 4, count: 1, value: height },
    { tag: 279, type: 4, count: 1, value: data.length },
    { tag: 284, type: 3, count: 1, value: 1 }, // chunky
    ...(channels === 4 ? [{ tag: 338, type: 3, count: 1, value: 2 } as const] : []), // unassociated alpha
    { tag: 34675, type: 7, count: icc.length, value: iccAt },
  ];
  const out = Buffer.alloc(pixelsAt + data.length);
  out.write('II*\0', 0, 'latin1');
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  entries.forEach((entry, index) => {
    const at = 10 + index * 12;
    out.writeUInt16LE(entry.tag, at);
    out.writeUInt16LE(entry.type, at + 2);
    out.writeUInt32LE(entry.count, at + 4);
    if (entry.type === 3 && entry.count === 1) out.writeUInt16LE(entry.value, at + 8);
    else out.writeUInt32LE(entry.value, at + 8);
  });
  out.writeUInt32LE(0, 10 + entries.length * 12); // no next IFD
  for (let band = 0; band < channels; band++) out.writeUInt16LE(8, bitsAt + band * 2);
  icc.copy(out, iccAt);
  data.copy(out, pixelsAt);
  return out;
}
