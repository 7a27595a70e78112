/**
 * The one list of log types the normalizer knows: each names its schema file
 * (in the repo's `schemas/` directory) and its data model. Adding a log type
 * is a YAML file plus one line here.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { LogType } from '../zoom/report-records.js';
import { zoomActivityDataModel, zoomOperationDataModel, zoomtrailAuditDataModel, type DataModel } from './data-models.js';
import type { IpLocator } from './ip-locator.js';
import type { Normalizer } from './normalizer.js';
import { parsePantherSchema, type PantherSchema } from './panther-schema.js';
import { compileSchema } from './schema-compiler.js';

/** One log type: its schema file and its `p_udm` data model. */
export interface LogTypeEntry {
  logType: LogType;
  /** File name inside the schema directory; its `schema:` must equal `logType`. */
  schemaFile: string;
  dataModel: DataModel;
}

/** Every log type, in one explicit list. */
export const LOG_TYPES: readonly LogTypeEntry[] = [
  { logType: 'Zoom.Activity', schemaFile: 'zoom-activity.yml', dataModel: zoomActivityDataModel },
  { logType: 'Zoom.Operation', schemaFile: 'zoom-operation.yml', dataModel: zoomOperationDataModel },
  { logType: 'Zoomtrail.Audit', schemaFile: 'zoomtrail-audit.yml', dataModel: zoomtrailAuditDataModel },
];

/**
 * The repo's `schemas/` directory, two levels above this module: the same
 * from `src/normalize/` (tests) and from the built `dist/normalize/`; three
 * from the benchmarks' build (`dist-bench/src/normalize/`).
 */
export const DEFAULT_SCHEMA_DIR =
  [new URL('../../schemas/', import.meta.url), new URL('../../../schemas/', import.meta.url)].find((dir) => existsSync(dir)) ?? new URL('../../schemas/', import.meta.url);

function entryFor(logType: LogType): LogTypeEntry {
  const entry = LOG_TYPES.find((e) => e.logType === logType);
  if (!entry) throw new Error(`no schema registered for log type ${logType}`);
  return entry;
}

/** Reads and validates one entry's schema file; throws naming the file on any problem. */
function loadSchema(entry: LogTypeEntry, schemaDir: URL): PantherSchema {
  const url = new URL(entry.schemaFile, schemaDir);
  let text: string;
  try {
    text = readFileSync(url, 'utf8');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot read schema file ${entry.schemaFile} for ${entry.logType}: ${why}`, { cause: err });
  }
  const schema = parsePantherSchema(text, entry.schemaFile);
  if (schema.schema !== entry.logType) {
    throw new Error(`${entry.schemaFile}: "schema" is ${JSON.stringify(schema.schema)}, but the registry expects "${entry.logType}"`);
  }
  return schema;
}

/**
 * Loads and compiles every registered log type's schema from `schemaDir`
 * (default: the repo's `schemas/`). Reads synchronously: it runs once at start.
 * With `ipLocator`, events get their IP enrichment (`p_enrichment`).
 */
export function loadNormalizers(schemaDir: URL = DEFAULT_SCHEMA_DIR, ipLocator?: IpLocator): Map<LogType, Normalizer> {
  return new Map(LOG_TYPES.map((entry) => [entry.logType, compileSchema(loadSchema(entry, schemaDir), entry.logType, entry.dataModel, ipLocator)]));
}

const schemaCache = new Map<LogType, PantherSchema>();
const normalizerCache = new Map<LogType, Normalizer>();

/** The parsed schema of one log type from the default schema directory, read on first use and cached. */
export function schemaFor(logType: LogType): PantherSchema {
  let schema = schemaCache.get(logType);
  if (!schema) {
    schema = loadSchema(entryFor(logType), DEFAULT_SCHEMA_DIR);
    schemaCache.set(logType, schema);
  }
  return schema;
}

/** The normalizer of one log type from the default schema directory, compiled on first use and cached. */
export function normalizerFor(logType: LogType): Normalizer {
  let normalizer = normalizerCache.get(logType);
  if (!normalizer) {
    normalizer = compileSchema(schemaFor(logType), logType, entryFor(logType).dataModel);
    normalizerCache.set(logType, normalizer);
  }
  return normalizer;
}

/** The top-level field names of a log type's schema, in schema order (e.g. for CSV columns). */
export function schemaFieldNames(logType: LogType): string[] {
  return schemaFor(logType).fields.map((field) => field.name);
}
