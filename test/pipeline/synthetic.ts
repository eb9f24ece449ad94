/**
 * Small files built byte by byte for decoder tests, where no fixture exists or a fixture cannot
 * show the point (a vector's crisp edge, a header declaring more pixels than it carries).
 */

/** A one-page PDF of `width` x `height` points whose left half is blue. */
export function pdfWithBlueLeftHalf(width: number, height: number): Buffer {
  const content = `0 0 1 rg 0 0 ${width / 2} ${height} re f`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Contents 4 0 R >>`,
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** An SVG of `width` x `height` px whose left half is blue. */
export function svgWithBlueLeftHalf(width: number, height: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<rect width="${width}" height="${height}" fill="#fff"/><rect width="${width / 2}" height="${height}" fill="#00f"/></svg>`,
  );
}

export interface BmpSpec {
  readonly width: number;
  readonly height: number;
  readonly depth: 1 | 4 | 8 | 24 | 32;
  /** Top row first, one array per row: palette indices, or [r, g, b(, a)] per pixel. */
  readonly rows: readonly (readonly (number | readonly number[])[])[];
  /** Stored top row first (negative height). */
  readonly topDown?: boolean;
  /** [r, g, b] entries for depths up to 8. */
  readonly palette?: readonly (readonly number[])[];
  /** BITMAPINFOHEADER compression field (0 = none). */
  readonly compression?: number;
  /** Bytes between the palette and the pixels, which the pixel offset skips. */
  readonly gap?: number;
}

/** A Windows bitmap with a 40-byte info header. */
export function bmp(spec: BmpSpec): Buffer {
  const { width, height, depth } = spec;
  const stride = Math.ceil((width * depth) / 32) * 4;
  const palette = Buffer.alloc((spec.palette?.length ?? 0) * 4);
  spec.palette?.forEach(([r = 0, g = 0, b = 0], index) => palette.set([b, g, r, 0], index * 4));
  const pixels = Buffer.alloc(stride * height);
  spec.rows.forEach((row, y) => {
    const stored = spec.topDown === true ? y : height - 1 - y;
    const line = stored * stride;
    row.forEach((pixel, x) => {
      if (typeof pixel === 'number') {
        const bit = x * depth;
        const shift = 8 - depth - (bit % 8);
        const at = line + Math.floor(bit / 8);
        pixels[at] = (pixels[at] ?? 0) | (pixel << shift);
      } else {
        const [r = 0, g = 0, b = 0, a = 0] = pixel;
        pixels.set(depth === 32 ? [b, g, r, a] : [b, g, r], line + x * (depth / 8));
      }
    });
  });
  const gap = Buffer.alloc(spec.gap ?? 0);
  const offset = 14 + 40 + palette.length + gap.length;
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(offset + pixels.length, 2);
  header.writeUInt32LE(offset, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(spec.topDown === true ? -height : height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(depth, 28);
  header.writeUInt32LE(spec.compression ?? 0, 30);
  header.writeUInt32LE(pixels.length, 34);
  header.writeUInt32LE(spec.palette?.length ?? 0, 46);
  return Buffer.concat([header, palette, gap, pixels]);
}

/** A Radiance file: header, resolution line, then the given scanline bytes. */
export function radiance(width: number, height: number, scanlines: readonly number[]): Buffer {
  const head = `#?RADIANCE\nFORMAT=32-bit_rle_rgbe\nEXPOSURE=1.0\n\n-Y ${height} +X ${width}\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(scanlines)]);
}

/** A new-style run-length scanline: every pixel the same RGBE value. */
export function rleScanline(width: number, rgbe: readonly [number, number, number, number]): number[] {
  const bytes = [2, 2, width >> 8, width & 0xff];
  for (const value of rgbe) {
    // Runs of at most 127.
    for (let left = width; left > 0; left -= Math.min(left, 127)) bytes.push(128 + Math.min(left, 127), value);
  }
  return bytes;
}

/**
 * A BMP with the pixel bytes given as stored (for RLE and bit-field layouts): 40-byte header,
 * then the three masks for BI_BITFIELDS (3), then the palette.
 */
export function bmpStored(spec: {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly compression: number;
  readonly pixels: Buffer;
  readonly palette?: readonly (readonly number[])[];
  readonly masks?: readonly [number, number, number];
}): Buffer {
  const masks = Buffer.alloc(spec.masks === undefined ? 0 : 12);
  spec.masks?.forEach((mask, index) => masks.writeUInt32LE(mask, index * 4));
  const palette = Buffer.alloc((spec.palette?.length ?? 0) * 4);
  spec.palette?.forEach(([r = 0, g = 0, b = 0], index) => palette.set([b, g, r, 0], index * 4));
  const offset = 14 + 40 + masks.length + palette.length;
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(offset + spec.pixels.length, 2);
  header.writeUInt32LE(offset, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(spec.width, 18);
  header.writeInt32LE(spec.height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(spec.depth, 28);
  header.writeUInt32LE(spec.compression, 30);
  header.writeUInt32LE(spec.pixels.length, 34);
  header.writeUInt32LE(spec.palette?.length ?? 0, 46);
  return Buffer.concat([header, masks, palette, spec.pixels]);
}

/** 3x2 RLE8: bottom row a run of 3 × index 1, top row absolute [2, 0, 1]; then end of bitmap. */
export function rle8Bmp(): Buffer {
  const pixels = Buffer.from([3, 1, 0, 0, 0, 3, 2, 0, 1, 0, 0, 0, 0, 1]);
  return bmpStored({ width: 3, height: 2, depth: 8, compression: 1, pixels, palette: [[0, 0, 0], [255, 0, 0], [0, 0, 255]] });
}

/** 2x1 16-bit: red and blue in 5-6-5 bit fields, or in BI_RGB 5-5-5. */
export function bmp16(layout: '565' | '555'): Buffer {
  const [red, blue] = layout === '565' ? [0xf800, 0x001f] : [0x7c00, 0x001f];
  const pixels = Buffer.alloc(4);
  pixels.writeUInt16LE(red, 0);
  pixels.writeUInt16LE(blue, 2);
  return layout === '565'
    ? bmpStored({ width: 2, height: 1, depth: 16, compression: 3, pixels, masks: [0xf800, 0x07e0, 0x001f] })
    : bmpStored({ width: 2, height: 1, depth: 16, compression: 0, pixels });
}
