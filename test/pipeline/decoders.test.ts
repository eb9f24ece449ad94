/** Format sniffing by magic bytes only. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { findDecoder } from '../../src/pipeline/decoders/index.js';
import { fixture } from './support.js';

describe('findDecoder', () => {
  const fixtures: [string, string | undefined][] = [
    ['2569067123_aca715a2ee_o.jpg', 'jpeg'],
    ['basn3p08.png', 'png'],
    ['5_webp_a.webp', 'webp'],
    ['1024-pages.gif', 'gif'],
    ['PalaisDuLouvre.tif', 'tiff'],
    ['G31D.TIF', 'tiff'],
    ['cosmos_frame12924_yuv420_10bpc_bt2020_pq_q50.avif', 'heif'],
    ['tv-test-pattern-146649.svg', 'svg'],
    ['giant.svg', 'svg'],
    // Decoded in JavaScript/WebAssembly: HEVC-coded HEIF, PDF, ICO, Radiance.
    ['winter_1440x960.heic', 'heif'],
    ['sizes.pdf', 'pdf'],
    ['favicon.ico', 'magick'],
    ['84y2.hdr', 'unknown'],
  ];
  for (const [name, type] of fixtures) {
    test(`${name}: ${type ?? 'none'}`, () => assert.equal(findDecoder(fixture(name))?.type, type));
  }

  const bytes: [string, Buffer, string | undefined][] = [
    ['BigTIFF', Buffer.from('II+\0\x08\0\0\0', 'latin1'), 'tiff'],
    ['big-endian TIFF', Buffer.from('MM\0*\0\0\0\x08', 'latin1'), 'tiff'],
    ['SVG after a BOM and whitespace', Buffer.from('\ufeff\n  <svg xmlns="http://www.w3.org/2000/svg"/>'), 'svg'],
    ['gzip-compressed SVG', gzipSync('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'svg'],
    ['gzip of something else', gzipSync('<html></html>'), undefined],
    ['HTML mentioning svg late', Buffer.from(`<html>${' '.repeat(2000)}<svg></svg></html>`), undefined],
    ['binary that contains <svg', Buffer.from('\x00\x01\x02<svg>', 'latin1'), undefined],
    ['RIFF that is not WebP', Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1'), undefined],
    ['an ftyp box of another brand', Buffer.from('\0\0\0\x18ftypmp42\0\0\0\0isommp42', 'latin1'), undefined],
    ['an AVIF brand among the compatible ones', Buffer.from('\0\0\0\x1cftypmif1\0\0\0\0mif1avifmiaf', 'latin1'), 'heif'],
    ['empty', Buffer.alloc(0), undefined],
  ];
  for (const [name, input, type] of bytes) {
    test(`${name}: ${type ?? 'none'}`, () => assert.equal(findDecoder(input)?.type, type));
  }
});
