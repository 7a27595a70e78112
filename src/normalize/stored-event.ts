/**
 * The stored form of a normalized event: the Zoom record's fields plus only
 * the `p_` fields that cannot be derived again (issue 14: bytes on disk per
 * event). What is left out is rebuilt on read, so the API, the CLI and the
 * rules see exactly the event normalize produced, key order included:
 *
 * - `p_log_type`, `p_row_id`, `p_source_id`: the row's own columns;
 * - `p_event_time`: the record's event-time field (or `p_parse_time` when the
 *   record has none);
 * - `p_any_*`: the schema's indicators, extracted again from the record;
 * - `p_udm` of Zoom.Activity (copies of fields) and Zoom.Operation (the parsed
 *   `operation_detail`; SQLite's change-name search derives its `changes` in
 *   SQL as well, store/sqlite-change-names.ts). Rows stored before Zoom.Operation's
 *   was derived hold it; one stored without it was made whole by migration 033.
 *
 * `p_parse_time` is stored as a number, the milliseconds from it to the row's
 * stored-at time (a few, not a 24-character text), when the text is what
 * formatTimestamp writes. `p_enrichment` (in its place between the
 * indicators and `p_udm`, where normalize writes it: an enriched event is
 * compacted like any other) is stored without field names, its locations as
 * arrays (see compactEnrichment). `p_source_label` and any other `p_` field are
 * stored as they are. A field is left out only when the derived value equals the event's own
 * (checked at compaction), so any event round-trips. An event whose layout
 * expansion cannot reproduce (record fields after `p_` fields, standard `p_`
 * fields out of order or missing) is stored whole, with `VERBATIM` as its last
 * key (removed on read; an event holding that key itself is nested under it). Rows stored whole before this form existed expand to
 * themselves: present fields are never replaced.
 */
import { IP_KINDS, IP_LOCATION, IP_LOCATION_FIELDS, P_ENRICHMENT } from '../domain/ip-location.js';
import type { LogType } from '../zoom/report-records.js';
import { zoomActivityDataModel, zoomOperationDataModel, type DataModel } from './data-models.js';
import { countryName } from './geoip/country-name.js';
import { finishIndicatorValues, indicatorExtractor, indicatorFields, P_ANY_EMAILS, P_ANY_IP_ADDRESSES, type IndicatorExtractor, type IndicatorSink } from './indicators.js';
import { schemaFor } from './log-type-registry.js';
import { formatTimestamp } from './timestamp-parser.js';
import type { PantherField, PantherValueSchema } from './panther-schema.js';

/** What the row holds beside the stored event JSON. */
export interface StoredEventKeys {
  logType: LogType;
  rowId: string;
  sourceId: string;
  /** The row's stored-at time (ms): `p_parse_time` is stored as its distance before it. */
  storedAt: number;
}

/** Marks an event stored whole (last key; never produced by normalize: `p_` names are reserved). */
export const VERBATIM = 'p_stored_whole';

type Json = Record<string, unknown>;

/** Collects every `p_any_*` value of a record, as the normalizer's string converters do. */
type IndicatorWalker = (record: Json, sink: IndicatorSink) => void;

interface Codec {
  /** The standard `p_` fields in the order normalize writes them. */
  order: readonly string[];
  position: ReadonlyMap<string, number>;
  /** `p_any_*` fields beyond emails and IP addresses (present only when non-empty). */
  others: ReadonlySet<string>;
  eventTimeName: string | undefined;
  walk: IndicatorWalker;
  /** The data model rebuilt on read, or undefined when `p_udm` is stored. */
  dataModel: DataModel | undefined;
}

/** Data models cheap enough to run on every read. */
const DERIVED_DATA_MODELS: Partial<Record<LogType, DataModel>> = { 'Zoom.Activity': zoomActivityDataModel, 'Zoom.Operation': zoomOperationDataModel };

const codecs = new Map<LogType, Codec>();

function codecFor(logType: LogType): Codec {
  let codec = codecs.get(logType);
  if (codec === undefined) {
    codec = buildCodec(logType);
    codecs.set(logType, codec);
  }
  return codec;
}

