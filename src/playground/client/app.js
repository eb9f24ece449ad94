// pixproxy playground: live previews for the form rendered by the server.
import { apiQuery, changedPairs, describeError, formatBytes, imgSnippet, parseApiQuery } from './query.js';

// Long enough to let someone finish typing "1200", short enough to feel live.
const DEBOUNCE_MS = 300;

/**
 * The element with this id, of the type the caller declares: the server renders every id used here.
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
const byId = (id) => /** @type {T} */ (document.getElementById(id));
/** @type {HTMLFormElement} */
const form = byId('playground');
/** @type {HTMLInputElement} */
const source = byId('source');
/** @type {HTMLInputElement[]} The form's parameter fields (inputs and selects, read alike). */
const fields = Array.from(form.querySelectorAll('[data-param]'));
const fieldFor = new Map(fields.map((field) => [field.dataset.param, field]));
/** @type {HTMLImageElement} */
const originalImage = byId('original');
const originalInfo = byId('original-info');
const resultFigure = byId('result-figure');
/** @type {HTMLImageElement} */
const resultImage = byId('result');
const resultText = byId('result-text');
const resultDimensions = byId('result-dimensions');
const resultBytes = byId('result-bytes');
const resultType = byId('result-type');
const status = byId('status');
const error = byId('error');
/** @type {HTMLInputElement} */
const resultUrl = byId('result-url');
/** @type {HTMLAnchorElement} */
const openResult = byId('open-result');
/** @type {HTMLTextAreaElement} */
const snippet = byId('snippet');

let timer = 0;
/** @type {string | null} */
let loadedSource = null;
/** @type {AbortController | null} */
let resultController = null;
/** @type {AbortController | null} */
let originalController = null;
let currentQuery = '';
/** @type {Map<HTMLImageElement, string>} */
const objectUrls = new Map();

function readFields() {
  return fields.map((field) => ({
    key: field.dataset.param,
    kind: field.dataset.kind,
    value: field.value,
    checked: field.checked,
    defaultValue: field.dataset.default,
  }));
}

