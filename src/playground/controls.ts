/**
 * The playground's form, derived from the parameter table: each parameter's type picks the kind of
 * control, and its range and default become the control's limits and starting value. Adding a
 * parameter to the table adds a control (in "More parameters" until a group below names it).
 */
import { PARAMETERS, type ParamKey, type ParameterSpec } from '../plan/parameters.js';

export type ControlKind = 'coordinate' | 'number' | 'range' | 'checkbox' | 'select' | 'colour' | 'list';

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

export interface Control {
  readonly key: ParamKey;
  readonly kind: ControlKind;
  readonly synonyms: readonly string[];
  readonly description: string;
  readonly min?: number;
  readonly max?: number;
  /** `any` for free-form floats. */
  readonly step?: number | 'any';
  /** The value meaning "not given", as the control shows it ('' when the parameter is off by default). */
  readonly defaultValue: string;
  /** For selects: the first (empty) option means the default. */
  readonly options?: readonly SelectOption[];
}

export interface ControlGroup {
  readonly title: string;
  /** Shown collapsed: the long tail of the table. */
  readonly collapsed: boolean;
  readonly controls: readonly Control[];
}

/** The parameters a person reaches for first, in the order they think of them. */
const MAIN_GROUPS: ReadonlyArray<{ readonly title: string; readonly keys: readonly ParamKey[] }> = [
  { title: 'Size and fit', keys: ['w', 'h', 'dpr', 'fit'] },
  { title: 'Alignment', keys: ['a', 'fpx', 'fpy'] },
  { title: 'Rectangle crop', keys: ['cx', 'cy', 'cw', 'ch'] },
  { title: 'Orientation', keys: ['ro', 'flip', 'flop'] },
  { title: 'Adjustments', keys: ['bri', 'con', 'sat', 'hue', 'gam', 'sharp', 'blur', 'filt', 'bg'] },
  { title: 'Output', keys: ['output', 'q'] },
];

/** A slider is only useful for a short range; longer ones get a number field. */
const MAX_SLIDER_STEPS = 200;

function rangeStep(type: 'int' | 'float', min: number, max: number): number {
  if (type === 'int') return 1;
  const span = max - min;
  return span <= 1 ? 0.01 : span <= 10 ? 0.1 : 1;
}

function numberControl(key: ParamKey, spec: Extract<ParameterSpec, { type: 'int' | 'float' }>): Omit<Control, 'synonyms' | 'description'> {
  const limits = { ...(spec.min === undefined ? {} : { min: spec.min }), ...(spec.max === undefined ? {} : { max: spec.max }) };
  if (spec.default !== null && spec.min !== undefined && spec.max !== undefined) {
    const step = rangeStep(spec.type, spec.min, spec.max);
    if ((spec.max - spec.min) / step <= MAX_SLIDER_STEPS) {
      return { key, kind: 'range', ...limits, step, defaultValue: String(spec.default) };
    }
  }
  return {
    key,
    kind: 'number',
    ...limits,
    step: spec.type === 'int' ? 1 : 'any',
    defaultValue: spec.default === null ? '' : String(spec.default),
  };
}

function enumOptions(spec: Extract<ParameterSpec, { type: 'enum' }>): SelectOption[] {
  const extensions: readonly string[] = spec.extensionValues ?? [];
  const first = { value: '', label: spec.default === null ? 'none (default)' : `${spec.default} (default)` };
  const rest = spec.values
    .filter((value) => value !== spec.default)
    .map((value) => ({ value, label: extensions.includes(value) ? `${value} (pixproxy)` : value }));
  return [first, ...rest];
}

export function controlFor(key: ParamKey, spec: ParameterSpec): Control {
  const common = { synonyms: spec.synonyms ?? [], description: spec.description };
  switch (spec.type) {
    case 'bool':
      return { key, kind: 'checkbox', ...common, defaultValue: spec.default ? 'true' : 'false' };
    case 'int':
    case 'float':
      return { ...numberControl(key, spec), ...common };
    case 'coordinate':
      return { key, kind: 'coordinate', ...common, defaultValue: '' };
    case 'colour':
      return { key, kind: 'colour', ...common, defaultValue: spec.default ?? '' };
    case 'enum':
      return { key, kind: 'select', ...common, defaultValue: '', options: enumOptions(spec) };
    case 'list':
      return { key, kind: 'list', ...common, defaultValue: '' };
  }
}

function isParamKeyOf(key: string): key is ParamKey {
  return Object.hasOwn(PARAMETERS, key);
}

/** Every parameter of the table exactly once: the main groups, then the rest in table order. */
export function playgroundControls(): readonly ControlGroup[] {
  const table: Readonly<Record<ParamKey, ParameterSpec>> = PARAMETERS;
  const placed = new Set<ParamKey>(MAIN_GROUPS.flatMap((group) => group.keys));
  const main = MAIN_GROUPS.map((group) => ({
    title: group.title,
    collapsed: false,
    controls: group.keys.map((key) => controlFor(key, table[key])),
  }));
  const rest = Object.keys(table)
    .filter(isParamKeyOf)
    .filter((key) => !placed.has(key))
    .map((key) => controlFor(key, table[key]));
  return [...main, { title: 'More parameters', collapsed: true, controls: rest }];
}