function buildCodec(logType: LogType): Codec {
  const schema = schemaFor(logType);
  const others = new Set<string>();
  const visit = (value: PantherValueSchema): void => {
    if (value.type === 'string') for (const name of value.indicators ?? []) for (const field of indicatorFields(name)) others.add(field);
    else if (value.type === 'object') value.fields.forEach(visit);
    else if (value.type === 'array') visit(value.element);
  };
  schema.fields.forEach(visit);
  others.delete(P_ANY_EMAILS);
  others.delete(P_ANY_IP_ADDRESSES);
  const sortedOthers = [...others].sort();
  const order = [
    'p_log_type',
    'p_row_id',
    'p_event_time',
    'p_parse_time',
    'p_source_id',
    'p_source_label',
    P_ANY_EMAILS,
    P_ANY_IP_ADDRESSES,
    ...sortedOthers,
    P_ENRICHMENT,
    'p_udm',
  ];
  return {
    order,
    position: new Map(order.map((key, i) => [key, i])),
    others: new Set(sortedOthers),
    eventTimeName: schema.fields.find((f) => f.isEventTime === true)?.name,
    walk: fieldsWalker(schema.fields) ?? (() => undefined),
    dataModel: DERIVED_DATA_MODELS[logType],
  };
}

/** The walker of one object level's indicator-bearing fields, or undefined when none bears one. */
function fieldsWalker(fields: readonly PantherField[]): IndicatorWalker | undefined {
  const walkers: Array<[string, (value: unknown, sink: IndicatorSink) => void]> = [];
  for (const field of fields) {
    const walk = valueWalker(field);
    if (walk !== undefined) walkers.push([field.name, walk]);
  }
  if (walkers.length === 0) return undefined;
  return (record, sink) => {
    for (const [name, walk] of walkers) {
      const value = record[name];
      if (value !== undefined && value !== null) walk(value, sink);
    }
  };
}

function valueWalker(schema: PantherValueSchema): ((value: unknown, sink: IndicatorSink) => void) | undefined {
  if (schema.type === 'string') {
    const extractors: IndicatorExtractor[] = (schema.indicators ?? []).map(indicatorExtractor);
    if (extractors.length === 0) return undefined;
    return (value, sink) => {
      if (typeof value === 'string') for (const extract of extractors) extract(value, sink);
    };
  }
  if (schema.type === 'object') {
    const walk = fieldsWalker(schema.fields);
    if (walk === undefined) return undefined;
    return (value, sink) => {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) walk(value as Json, sink);
    };
  }
  if (schema.type === 'array') {
    const walk = valueWalker(schema.element);
    if (walk === undefined) return undefined;
    return (value, sink) => {
      if (!Array.isArray(value)) return;
      for (const item of value as unknown[]) if (item !== undefined && item !== null) walk(item, sink);
    };
  }
  return undefined;
}

/** A `p_` (standard) field's name, as against a Zoom record field's. */
export function isStandardKey(key: string): boolean {
  return key.charCodeAt(0) === 112 /* p */ && key.charCodeAt(1) === 95; /* _ */
}

/** The record's indicators, each `p_any_*` field's values sorted and de-duplicated (as normalize leaves them). */
function indicatorsOf(codec: Codec, record: Json): Map<string, string[]> {
  const found = new Map<string, string[]>([
    [P_ANY_EMAILS, []],
    [P_ANY_IP_ADDRESSES, []],
  ]);
  codec.walk(record, (field, value) => {
    const values = found.get(field);
    if (values) values.push(value);
    else found.set(field, [value]);
  });
  for (const values of found.values()) finishIndicatorValues(values);
  return found;
}

