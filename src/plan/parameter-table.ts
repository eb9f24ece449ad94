/**
 * The README's parameter table, rendered from the parameter table itself so documentation can never
 * drift from what the parser accepts. `test/readme.test.ts` checks the README holds exactly this and
 * that every row marked supported is exercised by some test.
 */
import { DELIVERY_KEYS, PARAMETERS, type ParameterSpec } from './parameters.js';

export interface ParameterRow {
  readonly key: string;
  readonly synonyms: readonly string[];
  readonly kind: 'api' | 'delivery';
  readonly type: string;
  readonly supported: boolean;
  readonly origin: string;
  readonly description: string;
}

const origins: Readonly<Record<string, string>> = {
  api3: 'API 3+',
  api4: 'API 4+',
  api5: 'API 5',
  docs: 'API 5 (docs)',
  pixproxy: '**extension**',
};

function typeOf(spec: ParameterSpec): string {
  if (spec.type === 'enum') {
    const extensions = new Set(spec.extensionValues ?? []);
    return spec.values.map((value) => (extensions.has(value) ? `${value}*` : value)).join(', ');
  }
  return spec.type;
}

/** Features this build cannot provide, and why: the only exceptions to "supported". */
export const UNSUPPORTED_VALUES: Readonly<Record<string, string>> = {};

export function parameterRows(): ParameterRow[] {
  const rows: ParameterRow[] = [];
  for (const [key, spec] of Object.entries(PARAMETERS) as [string, ParameterSpec][]) {
    rows.push({
      key,
      synonyms: spec.synonyms ?? [],
      kind: 'api',
      type: typeOf(spec),
      supported: true,
      origin: `${origins[spec.since] ?? spec.since}${spec.deprecated ? ', deprecated' : ''}`,
      description: spec.description + (UNSUPPORTED_VALUES[key] ? ` ${UNSUPPORTED_VALUES[key]}` : ''),
    });
  }
  for (const [key, spec] of Object.entries(DELIVERY_KEYS)) {
    rows.push({
      key,
      synonyms: [],
      kind: 'delivery',
      type: 'delivery',
      supported: true,
      origin: `${origins[spec.since] ?? spec.since}${'deprecated' in spec && spec.deprecated ? ', deprecated' : ''}`,
      description: spec.description,
    });
  }
  return rows;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function parameterTableMarkdown(): string {
  const lines = [
    '| Parameter | Also | Values | Supported | Since | What it does |',
    '| --- | --- | --- | --- | --- | --- |',
    ...parameterRows().map(
      (row) =>
        `| \`${row.key}\` | ${row.synonyms.map((s) => `\`${s}\``).join(', ')} | ${cell(row.type)} | ${row.supported ? 'yes' : 'no'} | ${row.origin} | ${cell(row.description)} |`,
    ),
  ];
  return lines.join('\n');
}
