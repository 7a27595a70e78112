import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { zoomActivityDataModel, zoomOperationDataModel, zoomtrailAuditDataModel } from './data-models.js';
import { DEFAULT_SCHEMA_DIR, LOG_TYPES, loadNormalizers, normalizerFor, schemaFieldNames, schemaFor } from './log-type-registry.js';

const REPO_ROOT = new URL('../../', import.meta.url);
const SEED = new URL('../shared/seeds/000_6e7f4aad8b276a69.txt', REPO_ROOT);
const seedPresent = existsSync(SEED);

describe('LOG_TYPES', () => {
  it("lists both Zoom log types and Zoomtrail's own audit trail with their schema files and data models", () => {
    expect(LOG_TYPES).toEqual([
      { logType: 'Zoom.Activity', schemaFile: 'zoom-activity.yml', dataModel: zoomActivityDataModel },
      { logType: 'Zoom.Operation', schemaFile: 'zoom-operation.yml', dataModel: zoomOperationDataModel },
      { logType: 'Zoomtrail.Audit', schemaFile: 'zoomtrail-audit.yml', dataModel: zoomtrailAuditDataModel },
    ]);
  });
  it('finds the schemas at the repo root', () => {
    expect(fileURLToPath(DEFAULT_SCHEMA_DIR)).toBe(fileURLToPath(new URL('schemas/', REPO_ROOT)));
  });
});

describe('shipped schema files', () => {
  if (!seedPresent) console.warn(`skipping the seed comparison: ${fileURLToPath(SEED)} is absent (CI clones only the repo)`);

  it.skipIf(!seedPresent)('are byte-identical to the yaml blocks of the seed', () => {
    const seed = readFileSync(SEED, 'utf8');
    const blocks = [...seed.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(2);
    expect(readFileSync(new URL('zoom-activity.yml', DEFAULT_SCHEMA_DIR), 'utf8')).toBe(blocks[0]);
    expect(readFileSync(new URL('zoom-operation.yml', DEFAULT_SCHEMA_DIR), 'utf8')).toBe(blocks[1]);
  });

  it('parse into the schemas the conventions describe', () => {
    expect(schemaFieldNames('Zoom.Activity')).toEqual(['email', 'time', 'type', 'ip_address', 'client_type', 'version']);
    expect(schemaFieldNames('Zoom.Operation')).toEqual(['time', 'operator', 'category_type', 'action', 'operation_detail']);
    const required = (logType: 'Zoom.Activity' | 'Zoom.Operation'): string[] =>
      schemaFor(logType)
        .fields.filter((f) => f.required)
        .map((f) => f.name);
    expect(required('Zoom.Activity')).toEqual(['email', 'time']);
    expect(required('Zoom.Operation')).toEqual(['time', 'operator', 'category_type']);
  });
});

describe('loadNormalizers and normalizerFor', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A schema directory holding copies of the shipped files, with `overrides` written over them. */
  function schemaDir(overrides: Record<string, string | null>): URL {
    dir = mkdtempSync(join(tmpdir(), 'zoomtrail-schemas-'));
    for (const entry of LOG_TYPES) copyFileSync(new URL(entry.schemaFile, DEFAULT_SCHEMA_DIR), join(dir, entry.schemaFile));
    for (const [file, text] of Object.entries(overrides)) {
      if (text === null) rmSync(join(dir, file));
      else writeFileSync(join(dir, file), text);
    }
    return pathToFileURL(`${dir}/`);
  }

  it('compiles one normalizer per log type', () => {
    const normalizers = loadNormalizers();
    expect([...normalizers.keys()]).toEqual(['Zoom.Activity', 'Zoom.Operation', 'Zoomtrail.Audit']);
    expect(normalizers.get('Zoom.Activity')?.logType).toBe('Zoom.Activity');
    expect(normalizers.get('Zoom.Operation')?.logType).toBe('Zoom.Operation');
    expect(normalizers.get('Zoomtrail.Audit')?.logType).toBe('Zoomtrail.Audit');
  });

  it('caches normalizerFor', () => {
    const first = normalizerFor('Zoom.Operation');
    expect(normalizerFor('Zoom.Operation')).toBe(first);
    expect(first.logType).toBe('Zoom.Operation');
    expect(normalizerFor('Zoom.Activity')).not.toBe(first);
  });

  it('refuses a file whose schema name is not the registry log type', () => {
    const text = readFileSync(new URL('zoom-activity.yml', DEFAULT_SCHEMA_DIR), 'utf8').replace('schema: Zoom.Activity', 'schema: Zoom.Activities');
    expect(() => loadNormalizers(schemaDir({ 'zoom-activity.yml': text }))).toThrow('zoom-activity.yml: "schema" is "Zoom.Activities", but the registry expects "Zoom.Activity"');
  });

  it('names the file when a schema is invalid', () => {
    const text = readFileSync(new URL('zoom-operation.yml', DEFAULT_SCHEMA_DIR), 'utf8').replace('timeFormat: rfc3339', 'timeFormat: rfc9999');
    expect(() => loadNormalizers(schemaDir({ 'zoom-operation.yml': text }))).toThrow('zoom-operation.yml: field "time": unknown timeFormat "rfc9999"');
  });

  it('names the file when it is missing', () => {
    expect(() => loadNormalizers(schemaDir({ 'zoom-operation.yml': null }))).toThrow('cannot read schema file zoom-operation.yml for Zoom.Operation');
  });
});
