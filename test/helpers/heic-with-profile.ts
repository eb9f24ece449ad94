/**
 * Adds an ICC profile to a HEIF file's primary image, for tests: HEIC with a profile cannot be
 * made here (no HEVC encoder), so the fixture gets a `colr`/`prof` property in `ipco`, associated
 * in `ipma`, and `iloc`'s offsets move by the bytes inserted before `mdat`.
 */

interface Located {
  readonly type: string;
  readonly start: number;
  readonly size: number;
  readonly header: number;
}

function walk(bytes: Buffer, from: number, to: number): Located[] {
  const boxes: Located[] = [];
  for (let at = from; at + 8 <= to; ) {
    const size = bytes.readUInt32BE(at);
    boxes.push({ type: bytes.toString('latin1', at + 4, at + 8), start: at, size, header: 8 });
    at += size;
  }
  return boxes;
}

function find(boxes: readonly Located[], type: string): Located {
  const box = boxes.find((b) => b.type === type);
  if (box === undefined) throw new Error(`no ${type} box`);
  return box;
}

function box(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

const slice = (bytes: Buffer, b: Located): Buffer => bytes.subarray(b.start, b.start + b.size);

export function heicWithProfile(heic: Buffer, icc: Buffer): Buffer {
  const meta = find(walk(heic, 0, heic.length), 'meta');
  const inMeta = walk(heic, meta.start + 12, meta.start + meta.size);
  const pitm = slice(heic, find(inMeta, 'pitm'));
  const primary = pitm[8] === 0 ? pitm.readUInt16BE(12) : pitm.readUInt32BE(12);
  const iprp = find(inMeta, 'iprp');
  const inIprp = walk(heic, iprp.start + 8, iprp.start + iprp.size);
  const ipco = find(inIprp, 'ipco');
  const properties = walk(heic, ipco.start + 8, ipco.start + ipco.size);
  const colr = box('colr', Buffer.concat([Buffer.from('prof', 'latin1'), icc]));
  const newIpco = box('ipco', Buffer.concat([heic.subarray(ipco.start + 8, ipco.start + ipco.size), colr]));
  const index = properties.length + 1;

  const ipma = slice(heic, find(inIprp, 'ipma'));
  const version = ipma[8] ?? 0;
  const wide = ((ipma[11] ?? 0) & 1) === 1;
  const parts: Buffer[] = [ipma.subarray(8, 16)];
  let at = 16;
  for (let entry = 0; entry < ipma.readUInt32BE(12); entry++) {
    const idSize = version < 1 ? 2 : 4;
    const id = idSize === 2 ? ipma.readUInt16BE(at) : ipma.readUInt32BE(at);
    const count = ipma[at + idSize] ?? 0;
    const assocSize = wide ? 2 : 1;
    const associations = ipma.subarray(at + idSize + 1, at + idSize + 1 + count * assocSize);
    const added = id === primary ? (wide ? Buffer.from([index >> 8, index & 0xff]) : Buffer.from([index])) : Buffer.alloc(0);
    parts.push(ipma.subarray(at, at + idSize), Buffer.from([count + (id === primary ? 1 : 0)]), associations, added);
    at += idSize + 1 + count * assocSize;
  }
  const newIpma = box('ipma', Buffer.concat(parts));

  const newIprp = box('iprp', Buffer.concat(inIprp.map((b) => (b.type === 'ipco' ? newIpco : b.type === 'ipma' ? newIpma : slice(heic, b)))));
  const newMeta = box('meta', Buffer.concat([heic.subarray(meta.start + 8, meta.start + 12), ...inMeta.map((b) => (b.type === 'iprp' ? newIprp : slice(heic, b)))]));
  const delta = newMeta.length - meta.size;
  shiftIloc(newMeta, delta, meta.start + meta.size);
  return Buffer.concat([heic.subarray(0, meta.start), newMeta, heic.subarray(meta.start + meta.size)]);
}

/** Moves every file offset at or past `after` by `delta` (construction method 0, versions 0-1). */
function shiftIloc(meta: Buffer, delta: number, after: number): void {
  const iloc = find(walk(meta, 12, meta.length), 'iloc');
  const version = meta[iloc.start + 8] ?? 0;
  let at = iloc.start + 12;
  const sizes = meta.readUInt16BE(at);
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 15;
  const baseSize = (sizes >> 4) & 15;
  const indexSize = version >= 1 ? sizes & 15 : 0;
  at += 2;
  const items = version < 2 ? meta.readUInt16BE(at) : meta.readUInt32BE(at);
  at += version < 2 ? 2 : 4;
  const read = (size: number, where: number): number => (size === 4 ? meta.readUInt32BE(where) : size === 8 ? Number(meta.readBigUInt64BE(where)) : 0);
  const write = (size: number, where: number, value: number): void => {
    if (size === 4) meta.writeUInt32BE(value, where);
    else if (size === 8) meta.writeBigUInt64BE(BigInt(value), where);
  };
  for (let item = 0; item < items; item++) {
    at += version < 2 ? 2 : 4; // item ID
    if (version >= 1) at += 2; // construction method
    at += 2; // data reference index
    const base = read(baseSize, at);
    if (baseSize > 0 && base >= after - delta) write(baseSize, at, base + delta);
    at += baseSize;
    const extents = meta.readUInt16BE(at);
    at += 2;
    for (let extent = 0; extent < extents; extent++) {
      at += indexSize;
      const offset = read(offsetSize, at);
      if (baseSize === 0 && offset >= after - delta) write(offsetSize, at, offset + delta);
      at += offsetSize + lengthSize;
    }
  }
}
