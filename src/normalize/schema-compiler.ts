/**
 * Compiles a Panther schema into a Normalizer. Every field becomes a small
 * closure (validate + convert) once, at compile time; normalizing a record is
 * then a loop over those closures, with no schema interpretation, no regex
 * construction and no exceptions on the per-record path.
 *
 * Failures travel as a sentinel return value: the failing converter writes
 * what is wrong into the shared state, and each enclosing object or array
 * prepends its own name or index to the path on the way back up.
 */
import { findNulPath } from '../domain/nul-character.js';
import type { LogType } from '../zoom/report-records.js';
import { IP_LOCATION, P_ENRICHMENT, type IpLocation } from '../domain/ip-location.js';
import type { DataModel } from './data-models.js';
import { finishIndicatorValues, indicatorExtractor, indicatorFields, P_ANY_EMAILS, P_ANY_IP_ADDRESSES, type IndicatorExtractor, type IndicatorSink } from './indicators.js';
import type { IpLocator } from './ip-locator.js';
import { normalizeIp } from './indicators.js';
import type { NormalizeContext, NormalizeResult, Normalizer } from './normalizer.js';
import type { PantherField, PantherSchema, PantherValueSchema } from './panther-schema.js';
import { formatTimestamp, timestampReader, type TimestampReader } from './timestamp-parser.js';

/** Returned by a converter that rejected its value; details are in the ConvertState. */
const FAIL: unique symbol = Symbol('normalize failure');

/**
 * Scratch state of one normalizer, reused across records: `normalize` is
 * synchronous, so one record at a time uses it.
 */
class ConvertState {
  /** On failure: what is wrong with the value, without its path. */
  detail = '';
  /** On failure: the path of the failing value, built from the leaf upwards. */
  path = '';
  /** On failure: the value is a missing required field (not a wrong one). */
  missing = false;
  /** The event-time field's value in ms, once it has been read; NaN before. */
  eventTimeMs = Number.NaN;
  emails: string[] = [];
  ipAddresses: string[] = [];
  others: Map<string, string[]> | null = null;

  readonly sink: IndicatorSink = (field, value) => {
    if (field === P_ANY_EMAILS) this.emails.push(value);
    else if (field === P_ANY_IP_ADDRESSES) this.ipAddresses.push(value);
    else {
      this.others ??= new Map();
      const values = this.others.get(field);
      if (values) values.push(value);
      else this.others.set(field, [value]);
    }
  };

  reset(): void {
    this.eventTimeMs = Number.NaN;
    this.emails = [];
    this.ipAddresses = [];
    this.others = null;
  }
}

/** Validates and converts one present (non-null) value; FAIL after recording why. */
type Converter = (value: unknown, state: ConvertState) => unknown;

function invalid(state: ConvertState, detail: string): typeof FAIL {
  state.detail = detail;
  state.path = '';
  state.missing = false;
  return FAIL;
}

