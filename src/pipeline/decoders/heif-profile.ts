/**
 * The ICC profile of a HEIF file's primary image, read from the container: libheif-js exposes the
 * profile only through raw WebAssembly pointers. ISO/IEC 23008-12: `meta` holds `pitm` (the
 * primary item), `iprp/ipco` (properties, numbered from 1) and `iprp/ipma` (which item has which
 * properties); a `colr` property of type `prof` or `rICC` carries the ICC bytes. Anything
 * malformed means "no profile": the pixels still decode.
 */

interface Box {
  readonly type: string;
  /** Payload, after the box header. */
  readonly body: Buffer;
}

function children(bytes: Buffer): Box[] {
  const boxes: Box[] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    let size = bytes.readUInt32BE(at);
    let header = 8;
    if (size === 1 && at + 16 <= bytes.length) {
      size = Number(bytes.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = bytes.length - at;
    }
    if (size < header || at + size > bytes.length) break;
    boxes.push({ type: bytes.toString('latin1', at + 4, at + 8), body: bytes.subarray(at + header, at + size) });
    at += size;
  }
  return boxes;
}

const child = (boxes: readonly Box[], type: string): Buffer | undefined => boxes.find((box) => box.type === type)?.body;

function primaryItem(pitm: Buffer): number {
  return pitm[0] === 0 ? pitm.readUInt16BE(4) : pitm.readUInt32BE(4);
}

/** 1-based property indices of `item`. */
function propertiesOf(ipma: Buffer, item: number): number[] {
  const version = ipma[0] ?? 0;
  const wideIndex = ((ipma[3] ?? 0) & 1) === 1;
  let at = 8;
  const entries = ipma.readUInt32BE(4);
  for (let entry = 0; entry < entries; entry++) {
    const id = version < 1 ? ipma.readUInt16BE(at) : ipma.readUInt32BE(at);
    at += version < 1 ? 2 : 4;
    const count = ipma[at] ?? 0;
    at += 1;
    const indices: number[] = [];
    for (let i = 0; i < count; i++) {
      indices.push(wideIndex ? ipma.readUInt16BE(at) & 0x7fff : (ipma[at] ?? 0) & 0x7f);
      at += wideIndex ? 2 : 1;
    }
    if (id === item) return indices;
  }
  return [];
}

export function heifIccProfile(file: Buffer): Buffer | undefined {
  try {
    const meta = child(children(file), 'meta');
    if (meta === undefined) return undefined;
    const inMeta = children(meta.subarray(4)); // full box: version and flags first
    const pitm = child(inMeta, 'pitm');
    const iprp = child(inMeta, 'iprp');
    if (pitm === undefined || iprp === undefined) return undefined;
    const inIprp = children(iprp);
    const ipco = child(inIprp, 'ipco');
    const ipma = child(inIprp, 'ipma');
    if (ipco === undefined || ipma === undefined) return undefined;
    const properties = children(ipco);
    for (const index of propertiesOf(ipma, primaryItem(pitm))) {
      const property = properties[index - 1];
      if (property?.type !== 'colr') continue;
      const kind = property.body.toString('latin1', 0, 4);
      if (kind === 'prof' || kind === 'rICC') return Buffer.from(property.body.subarray(4));
    }
    return undefined;
  } catch {
    return undefined;
  }
}
