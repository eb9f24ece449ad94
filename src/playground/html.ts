/** Small helpers to write HTML safely as strings (no template engine: the pages are built once). */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and (double- or single-quoted) attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** The table's descriptions mark keys and values with backticks, as in Markdown: make them `<code>`. */
export function inlineMarkup(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** `name="value"` pairs; `true` writes a bare boolean attribute, `false`/`undefined` nothing. */
export function attributes(attrs: Readonly<Record<string, string | number | boolean | undefined>>): string {
  return Object.entries(attrs)
    .flatMap(([name, value]) => {
      if (value === undefined || value === false) return [];
      if (value === true) return [` ${name}`];
      return [` ${name}="${escapeHtml(String(value))}"`];
    })
    .join('');
}

export interface PageShell {
  readonly title: string;
  /** Which navigation entry is the current page. */
  readonly current: 'playground' | 'reference';
  readonly stylesheet: string;
  /** Module scripts to load, by URL. */
  readonly scripts?: readonly string[];
  readonly main: string;
}

/**
 * Everything the pages load comes from this host; the CSP says so, so a pasted URL can never make the
 * page pull scripts or styles from elsewhere. Images are only ever fetched through pixproxy (or blob:).
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'";

export function page(shell: PageShell): string {
  const nav = (href: string, label: string, key: PageShell['current']): string =>
    `<a href="${href}"${key === shell.current ? ' aria-current="page"' : ''}>${label}</a>`;
  const scripts = (shell.scripts ?? []).map((src) => `<script type="module" src="${escapeHtml(src)}"></script>\n`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(shell.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(shell.stylesheet)}">
${scripts}</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<p class="brand"><a href="/">pixproxy</a></p>
<nav aria-label="Site">${nav('/', 'Playground', 'playground')} ${nav('/reference', 'Parameter reference', 'reference')}</nav>
</header>
<main id="main">
${shell.main}
</main>
</body>
</html>
`;
}
