// pixproxy playground: pure helpers (no DOM access).

/** Percent-encodes what the API would misread in url= (& # % spaces, non-ASCII), keeping : / ? = , @ readable. */
/** @param {string} source */
export function encodeSourceUrl(source) {
  return encodeURIComponent(source).replace(/%(3A|2F|3F|3D|2C|40)/gi, (match) => decodeURIComponent(match));
}

/** A parameter value: # and % become %23 and %25 (what the API expects); commas stay for lists. */
/** @param {string} value */
export function encodeParamValue(value) {
  return encodeURIComponent(value).replace(/%2C/gi, ',');
}

/** @param {string} a @param {string} b */
function sameNumber(a, b) {
  return b !== '' && Number(a) === Number(b);
}

/**
 * The parameters that differ from their defaults, in form order, as [key, value] pairs; value null
 * means a bare key (a boolean switched on).
 * @typedef {{ key: string, kind: string, value: string, checked: boolean, defaultValue: string }} Field
 * @typedef {[string, string | null]} Pair
 * @param {readonly Field[]} fields
 * @returns {Pair[]}
 */
export function changedPairs(fields) {
  /** @type {Pair[]} */
  const pairs = [];
  for (const field of fields) {
    if (field.kind === 'checkbox') {
      if (String(field.checked) !== field.defaultValue) pairs.push([field.key, field.checked ? null : '0']);
      continue;
    }
    const value = field.value.trim();
    if (value === '') continue;
    if ((field.kind === 'number' || field.kind === 'range') && sameNumber(value, field.defaultValue)) continue;
    if (field.kind === 'colour' && value.replace(/^#/, '').toLowerCase() === field.defaultValue.toLowerCase()) continue;
    if (value === field.defaultValue) continue;
    pairs.push([field.key, value]);
  }
  return pairs;
}

/** The API query (without the leading ?): url first, then the changed parameters. */
/** @param {string} source @param {readonly Pair[]} pairs */
export function apiQuery(source, pairs) {
  const parts = ['url=' + encodeSourceUrl(source.trim())];
  for (const [key, value] of pairs) parts.push(value === null ? key : key + '=' + encodeParamValue(value));
  return parts.join('&');
}

/** @param {string} text */
function decodeLoosely(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Reads a query back (the page keeps its state in location.hash): { source, values: Map(key -> value or null) }. */
/**
 * @param {string} query
 * @returns {{ source: string, values: Map<string, string | null> }}
 */
export function parseApiQuery(query) {
  let source = '';
  /** @type {Map<string, string | null>} */
  const values = new Map();
  for (const segment of query.replace(/^[#?]/, '').split('&')) {
    if (segment === '') continue;
    const equals = segment.indexOf('=');
    const key = equals === -1 ? segment : segment.slice(0, equals);
    const value = equals === -1 ? null : decodeLoosely(segment.slice(equals + 1));
    if (key === 'url') {
      if (source === '') source = value ?? '';
    } else if (!values.has(key)) {
      values.set(key, value);
    }
  }
  return { source, values };
}

/** The API's JSON error body ({"status":"error","code":404,"message":"..."}) as one readable line. */
/** @param {number} status @param {string} text */
export function describeError(status, text) {
  try {
    const body = JSON.parse(text);
    if (body !== null && typeof body === 'object' && typeof body.message === 'string') {
      return 'Error ' + (typeof body.code === 'number' ? body.code : status) + ': ' + body.message;
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const trimmed = text.trim().slice(0, 200);
  return 'Error ' + status + (trimmed === '' ? '' : ': ' + trimmed);
}

const numbers = new Intl.NumberFormat('en');

/** Exact byte count, plus a rounded binary size from 1 KiB up: "3,412 bytes (3.3 KiB)". */
/** @param {number} bytes */
export function formatBytes(bytes) {
  const exact = numbers.format(bytes) + (bytes === 1 ? ' byte' : ' bytes');
  if (bytes < 1024) return exact;
  const units = ['KiB', 'MiB', 'GiB'];
  let size = bytes / 1024;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return exact + ' (' + size.toFixed(1) + ' ' + units[unit] + ')';
}

/** @param {string} text */
function escapeAttribute(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** An <img> tag for the result; width and height in CSS pixels (a dpr=2 image shows at half its pixel size). */
/** @param {string} url @param {number} width @param {number} height @param {number} dpr */
export function imgSnippet(url, width, height, dpr) {
  const scale = dpr > 0 ? dpr : 1;
  const size = width > 0 && height > 0
    ? ' width="' + Math.round(width / scale) + '" height="' + Math.round(height / scale) + '"'
    : '';
  return '<img src="' + escapeAttribute(url) + '"' + size + ' alt="Describe the image" loading="lazy" decoding="async">';
}