function syncOutputs() {
  for (const field of fields) {
    if (field.dataset.kind !== 'range') continue;
    /** @type {HTMLOutputElement | null} */
    const output = byId('o-' + field.dataset.param);
    if (output) output.value = field.value;
  }
  // Colour fields are text (they take names and alpha); their pickers follow when the text is plain hex.
  for (const picker of /** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll('input[data-picker-for]'))) {
    /** @type {HTMLInputElement} */
    const text = byId(picker.dataset.pickerFor);
    const hex = text.value.trim().replace(/^#/, '');
    if (/^[0-9a-f]{6}$/i.test(hex)) picker.value = '#' + hex.toLowerCase();
  }
  syncFocalMarker();
}

function syncFocalMarker() {
  const marker = byId('focal-marker');
  const align = fieldFor.get('a');
  if (!marker || !align) return;
  const focal = align.value === 'focal';
  marker.hidden = !focal || originalImage.hidden;
  if (!focal) return;
  marker.style.left = Number(fieldFor.get('fpx')?.value ?? 0.5) * 100 + '%';
  marker.style.top = Number(fieldFor.get('fpy')?.value ?? 0.5) * 100 + '%';
}

/** @param {string} message */
function say(message) {
  status.textContent = message;
}

/** @param {string} message */
function showError(message) {
  error.textContent = message;
  error.hidden = message === '';
}

/** @param {HTMLImageElement} image @param {Blob} blob */
function replaceObjectUrl(image, blob) {
  const previous = objectUrls.get(image);
  if (previous) URL.revokeObjectURL(previous);
  const url = URL.createObjectURL(blob);
  objectUrls.set(image, url);
  return url;
}

class ApiError extends Error {}

/** Fetches a pixproxy URL; an error response becomes an ApiError carrying the API's own message. */
/** @param {string} url @param {AbortSignal} signal */
async function fetchApi(url, signal) {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new ApiError(describeError(response.status, await response.text()));
  return { response, blob: await response.blob() };
}

/** Shows an image blob in img; resolves to false when the browser cannot decode the format (tiff, jxl). */
/** @param {HTMLImageElement} image @param {Blob} blob */
async function showImage(image, blob) {
  image.src = replaceObjectUrl(image, blob);
  try {
    await image.decode();
    image.hidden = false;
    return true;
  } catch {
    image.hidden = true;
    return false;
  }
}

/** @param {string} sourceUrl */
async function loadOriginal(sourceUrl) {
  originalController?.abort();
  const controller = new AbortController();
  originalController = controller;
  originalInfo.textContent = 'loading…';
  try {
    const { response, blob } = await fetchApi('/?' + apiQuery(sourceUrl, []), controller.signal);
    const upstream = Number(response.headers.get('X-Upstream-Response-Length') ?? '');
    const bytes = Number.isFinite(upstream) && upstream > 0 ? upstream : blob.size;
    if (await showImage(originalImage, blob)) {
      originalInfo.textContent = originalImage.naturalWidth + ' × ' + originalImage.naturalHeight + ' px · ' + formatBytes(bytes) + ' at the source';
    } else {
      originalInfo.textContent = formatBytes(bytes) + ' at the source (' + blob.type + ': this browser cannot show it)';
    }
    syncFocalMarker();
  } catch (thrown) {
    if (controller.signal.aborted) return;
    originalImage.hidden = true;
    originalInfo.textContent = 'not available';
    showError(thrown instanceof ApiError ? thrown.message : 'Could not load the image: ' + thrown.message);
  }
}

function dprValue() {
  const dpr = Number(fieldFor.get('dpr')?.value ?? 1);
  return Number.isFinite(dpr) && dpr > 0 ? dpr : 1;
}

/** @param {string} query */
async function loadResult(query) {
  resultController?.abort();
  const controller = new AbortController();
  resultController = controller;
  resultFigure.setAttribute('aria-busy', 'true');
  const url = location.origin + '/?' + query;
  try {
    const { blob } = await fetchApi(url, controller.signal);
    if (controller.signal.aborted) return;
    const type = blob.type || 'unknown type';
    resultBytes.textContent = formatBytes(blob.size);
    resultType.textContent = '· ' + type;
    if (type.startsWith('image/')) {
      resultText.hidden = true;
      const shown = await showImage(resultImage, blob);
      if (controller.signal.aborted) return;
      const width = shown ? resultImage.naturalWidth : 0;
      const height = shown ? resultImage.naturalHeight : 0;
      resultDimensions.textContent = shown ? width + ' × ' + height + ' px' : 'not shown (this browser cannot decode ' + type + ')';
      snippet.value = imgSnippet(url, width, height, dprValue());
      say('Result updated: ' + (shown ? width + ' × ' + height + ' px, ' : '') + formatBytes(blob.size) + ', ' + type + '.');
    } else {
      // output=json or output=blurhash: text, shown as it is.
      resultImage.hidden = true;
      resultText.hidden = false;
      resultText.textContent = await blob.text();
      resultDimensions.textContent = 'text';
      snippet.value = '';
      say('Result updated: ' + formatBytes(blob.size) + ', ' + type + '.');
    }
    showError('');
  } catch (thrown) {
    if (controller.signal.aborted) return;
    resultImage.hidden = true;
    resultText.hidden = true;
    resultDimensions.textContent = 'no result';
    resultBytes.textContent = formatBytes(0);
    resultType.textContent = '';
    snippet.value = '';
    say('');
    showError(thrown instanceof ApiError ? thrown.message : 'Request failed: ' + thrown.message);
  } finally {
    if (resultController === controller) resultFigure.setAttribute('aria-busy', 'false');
  }
}

function refresh() {
  clearTimeout(timer);
  const sourceUrl = source.value.trim();
  const query = apiQuery(sourceUrl, changedPairs(readFields()));
  const absolute = location.origin + '/?' + query;
  resultUrl.value = absolute;
  openResult.href = absolute;
  // The page's own URL keeps the state, so a playground link can be shared.
  history.replaceState(null, '', '#' + query);
  if (sourceUrl === '') {
    showError('Enter an image URL.');
    return;
  }
  if (sourceUrl !== loadedSource) {
    loadedSource = sourceUrl;
    showError('');
    loadOriginal(sourceUrl);
  }
  if (query !== currentQuery) {
    currentQuery = query;
    loadResult(query);
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(refresh, DEBOUNCE_MS);
}

function restoreFromHash() {
  if (location.hash.length <= 1) return;
  const state = parseApiQuery(location.hash);
  if (state.source !== '') source.value = state.source;
  for (const [key, value] of state.values) {
    const field = fieldFor.get(key);
    if (!field) continue;
    if (field.type === 'checkbox') field.checked = value === null || (value !== '0' && value !== 'false');
    else field.value = value ?? '';
    // A link may set a parameter of the collapsed group: show it, or the result would be a riddle.
    const details = field.closest('details');
    if (details) details.open = true;
  }
}

/** The picker next to each colour field writes hex into it. */
function wireColourPickers() {
  for (const picker of /** @type {NodeListOf<HTMLInputElement>} */ (form.querySelectorAll('input[data-picker-for]'))) {
    /** @type {HTMLInputElement} */
    const text = byId(picker.dataset.pickerFor);
    picker.addEventListener('input', (event) => {
      event.stopPropagation();
      text.value = picker.value.slice(1);
      schedule();
    });
  }
}

/** A click on the original picks the focal point (the fpx/fpy sliders are the keyboard way). */
function wireFocalPoint() {
  const frame = originalImage.parentElement;
  const marker = document.createElement('span');
  marker.id = 'focal-marker';
  marker.className = 'focal-marker';
  marker.hidden = true;
  frame.append(marker);
  originalImage.addEventListener('click', (event) => {
    const box = originalImage.getBoundingClientRect();
    const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)).toFixed(2);
    const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height)).toFixed(2);
    fieldFor.get('a').value = 'focal';
    fieldFor.get('fpx').value = x;
    fieldFor.get('fpy').value = y;
    syncOutputs();
    say('Focal point set to ' + x + ', ' + y + ' (it decides what a fit=cover crop keeps).');
    schedule();
  });
}

/** @param {string} id @param {HTMLElement} button */
async function copy(id, button) {
  /** @type {HTMLInputElement | HTMLTextAreaElement} */
  const field = byId(id);
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    field.select();
    document.execCommand('copy');
  }
  say('Copied: ' + button.textContent.replace(/^Copy /, '') + '.');
}

form.addEventListener('input', () => {
  syncOutputs();
  schedule();
});
form.addEventListener('change', schedule);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  refresh();
});
form.addEventListener('reset', () => {
  // The reset happens after this event: read the form once it is done.
  setTimeout(() => {
    syncOutputs();
    refresh();
  }, 0);
});
for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('button[data-copy]'))) {
  button.addEventListener('click', () => copy(button.dataset.copy, button));
}

// A pasted or edited playground link (same page, new hash): start from the defaults, then apply it.
window.addEventListener('hashchange', () => {
  form.reset();
  restoreFromHash();
  syncOutputs();
  refresh();
});

wireColourPickers();
wireFocalPoint();
restoreFromHash();
syncOutputs();
refresh();
