/**
 * Panther-format log schemas (YAML): their types, and a strict reader that
 * refuses anything the schema compiler could misread, naming the file and the
 * field at fault.
 */
import { parseYaml } from '../shared/parse-yaml.js';
import { INDICATOR_NAME } from './indicators.js';
import { isTimeFormat, TIME_FORMATS, type TimeFormat } from './timestamp-parser.js';

/** Every field `type` a schema may use. */
export const FIELD_TYPES = ['string', 'timestamp', 'bigint', 'int', 'float', 'boolean', 'object', 'array', 'json'] as const;
export type PantherFieldType = (typeof FIELD_TYPES)[number];

interface ValueSchemaBase {
  description?: string;
}

/** Text, kept exactly as received; may carry indicators. */
export interface StringValueSchema extends ValueSchemaBase {
  type: 'string';
  indicators?: readonly string[];
}

/** A time in `timeFormat`, stored as RFC 3339 UTC with milliseconds. */
export interface TimestampValueSchema extends ValueSchemaBase {
  type: 'timestamp';
  timeFormat: TimeFormat;
}

/** Numbers, booleans, and `json` (any JSON value, kept as is). */
export interface ScalarValueSchema extends ValueSchemaBase {
  type: 'bigint' | 'int' | 'float' | 'boolean' | 'json';
}

/** A nested object with its own fields; unlisted keys are kept. */
export interface ObjectValueSchema extends ValueSchemaBase {
  type: 'object';
  fields: readonly PantherField[];
}

/** A list whose every element follows `element`. */
export interface ArrayValueSchema extends ValueSchemaBase {
  type: 'array';
  element: PantherValueSchema;
}

/** The shape of one value: a field without its name (also an array's `element`). */
export type PantherValueSchema = StringValueSchema | TimestampValueSchema | ScalarValueSchema | ObjectValueSchema | ArrayValueSchema;

/** What a named field adds to its value's shape. */
export interface PantherFieldMeta {
  name: string;
  /** Absent, null and empty string all count as missing. */
  required?: boolean;
  /** Only on a top-level timestamp, at most one per schema: the event's time. */
  isEventTime?: boolean;
}

/** One named field of a schema or of an object. */
export type PantherField = PantherValueSchema & PantherFieldMeta;

/** Panther's `parser` block; only the native (JSON) parser is supported. */
export interface PantherParser {
  native?: { name: string };
}

/** A whole Panther-format log schema. */
export interface PantherSchema {
  /** The log type, e.g. `Zoom.Activity`. */
  schema: string;
  description?: string;
  referenceURL?: string;
  version?: number;
  parser?: PantherParser;
  fields: readonly PantherField[];
}

const SCHEMA_KEYS = ['schema', 'description', 'referenceURL', 'version', 'parser', 'fields'];
const VALUE_KEYS = ['type', 'description', 'fields', 'element', 'timeFormat', 'indicators'];
const FIELD_KEYS = ['name', 'required', 'isEventTime', ...VALUE_KEYS];

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** Reads one schema file's text; every error names `fileName` and the place at fault. */
class SchemaReader {
  private eventTimeField: string | null = null;

  constructor(private readonly fileName: string) {}

  fail(where: string, message: string): never {
    throw new Error(`${this.fileName}: ${where}: ${message}`);
  }

