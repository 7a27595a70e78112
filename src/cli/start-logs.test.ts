import { describe, expect, it } from 'vitest';
import { resolveRuntimeConfig } from '../config/runtime-config.js';
import { chooseLogFormat } from './start-logs.js';

describe('where start writes its JSON logs', () => {
  it('a terminal gets human lines (logs to the file); systemd and docker keep JSON on stderr; a flag or setting decides over both', () => {
    expect(chooseLogFormat(undefined, undefined, true)).toBe('file');
    expect(chooseLogFormat(undefined, undefined, false)).toBe('json');
    expect(chooseLogFormat(undefined, 'json', true)).toBe('json');
    expect(chooseLogFormat(undefined, 'file', false)).toBe('file');
    expect(chooseLogFormat('json', 'file', true)).toBe('json');
    expect(chooseLogFormat('file', 'json', false)).toBe('file');
  });

  it('ZOOMTRAIL_LOG_FORMAT is read and checked', () => {
    const cwd = '/nonexistent-zoomtrail-test';
    expect(resolveRuntimeConfig({ env: { ZOOMTRAIL_LOG_FORMAT: 'json' }, cwd }).logFormat).toBe('json');
    expect(resolveRuntimeConfig({ env: {}, cwd }).logFormat).toBeUndefined();
    expect(() => resolveRuntimeConfig({ env: { ZOOMTRAIL_LOG_FORMAT: 'pretty' }, cwd })).toThrow(/Log format "pretty" is not one of json, file/);
  });
});
