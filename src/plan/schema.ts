/**
 * JSON schema of a canonical Plan, built from the parameter table and compiled once at load. Every
 * plan leaves the parser through `sealPlan`: validated (a parser bug must not hand the pipeline a plan
 * it could misread) and deep-frozen (nothing downstream may edit it).
 */
import { Ajv } from 'ajv';
import type { SchemaObject } from 'ajv';
import { ServiceError } from '../errors.js';
import { PARAMETERS, isParamKey } from './parameters.js';
import type { ParameterSpec } from './parameters.js';
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

function rangeOf(spec: { readonly min?: number | undefined; readonly max?: number | undefined }): SchemaObject {
  return {
    ...(spec.min === undefined ? {} : { minimum: spec.min }),
    ...(spec.max === undefined ? {} : { maximum: spec.max }),
  };
}

/** A value that equals the default never appears in a canonical plan. */
function notDefault(spec: ParameterSpec): SchemaObject {
  return typeof spec.default === 'number' ? { not: { const: spec.default } } : {};
}

const degrees: SchemaObject = { type: 'integer', minimum: 1, maximum: 359 };

/** A float: in range and not the default, or a sigma (`'mild'` for the fixed kernel). */
function numberSchema(spec: ParameterSpec & { readonly min?: number; readonly max?: number }): SchemaObject {
  if (spec.normalise === 'sigma') return { oneOf: [{ type: 'number', ...rangeOf(spec) }, { const: 'mild' }] };
  return { type: 'number', ...rangeOf(spec), ...notDefault(spec) };
}

/** Plan field schema derived from the row: value type, range, default, specials and `normalise`. */
function fieldSchema(spec: ParameterSpec): SchemaObject {
  if (spec.normalise === 'degrees') return degrees;
  switch (spec.type) {
    case 'bool':
      return { const: !spec.default };
    case 'int': {
      // Parsed integers never exceed MAX_NUMERIC (values.ts).
      const integer = { type: 'integer', ...rangeOf({ min: spec.min, max: spec.max ?? MAX_NUMERIC }) };
      const specials = spec.specials ?? [];
      return specials.length === 0
        ? { ...integer, ...notDefault(spec) }
        : { anyOf: [integer, { enum: specials }], ...notDefault(spec) };
    }
    case 'float':
      return numberSchema(spec);
    case 'coordinate':
      return coordinateSchema;
    case 'colour':
      return colourSchema;
    case 'enum':
      return { enum: spec.values.filter((value) => value !== spec.default) };
    case 'list':
      if (spec.slot === 'ints') {
        const item = { type: 'integer', ...rangeOf({ min: spec.min, max: spec.max ?? MAX_NUMERIC }) };
        return { type: 'array', items: item, minItems: 1, maxItems: spec.maxItems };
      }
      return numberSchema(spec);
  }
}

/** Whether the row has a plan field of its own (`cx` is part of `crop`, `crop=` only fills others). */
function isPlanField(spec: ParameterSpec): boolean {
  return spec.partOf === undefined && !(spec.type === 'list' && spec.slot === 'none');
}

function buildPlanSchema(): SchemaObject {
  const properties: Record<string, SchemaObject> = {};
  for (const key of Object.keys(PARAMETERS)) {
    if (!isParamKey(key)) continue;
    const spec: ParameterSpec = PARAMETERS[key];
    if (isPlanField(spec)) properties[key] = fieldSchema(spec);
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