  read(text: string): PantherSchema {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new Error(`${this.fileName}: invalid YAML: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (!isPlain(doc)) this.fail('document', `expected a mapping, got ${kindOf(doc)}`);
    this.onlyKeys(doc, SCHEMA_KEYS, 'schema document');
    const schema = doc.schema;
    if (typeof schema !== 'string' || schema.trim() === '') this.fail('"schema"', 'must be a non-empty string');
    const result: PantherSchema = { schema, fields: this.fields(doc.fields, '', '"fields"') };
    const description = this.optionalString(doc, 'description', '"description"');
    if (description !== undefined) result.description = description;
    const referenceURL = this.optionalString(doc, 'referenceURL', '"referenceURL"');
    if (referenceURL !== undefined) result.referenceURL = referenceURL;
    if (doc.version !== undefined) {
      if (typeof doc.version !== 'number' || !Number.isInteger(doc.version) || doc.version < 0) {
        this.fail('"version"', 'must be a non-negative integer');
      }
      result.version = doc.version;
    }
    if (doc.parser !== undefined) result.parser = this.parser(doc.parser);
    return result;
  }

  private parser(value: unknown): PantherParser {
    if (!isPlain(value)) this.fail('"parser"', `expected a mapping, got ${kindOf(value)}`);
    for (const key of Object.keys(value)) {
      if (key !== 'native') this.fail('"parser"', `parser "${key}" is not supported (only "native", JSON records)`);
    }
    if (value.native === undefined) return {};
    if (!isPlain(value.native) || typeof value.native.name !== 'string' || value.native.name === '') {
      this.fail('"parser.native"', 'expected a mapping with a non-empty "name"');
    }
    this.onlyKeys(value.native, ['name'], '"parser.native"');
    return { native: { name: value.native.name } };
  }

  /** The fields of the schema (`prefix` '') or of an object field (`prefix` 'a.'). */
  private fields(value: unknown, prefix: string, where: string): PantherField[] {
    if (!Array.isArray(value) || value.length === 0) this.fail(where, 'expected a non-empty list of fields');
    const seen = new Set<string>();
    return value.map((item: unknown, index) => {
      if (!isPlain(item)) this.fail(`${where}[${index}]`, `expected a mapping, got ${kindOf(item)}`);
      const name = item.name;
      if (typeof name !== 'string' || name === '') this.fail(`${where}[${index}]`, '"name" must be a non-empty string');
      const path = prefix + name;
      const at = `field "${path}"`;
      if (seen.has(name)) this.fail(at, 'defined twice');
      seen.add(name);
      if (name === '__proto__') this.fail(at, 'this name is not allowed');
      if (prefix === '' && name.startsWith('p_')) this.fail(at, 'names starting with "p_" are reserved for standard fields');
      this.onlyKeys(item, FIELD_KEYS, at);
      const field = this.value(item, path, at) as PantherField;
      field.name = name;
      if (item.required !== undefined) {
        if (typeof item.required !== 'boolean') this.fail(at, '"required" must be true or false');
        field.required = item.required;
      }
      if (item.isEventTime !== undefined) {
        if (typeof item.isEventTime !== 'boolean') this.fail(at, '"isEventTime" must be true or false');
        if (item.isEventTime) {
          if (field.type !== 'timestamp') this.fail(at, '"isEventTime" is only allowed on a timestamp field');
          if (prefix !== '') this.fail(at, '"isEventTime" is only allowed on a top-level field');
          if (this.eventTimeField !== null) {
            this.fail(at, `"isEventTime" is already set on field "${this.eventTimeField}"; a schema has one event time`);
          }
          this.eventTimeField = path;
        }
        field.isEventTime = item.isEventTime;
      }
      return field;
    });
  }

  /** The shape of a field or array element at `path` (the field's `name` is set by the caller). */
  private value(item: Plain, path: string, at: string): PantherValueSchema {
    const type = item.type;
    if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
      this.fail(at, `unknown type ${JSON.stringify(type)} (expected one of ${FIELD_TYPES.join(', ')})`);
    }
    const fieldType = type as PantherFieldType;
    this.onlyFor(item, 'fields', 'object', fieldType, at);
    this.onlyFor(item, 'element', 'array', fieldType, at);
    this.onlyFor(item, 'timeFormat', 'timestamp', fieldType, at);
    this.onlyFor(item, 'indicators', 'string', fieldType, at);
    let result: PantherValueSchema;
    switch (fieldType) {
      case 'string': {
        result = { type: 'string' };
        if (item.indicators !== undefined) result.indicators = this.indicators(item.indicators, at);
        break;
      }
      case 'timestamp': {
        const timeFormat = item.timeFormat;
        if (timeFormat === undefined) this.fail(at, 'a timestamp needs a "timeFormat"');
        if (!isTimeFormat(timeFormat)) {
          this.fail(at, `unknown timeFormat ${JSON.stringify(timeFormat)} (expected one of ${TIME_FORMATS.join(', ')})`);
        }
        result = { type: 'timestamp', timeFormat };
        break;
      }
      case 'object':
        if (item.fields === undefined) this.fail(at, 'an object needs "fields"');
        result = { type: 'object', fields: this.fields(item.fields, `${path}.`, `${at} "fields"`) };
        break;
      case 'array': {
        const element = item.element;
        if (!isPlain(element)) this.fail(at, 'an array needs an "element" mapping');
        const elementAt = `field "${path}[]"`;
        this.onlyKeys(element, VALUE_KEYS, elementAt);
        result = { type: 'array', element: this.value(element, `${path}[]`, elementAt) };
        break;
      }
      default:
        result = { type: fieldType };
    }
    const description = this.optionalString(item, 'description', at);
    if (description !== undefined) result.description = description;
    return result;
  }

  private indicators(value: unknown, at: string): string[] {
    if (!Array.isArray(value) || value.length === 0) this.fail(at, '"indicators" must be a non-empty list');
    const names: string[] = [];
    for (const name of value) {
      if (typeof name !== 'string' || !INDICATOR_NAME.test(name)) {
        this.fail(at, `invalid indicator ${JSON.stringify(name)} (lower-case letters, digits and _)`);
      }
      if (names.includes(name)) this.fail(at, `indicator "${name}" listed twice`);
      names.push(name);
    }
    return names;
  }

  private onlyFor(item: Plain, key: string, allowedType: PantherFieldType, type: PantherFieldType, at: string): void {
    if (item[key] !== undefined && type !== allowedType) {
      this.fail(at, `"${key}" is only allowed on type ${allowedType} (this field is ${type})`);
    }
  }

  private onlyKeys(item: Plain, allowed: readonly string[], at: string): void {
    for (const key of Object.keys(item)) {
      if (!allowed.includes(key)) this.fail(at, `unknown key "${key}" (allowed: ${allowed.join(', ')})`);
    }
  }

  private optionalString(item: Plain, key: string, at: string): string | undefined {
    const value = item[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.fail(at, `"${key}" must be a string`);
    return value;
  }
}

/**
 * Parses and validates a Panther-format schema. Throws an Error naming
 * `fileName` and the bad field on anything invalid: bad YAML, unknown keys or
 * types, an object without `fields`, an array without `element`, a timestamp
 * without a known `timeFormat`, two `isEventTime` fields, duplicate names,
 * indicators on a non-string field, a top-level name starting with `p_`.
 */
export function parsePantherSchema(yamlText: string, fileName: string): PantherSchema {
  return new SchemaReader(fileName).read(yamlText);
}