function sameStrings(a: unknown, b: readonly string[]): boolean {
  if (!Array.isArray(a) || a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Same keys in the same order with identical scalar values (Zoom.Activity's data model holds scalars). */
function sameFlatObject(a: unknown, b: Json): boolean {
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (let i = 0; i < aKeys.length; i++) {
    const key = aKeys[i] as string;
    if (key !== bKeys[i] || (a as Json)[key] !== b[key]) return false;
  }
  return true;
}

/**
 * `value` is what the data model derives: as JSON, the form it is stored and
 * read in (key order included; Zoom.Operation's holds arrays of objects).
 */
function sameDataModel(value: unknown, derived: Json): boolean {
  return sameFlatObject(value, derived) || JSON.stringify(value) === JSON.stringify(derived);
}

function verbatim(event: Json): Json {
  // An event that holds the marker itself (normalize never makes one) is nested under it.
  if (Object.hasOwn(event, VERBATIM)) return { [VERBATIM]: event };
  const whole: Json = {};
  for (const key in event) setKey(whole, key, event[key]);
  whole[VERBATIM] = true;
  return whole;
}

/**
 * The stored form of `event` (see above): a new object; `event` is not
 * changed. `expandStoredEvent(compactEvent(e, keys), keys)` equals `e`, key
 * order included, for any JSON object `e`.
 */
export function compactEvent(event: Json, keys: StoredEventKeys, options: { keepDataModel?: boolean } = {}): Json {
  // keepDataModel: `p_udm` stored even where it is derived (the form before migration 033, for its down).
  const codec = options.keepDataModel === true ? { ...codecFor(keys.logType), dataModel: undefined } : codecFor(keys.logType);
  const out: Json = {};
  const record: Json = {};
  // Standard p_ fields in normalize's order, then any other p_ field: after the first other, no standard one.
  let lastPosition = -1;
  let sawOther = false;
  const present = new Set<string>();
  for (const key in event) {
    const value = event[key];
    if (!isStandardKey(key)) {
      if (present.size > 0 || sawOther) return verbatim(event);
      setKey(out, key, value);
      setKey(record, key, value);
      continue;
    }
    if (key === VERBATIM) return verbatim(event);
    const position = codec.position.get(key);
    if (position === undefined) sawOther = true;
    else if (sawOther || position < lastPosition) return verbatim(event);
    else lastPosition = position;
    present.add(key);
  }

  const indicators = indicatorsOf(codec, record);
  const parseTime = event.p_parse_time;
  const derived = (key: string): unknown => {
    switch (key) {
      case 'p_log_type':
        return keys.logType;
      case 'p_row_id':
        return keys.rowId;
      case 'p_source_id':
        return keys.sourceId;
      case 'p_event_time':
        return eventTimeOf(codec, record, parseTime);
      default:
        return undefined;
    }
  };
  for (const key of codec.order) {
    const has = present.has(key);
    const value = event[key];
    let derivable: boolean;
    if (key === 'p_parse_time') {
      if (!has) continue;
      // Only normalize's text has the numeric form; any other value keeps the whole event as it is.
      if (typeof value !== 'string') return verbatim(event);
      const ms = parseTimeMsOf(value);
      out[key] = ms === undefined ? value : keys.storedAt - ms;
      continue;
    } else if (key === P_ENRICHMENT) {
      // An array is the stored form's own: one given (never by normalize) keeps the whole event as it is.
      if (Array.isArray(value)) return verbatim(event);
      if (has) out[key] = compactEnrichment(value);
      continue;
    } else if (key === 'p_source_label') derivable = false;
    else if (key === 'p_udm') {
      if (codec.dataModel === undefined) derivable = false;
      else if (has && sameDataModel(value, codec.dataModel(record))) continue;
      else if (has) derivable = false;
      else return verbatim(event);
    } else if (key === P_ANY_EMAILS || key === P_ANY_IP_ADDRESSES || codec.others.has(key)) {
      const values = indicators.get(key) ?? [];
      if (has && sameStrings(value, values)) continue;
      // Absent: expansion adds it (emails and IPs always; others when non-empty).
      if (!has && (key === P_ANY_EMAILS || key === P_ANY_IP_ADDRESSES || values.length > 0)) return verbatim(event);
      derivable = false;
    } else {
      const expected = derived(key);
      if (has && value === expected) continue;
      if (!has && expected !== undefined) return verbatim(event);
      derivable = false;
    }
    if (!derivable && has) out[key] = value;
  }
  for (const key in event) if (isStandardKey(key) && !codec.position.has(key)) out[key] = event[key];
  return out;
}

let lastParseText = '';
let lastParseMs: number | undefined;

/** The ms of a `p_parse_time` text when formatTimestamp writes exactly that text; remembered for the next (a page shares one). */
function parseTimeMsOf(text: string): number | undefined {
  if (text !== lastParseText) {
    const ms = Date.parse(text);
    lastParseText = text;
    lastParseMs = Number.isInteger(ms) && formatTimestamp(ms) === text ? ms : undefined;
  }
  return lastParseMs;
}

function eventTimeOf(codec: Codec, record: Json, parseTime: unknown): unknown {
  const fromRecord = codec.eventTimeName === undefined ? undefined : record[codec.eventTimeName];
  return typeof fromRecord === 'string' ? fromRecord : typeof parseTime === 'string' ? parseTime : undefined;
}

/** The event `stored` (a `compactEvent` result, or an event stored whole) stands for, as normalize produced it. */
export function expandStoredEvent(stored: Json, keys: StoredEventKeys): Json {
  const marker = stored[VERBATIM];
  if (typeof marker === 'object' && marker !== null && !Array.isArray(marker)) return marker as Json;
  if (marker === true) {
    const whole: Json = {};
    for (const key in stored) if (key !== VERBATIM) setKey(whole, key, stored[key]);
    return whole;
  }
  const codec = codecFor(keys.logType);
  const out: Json = {};
  let record: Json | undefined;
  for (const key in stored) if (!isStandardKey(key)) setKey(out, key, stored[key]);
  let indicators: Map<string, string[]> | undefined;
  const indicatorsNow = () => (indicators ??= indicatorsOf(codec, (record ??= recordOf(stored))));
  const storedParseTime = stored.p_parse_time;
  const parseTime = typeof storedParseTime === 'number' ? formatTimestamp(keys.storedAt - storedParseTime) : storedParseTime;
  for (const key of codec.order) {
    if (key === 'p_parse_time') {
      if (parseTime !== undefined) out[key] = parseTime;
      continue;
    }
    if (key in stored) {
      out[key] = key === P_ENRICHMENT ? expandEnrichment(stored[key]) : stored[key];
      continue;
    }
    switch (key) {
      case 'p_log_type':
        out[key] = keys.logType;
        break;
      case 'p_row_id':
        out[key] = keys.rowId;
        break;
      case 'p_source_id':
        out[key] = keys.sourceId;
        break;
      case 'p_event_time': {
        const time = eventTimeOf(codec, (record ??= recordOf(stored)), parseTime);
        if (time !== undefined) out[key] = time;
        break;
      }
      case 'p_udm':
        if (codec.dataModel !== undefined) out[key] = codec.dataModel((record ??= recordOf(stored)));
        break;
      case 'p_parse_time':
      case 'p_source_label':
      case P_ENRICHMENT:
        break;
      default: {
        const values = indicatorsNow().get(key) ?? [];
        if (key === P_ANY_EMAILS || key === P_ANY_IP_ADDRESSES || values.length > 0) out[key] = values;
      }
    }
  }
  for (const key in stored) if (isStandardKey(key) && !codec.position.has(key)) out[key] = stored[key];
  return out;
}

/**
 * `p_enrichment.ip_location` paths stored as their index here (the schemas'
 * IP fields). Append only: stored rows name a path by its position.
 */
const LOCATION_PATHS: readonly string[] = ['ip_address'];

/**
 * A location's fields in its short form (a location at a path of
 * LOCATION_PATHS): the fields most often absent last, since trailing nulls are
 * left out (DB-IP Lite has no accuracy; `country_name` is mostly derived).
 */
const SHORT_FIELDS = ['kind', 'country', 'region', 'city', 'lat', 'lng', 'asn', 'org', 'accuracy_km', 'country_name'] as const satisfies ReadonlyArray<
  (typeof IP_LOCATION_FIELDS)[number]
>;

/** Each field of IP_LOCATION_FIELDS by its position there. */
const FIELD_POSITION: ReadonlyMap<string, number> = new Map(IP_LOCATION_FIELDS.map((field, i) => [field, i]));

/** Each IpKind by its position in IP_KINDS (the short form's `kind`). */
const KIND_POSITION: ReadonlyMap<string, number> = new Map(IP_KINDS.map((kind, i) => [kind, i]));

/**
 * `p_enrichment` as stored: `{"ip_location": {path: location, ...}}` (what
 * normalize writes) becomes a flat array `[path, values, path, values, ...]`
 * without field names, trailing nulls left out, each location in one of two
 * forms told apart by its path:
 *
 * - short (the path a number, its index in LOCATION_PATHS): values in
 *   SHORT_FIELDS order, null where a field is absent; `kind` as its index in
 *   IP_KINDS (or its text when it is no IpKind); `country_name` null when it
 *   is the name `countryName` gives for `country` (or both are absent);
 * - long (the path as text; the only form rows stored before the short one
 *   hold): values in IP_LOCATION_FIELDS order, null where a field is absent.
 *
 * A location is stored short when that reads back exactly, else long. Anything
 * else (another shape, a null value, fields out of IP_LOCATION_FIELDS order)
 * is stored as it is: an object, which `expandEnrichment` returns unchanged.
 */
function compactEnrichment(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== IP_LOCATION) return value;
  const locations = value[IP_LOCATION];
  if (!isPlainObject(locations)) return value;
  const out: unknown[] = [];
  for (const path in locations) {
    const location = locations[path];
    const pathIndex = LOCATION_PATHS.indexOf(path);
    const short = pathIndex < 0 ? undefined : shortValues(location);
    if (short !== undefined) {
      out.push(pathIndex, short);
      continue;
    }
    const values = locationValues(location);
    if (values === undefined) return value;
    out.push(path, values);
  }
  return out;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** One location's values by IP_LOCATION_FIELDS position (the long form), or undefined when it cannot be rebuilt exactly from them. */
function locationValues(location: unknown): unknown[] | undefined {
  if (!isPlainObject(location)) return undefined;
  const values: unknown[] = [];
  for (const field in location) {
    const position = FIELD_POSITION.get(field) ?? -1;
    if (position < values.length || !isScalar(location[field])) return undefined;
    while (values.length < position) values.push(null);
    values.push(location[field]);
  }
  return values;
}

/** One location's short form (see compactEnrichment), or undefined when it would not read back exactly. */
function shortValues(location: unknown): unknown[] | undefined {
  if (!isPlainObject(location)) return undefined;
  let last = -1;
  for (const field in location) {
    const position = FIELD_POSITION.get(field) ?? -1;
    if (position <= last || !isScalar(location[field])) return undefined;
    last = position;
  }
  const values: unknown[] = [];
  for (const field of SHORT_FIELDS) {
    const fieldValue = Object.hasOwn(location, field) ? (location[field] as string | number | boolean) : undefined;
    let slot: unknown = fieldValue ?? null;
    if (field === 'kind' && fieldValue !== undefined) {
      if (typeof fieldValue !== 'string') return undefined;
      slot = KIND_POSITION.get(fieldValue) ?? fieldValue;
    } else if (field === 'country_name') {
      const country = location.country;
      const derived = typeof country === 'string' ? countryName(country) : undefined;
      if (fieldValue === derived) slot = null;
      else if (fieldValue === undefined) return undefined;
    }
    values.push(slot);
  }
  while (values.length > 0 && values[values.length - 1] === null) values.pop();
  return values;
}

/** The `p_enrichment` a stored value stands for (see compactEnrichment). */
function expandEnrichment(stored: unknown): unknown {
  if (!Array.isArray(stored)) return stored;
  const locations: Json = {};
  for (let i = 0; i + 1 < stored.length; i += 2) {
    const path: unknown = stored[i];
    const values = stored[i + 1] as unknown[];
    if (typeof path === 'number') {
      setKey(locations, LOCATION_PATHS[path] ?? String(path), shortLocation(values));
      continue;
    }
    const location: Json = {};
    for (let j = 0; j < values.length; j++) if (values[j] !== null) location[IP_LOCATION_FIELDS[j]!] = values[j];
    setKey(locations, String(path), location);
  }
  return { [IP_LOCATION]: locations };
}

/** SHORT_FIELDS position of each field, in IP_LOCATION_FIELDS order (the keys' order in the location). */
const SHORT_POSITIONS: ReadonlyArray<readonly [string, number]> = IP_LOCATION_FIELDS.map((field) => [field, SHORT_FIELDS.indexOf(field)] as const);

/** A location from its short form. */
function shortLocation(values: readonly unknown[]): Json {
  const location: Json = {};
  for (const [field, position] of SHORT_POSITIONS) {
    const slot = position < values.length ? values[position] : null;
    if (field === 'kind') {
      const kind = typeof slot === 'number' ? IP_KINDS[slot] : slot;
      if (kind !== null && kind !== undefined) location.kind = kind;
    } else if (field === 'country_name') {
      const name = slot !== null ? slot : typeof location.country === 'string' ? countryName(location.country) : undefined;
      if (name !== undefined) location.country_name = name;
    } else if (slot !== null) location[field] = slot;
  }
  return location;
}

function isPlainObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recordOf(stored: Json): Json {
  const record: Json = {};
  for (const key in stored) if (!isStandardKey(key)) setKey(record, key, stored[key]);
  return record;
}

/** Sets a key on a fresh object, storing a `__proto__` key as data rather than as the prototype (as normalize does). */
function setKey(target: Json, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
