/**
 * JSON schema of a canonical Plan, built from the parameter table and compiled once at load. Every
 * plan leaves the parser through `sealPlan`: validated (a parser bug must not hand the pipeline a plan
 * it could misread) and deep-frozen (nothing downstream may edit it).
 */
import { Ajv } from 'ajv';
import type { SchemaObject } from 'ajv';
import { ServiceError } from '../errors.js';
import { PARAMETERS, isParamKey } from './parameters.js';
import type { ParameterSpec, ParamKey } from './parameters.js';
import type { Plan } from './types.js';
import { MAX_NUMERIC } from './values.js';

const coordinateSchema: SchemaObject = {
  oneOf: [
    {
      type: 'object',
      properties: { px: { type: 'integer', minimum: 1, maximum: MAX_NUMERIC } },
      required: ['px'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { pct: { type: 'number', exclusiveMinimum: 0, maximum: 1 } },
      required: ['pct'],
      additionalProperties: false,
    },
  ],
};

const colourSchema: SchemaObject = {
  type: 'array',
  items: { type: 'integer', minimum: 0, maximum: 255 },
  minItems: 4,
  maxItems: 4,
};

function rangeOf(spec: { readonly min?: number; readonly max?: number }): SchemaObject {
  return {
    ...(spec.min === undefined ? {} : { minimum: spec.min }),
    ...(spec.max === undefined ? {} : { maximum: spec.max }),
  };
}

/** A value that equals the default never appears in a canonical plan. */
function notDefault(spec: ParameterSpec): SchemaObject {
  return typeof spec.default === 'number' ? { not: { const: spec.default } } : {};
}

/** Plan field schema derived from the table, for fields stored as the parameter itself. */
function fieldSchema(spec: ParameterSpec): SchemaObject {
  switch (spec.type) {
    case 'bool':
      return { const: !spec.default };
    case 'int':
      return { type: 'integer', ...rangeOf(spec), ...notDefault(spec) };
    case 'float':
      return { type: 'number', ...rangeOf(spec), ...notDefault(spec) };
    case 'coordinate':
      return coordinateSchema;
    case 'colour':
      return colourSchema;
    case 'enum':
      return { enum: spec.values.filter((value) => value !== spec.default) };
    case 'list':
      return { type: 'number', ...rangeOf(spec), ...notDefault(spec) };
  }
}

const degrees: SchemaObject = { type: 'integer', minimum: 1, maximum: 359 };
const sigma = (spec: { readonly min?: number; readonly max?: number }): SchemaObject => ({
  oneOf: [{ type: 'number', ...rangeOf(spec) }, { const: 'mild' }],
});

/** Plan fields whose canonical form differs from the raw parameter's type or range. */
const OVERRIDES: Partial<Record<ParamKey, SchemaObject>> = {
  ro: degrees,
  hue: degrees,
  bri: { type: 'integer', minimum: -100, maximum: 100, not: { const: 0 } },
  con: { type: 'integer', minimum: -100, maximum: 100, not: { const: 0 } },
  sharp: sigma(PARAMETERS.sharp),
  blur: sigma(PARAMETERS.blur),
  page: { type: 'integer', minimum: -2, maximum: PARAMETERS.page.max, not: { const: 0 } },
  n: { type: 'integer', minimum: -1, maximum: MAX_NUMERIC, not: { enum: [0, 1] } },
  loop: { type: 'integer', minimum: 0, maximum: MAX_NUMERIC },
  delay: {
    type: 'array',
    items: { type: 'integer', minimum: 0, maximum: MAX_NUMERIC },
    minItems: 1,
    maxItems: PARAMETERS.delay.maxItems,
  },
};

/** Table keys that are not plan fields: their values live in `crop`. */
const NOT_PLAN_FIELDS: ReadonlySet<ParamKey> = new Set(['crop', 'cx', 'cy', 'cw', 'ch']);

function buildPlanSchema(): SchemaObject {
  const properties: Record<string, SchemaObject> = {};
  for (const key of Object.keys(PARAMETERS)) {
    if (!isParamKey(key) || NOT_PLAN_FIELDS.has(key)) continue;
    properties[key] = OVERRIDES[key] ?? fieldSchema(PARAMETERS[key]);
  }
  properties.crop = {
    type: 'object',
    properties: { x: coordinateSchema, y: coordinateSchema, w: coordinateSchema, h: coordinateSchema },
    additionalProperties: false,
    minProperties: 1,
  };
  return { type: 'object', properties, additionalProperties: false };
}

export const PLAN_SCHEMA: SchemaObject = buildPlanSchema();

const validate = new Ajv({ allErrors: true, strict: true }).compile<Plan>(PLAN_SCHEMA);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The plan validated against PLAN_SCHEMA and deep-frozen; a violation is an internal error. */
export function sealPlan(plan: Plan): Plan {
  if (!validate(plan)) {
    const detail = (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`).join('; ');
    throw new ServiceError('INTERNAL', `invalid plan: ${detail}`);
  }
  return deepFreeze(plan);
}