/** The JSON kind of a value, for messages: null, array, object, string, number, boolean. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

const PREVIEW_LENGTH = 60;

/** A short JSON rendering of a rejected value, for messages. */
function preview(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > PREVIEW_LENGTH ? `${value.slice(0, PREVIEW_LENGTH)}…` : value);
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}…` : text;
}

/** `name` + the path below it (`''`, `[2]...` or `b...`). */
function underField(name: string, below: string): string {
  if (below === '') return name;
  return below.charCodeAt(0) === 91 /* [ */ ? name + below : `${name}.${below}`;
}

function underIndex(index: number, below: string): string {
  if (below === '') return `[${index}]`;
  return below.charCodeAt(0) === 91 ? `[${index}]${below}` : `[${index}].${below}`;
}

/** Sets a key on a fresh object, storing a `__proto__` key as data rather than as the prototype. */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TIME_FORMAT_LABEL: Readonly<Record<string, string>> = {
  rfc3339: 'an rfc3339 timestamp',
  unix: 'a unix timestamp',
  unix_ms: 'a unix_ms timestamp',
  unix_us: 'a unix_us timestamp',
  unix_ns: 'a unix_ns timestamp',
};

const INTEGER_TEXT = /^-?\d+$/;
const FLOAT_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function stringConverter(indicators: readonly string[] | undefined): Converter {
  const extractors: IndicatorExtractor[] = (indicators ?? []).map(indicatorExtractor);
  if (extractors.length === 0) {
    return (value, state) => (typeof value === 'string' ? value : invalid(state, `expected string, got ${kindOf(value)}`));
  }
  return (value, state) => {
    if (typeof value !== 'string') return invalid(state, `expected string, got ${kindOf(value)}`);
    for (const extract of extractors) extract(value, state.sink);
    return value;
  };
}

function timestampConverter(timeFormat: string, isEventTime: boolean): Converter {
  const read = timestampReader(timeFormat);
  const label = TIME_FORMAT_LABEL[timeFormat] ?? `a ${timeFormat} timestamp`;
  return (value, state) => {
    const ms = read(value);
    if (ms === undefined) return invalid(state, `cannot read ${preview(value)} as ${label}`);
    if (isEventTime) state.eventTimeMs = ms;
    return formatTimestamp(ms);
  };
}

function integerConverter(typeName: string, min: number, max: number): Converter {
  return (value, state) => {
    let n: number;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string') {
      if (!INTEGER_TEXT.test(value)) return invalid(state, `cannot read ${preview(value)} as ${typeName}`);
      n = Number(value);
    } else return invalid(state, `expected ${typeName}, got ${kindOf(value)}`);
    if (!Number.isInteger(n)) return invalid(state, `cannot read ${preview(value)} as ${typeName}`);
    if (n < min || n > max) return invalid(state, `cannot read ${preview(value)} as ${typeName} (out of range)`);
    return n + 0;
  };
}

const floatConverter: Converter = (value, state) => {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return invalid(state, `expected float, got ${kindOf(value)}`);
  if (!FLOAT_TEXT.test(value)) return invalid(state, `cannot read ${preview(value)} as float`);
  const n = Number(value);
  return Number.isFinite(n) ? n : invalid(state, `cannot read ${preview(value)} as float (out of range)`);
};

const booleanConverter: Converter = (value, state) => {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return typeof value === 'string' ? invalid(state, `cannot read ${preview(value)} as boolean`) : invalid(state, `expected boolean, got ${kindOf(value)}`);
};

const jsonConverter: Converter = (value) => value;

function arrayConverter(element: PantherValueSchema): Converter {
  const convert = compileValue(element, false);
  return (value, state) => {
    if (!Array.isArray(value)) return invalid(state, `expected array, got ${kindOf(value)}`);
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || item === undefined) {
        out[i] = null;
        continue;
      }
      const converted = convert(item, state);
      if (converted === FAIL) {
        state.path = underIndex(i, state.path);
        return FAIL;
      }
      out[i] = converted;
    }
    return out;
  };
}

function objectConverter(fields: readonly PantherField[]): Converter {
  const plan = compileFields(fields, false);
  return (value, state) => {
    if (!isJsonObject(value)) return invalid(state, `expected object, got ${kindOf(value)}`);
    const out: Record<string, unknown> = {};
    for (const key in value) {
      const item = value[key];
      if (!plan.drops(key, item)) setKey(out, key, item);
    }
    return plan.apply(value, out, state) ? out : FAIL;
  };
}

/** One value shape -> its converter. */
function compileValue(schema: PantherValueSchema, isEventTime: boolean): Converter {
  switch (schema.type) {
    case 'string':
      return stringConverter(schema.indicators);
    case 'timestamp':
      return timestampConverter(schema.timeFormat, isEventTime);
    case 'bigint':
      return integerConverter('bigint', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'int':
      return integerConverter('int', INT32_MIN, INT32_MAX);
    case 'float':
      return floatConverter;
    case 'boolean':
      return booleanConverter;
    case 'json':
      return jsonConverter;
    case 'object':
      return objectConverter(schema.fields);
    case 'array':
      return arrayConverter(schema.element);
    default: {
      const unknownType: never = schema;
      throw new Error(`unknown field type ${JSON.stringify((unknownType as { type: unknown }).type)}`);
    }
  }
}

/** The fields of one object level, compiled. */
interface FieldPlan {
  /** Whether a received key/value is left out of the output (null, or empty text for a typed field). */
  drops(key: string, value: unknown): boolean;
  /** Checks and converts every listed field of `raw` into `out`; false after recording the first problem. */
  apply(raw: Record<string, unknown>, out: Record<string, unknown>, state: ConvertState): boolean;
}

/** Types for which an empty string means "no value" (text and json keep it). */
function emptyMeansAbsent(field: PantherField): boolean {
  return field.type !== 'string' && field.type !== 'json';
}

/** Compiles one object level; only the top level (`topLevel`) may hold the event-time field. */
function compileFields(fields: readonly PantherField[], topLevel: boolean): FieldPlan {
  const count = fields.length;
  const names = fields.map((f) => f.name);
  const required = fields.map((f) => f.required === true);
  const emptyAbsent = fields.map(emptyMeansAbsent);
  const converters = fields.map((f) => compileValue(f, topLevel && f.isEventTime === true));
  const listed = new Set(names);
  const emptyDropped = new Set(fields.filter(emptyMeansAbsent).map((f) => f.name));
  return {
    drops: (key, value) => (value === null && listed.has(key)) || (value === '' && emptyDropped.has(key)),
    apply(raw, out, state) {
      for (let i = 0; i < count; i++) {
        const name = names[i] as string;
        const value = raw[name];
        if (value === undefined || value === null || (value === '' && (required[i] || emptyAbsent[i]))) {
          if (!required[i]) continue;
          state.missing = true;
          state.detail = '';
          state.path = name;
          return false;
        }
        const converted = (converters[i] as Converter)(value, state);
        if (converted === FAIL) {
          state.path = underField(name, state.path);
          return false;
        }
        if (converted !== value) out[name] = converted;
      }
      return true;
    },
  };
}

function isReservedKey(key: string): boolean {
  return key.charCodeAt(0) === 112 /* p */ && key.charCodeAt(1) === 95; /* _ */
}

/** The single `isEventTime` field, if any; more than one is an error. */
function eventTimeFieldOf(schema: PantherSchema): (PantherField & { type: 'timestamp' }) | undefined {
  const marked = schema.fields.filter((f) => f.isEventTime === true);
  if (marked.length > 1) throw new Error(`schema ${schema.schema}: more than one isEventTime field`);
  const field = marked[0];
  if (field === undefined) return undefined;
  if (field.type !== 'timestamp') throw new Error(`schema ${schema.schema}: isEventTime field "${field.name}" is not a timestamp`);
  return field;
}

/** Every `p_any_*` field beyond emails and IP addresses the schema's indicators may fill, sorted. */
function otherIndicatorFields(fields: readonly PantherField[]): string[] {
  const found = new Set<string>();
  const visit = (schema: PantherValueSchema): void => {
    if (schema.type === 'string') for (const name of schema.indicators ?? []) for (const f of indicatorFields(name)) found.add(f);
    else if (schema.type === 'object') schema.fields.forEach(visit);
    else if (schema.type === 'array') visit(schema.element);
  };
  fields.forEach(visit);
  found.delete(P_ANY_EMAILS);
  found.delete(P_ANY_IP_ADDRESSES);
  return [...found].sort();
}

/** A field marked as an IP address, reached through objects only: its path (`a.b`) and its names. */
interface IpField {
  path: string;
  names: string[];
}

/** Every string field with the `ip` indicator, at the top or inside objects (arrays are not enriched). */
function ipFieldsOf(fields: readonly PantherField[], prefix: string[] = []): IpField[] {
  const out: IpField[] = [];
  for (const field of fields) {
    const names = [...prefix, field.name];
    if (field.type === 'string' && (field.indicators ?? []).includes('ip')) out.push({ path: names.join('.'), names });
    else if (field.type === 'object') out.push(...ipFieldsOf(field.fields, names));
  }
  return out;
}

function valueAt(event: Record<string, unknown>, names: readonly string[]): unknown {
  let value: unknown = event;
  for (const name of names) {
    if (!isJsonObject(value)) return undefined;
    value = value[name];
  }
  return value;
}

/**
 * `p_enrichment.ip_location.<field path>` of every valid IP address in the
 * schema's IP fields; undefined when there is none. Each location is a copy:
 * the locator's cached answers are never shared between events.
 */
function ipEnrichment(event: Record<string, unknown>, fields: readonly IpField[], locator: IpLocator): Record<string, unknown> | undefined {
  let locations: Record<string, IpLocation> | undefined;
  for (const field of fields) {
    const raw = valueAt(event, field.names);
    if (typeof raw !== 'string') continue;
    const ip = normalizeIp(raw);
    if (ip === undefined) continue;
    locations ??= {};
    setKey(locations, field.path, { ...locator.locate(ip) });
  }
  return locations === undefined ? undefined : { [IP_LOCATION]: locations };
}

/**
 * Compiles `schema` into the Normalizer of `logType`. Throws if the schema
 * cannot be compiled (unknown timeFormat or type, invalid indicator name, more
 * than one event-time field). See normalizer.ts for the result's contract.
 * With an `ipLocator`, every event whose IP fields hold valid addresses gets
 * `p_enrichment.ip_location.<field path>` (src/domain/ip-location.ts).
 */
export function compileSchema(schema: PantherSchema, logType: LogType, dataModel: DataModel, ipLocator?: IpLocator): Normalizer {
  const plan = compileFields(schema.fields, true);
  const ipFields = ipLocator ? ipFieldsOf(schema.fields) : [];
  const eventTimeField = eventTimeFieldOf(schema);
  const eventTimeName = eventTimeField?.name;
  const readEventTime: TimestampReader | undefined = eventTimeField ? timestampReader(eventTimeField.timeFormat) : undefined;
  const otherFields = otherIndicatorFields(schema.fields);
  const state = new ConvertState();

  let lastParseTimeMs = Number.NaN;
  let lastParseTime = '';
  const parseTimeText = (ms: number): string => {
    if (ms !== lastParseTimeMs) {
      lastParseTime = formatTimestamp(ms);
      lastParseTimeMs = ms;
    }
    return lastParseTime;
  };

  const problem = (reason: string, field: string | null, eventTimeMs: number | null): NormalizeResult => ({
    ok: false,
    problem: { reason, field, eventTimeMs },
  });

  /** After a failure: the event time if the event-time field itself reads, else null. */
  const eventTimeOnFailure = (raw: Record<string, unknown>, context: NormalizeContext): number | null => {
    if (eventTimeName === undefined || readEventTime === undefined) return context.parseTimeMs;
    return readEventTime(raw[eventTimeName]) ?? null;
  };

  function normalize(raw: unknown, context: NormalizeContext): NormalizeResult {
    if (!isJsonObject(raw)) return problem(`record is not a JSON object (got ${kindOf(raw)})`, null, null);
    const nulPath = findNulPath(raw);
    if (nulPath !== undefined) {
      return problem(
        `field "${nulPath}": holds a NUL character (U+0000), which the stores cannot keep as text; the record is kept here as sent`,
        nulPath,
        eventTimeOnFailure(raw, context),
      );
    }
    state.reset();
    const out: Record<string, unknown> = {};
    let reservedKey: string | undefined;
    for (const key in raw) {
      const value = raw[key];
      if ((value === null || value === '') && plan.drops(key, value)) continue;
      if (isReservedKey(key)) reservedKey ??= key;
      else setKey(out, key, value);
    }
    if (!plan.apply(raw, out, state)) {
      const { path } = state;
      const reason = state.missing ? `missing required field "${path}"` : `field "${path}": ${state.detail}`;
      return problem(reason, path, eventTimeOnFailure(raw, context));
    }
    if (reservedKey !== undefined) {
      return problem(`field "${reservedKey}": names starting with "p_" are reserved for standard fields`, reservedKey, eventTimeOnFailure(raw, context));
    }

    const parseTime = parseTimeText(context.parseTimeMs);
    let eventTimeMs: number;
    let eventTime: string;
    if (eventTimeName !== undefined && !Number.isNaN(state.eventTimeMs)) {
      eventTimeMs = state.eventTimeMs;
      eventTime = out[eventTimeName] as string;
    } else {
      eventTimeMs = context.parseTimeMs;
      eventTime = parseTime;
    }
    const udm = dataModel(out);
    const emails = finishIndicatorValues(state.emails);
    const ipAddresses = finishIndicatorValues(state.ipAddresses);

    out.p_log_type = logType;
    out.p_row_id = context.rowId;
    out.p_event_time = eventTime;
    out.p_parse_time = parseTime;
    out.p_source_id = context.sourceId;
    out.p_source_label = context.sourceLabel;
    out.p_any_emails = emails;
    out.p_any_ip_addresses = ipAddresses;
    const others = state.others;
    if (others !== null) {
      for (const field of otherFields) {
        const values = others.get(field);
        if (values !== undefined && values.length > 0) out[field] = finishIndicatorValues(values);
      }
    }
    if (ipLocator !== undefined && ipFields.length > 0) {
      const enrichment = ipEnrichment(out, ipFields, ipLocator);
      if (enrichment !== undefined) out[P_ENRICHMENT] = enrichment;
    }
    out.p_udm = udm;
    return { ok: true, value: { event: out, eventTimeMs, emails, ipAddresses } };
  }

  return { logType, normalize };
}
