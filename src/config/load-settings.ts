import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYaml } from '../shared/parse-yaml.js';
import { ActionableError } from '../shared/actionable-error.js';
import { FILE_KEYS, SETTINGS, SettingValueError, settingWays, type SettingDefinition, type SettingKey, type SettingSource, type SettingValues } from './setting-definitions.js';

export interface LoadSettingsInputs {
  /** Values of the command-line flags given (commander's, by setting key); undefined = not given. */
  flags?: Partial<Record<SettingKey, string | number | undefined>>;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Where one value came from: its source and, in words, the flag, variable or file key that gave it. */
export interface SettingOrigin {
  source: SettingSource;
  /** `--port`, `ZOOMTRAIL_PORT`, `port in /etc/zoomtrail.yml` or `default`. */
  name: string;
}

export interface LoadedSettings {
  values: Readonly<SettingValues>;
  origins: Readonly<Record<SettingKey, SettingOrigin>>;
  /** The config file read, if any. */
  configFile: string | undefined;
}

const DEFAULT_CONFIG_FILE = 'zoomtrail.yml';

/**
 * Resolves every setting of SETTINGS, strongest first: command-line flag,
 * environment variable, the config file (`--config`, `ZOOMTRAIL_CONFIG`, or
 * `./zoomtrail.yml` if present), then the default. An empty value counts as
 * unset. Each value is checked by its definition; a bad one is an
 * ActionableError (`bad_config`) whose fix names every way to set it. The
 * result is frozen and records where each value came from.
 */
export function loadSettings(inputs: LoadSettingsInputs = {}): LoadedSettings {
  const env = inputs.env ?? process.env;
  const cwd = inputs.cwd ?? process.cwd();
  const flags = inputs.flags ?? {};
  const values: Partial<Record<SettingKey, unknown>> = {};
  const origins: Partial<Record<SettingKey, SettingOrigin>> = {};

  const configDefinition = SETTINGS.find((s) => s.key === 'config')!;
  const explicit = given(flags.config)
    ? { text: String(flags.config), origin: { source: 'flag', name: configDefinition.flag! } as SettingOrigin }
    : given(env.ZOOMTRAIL_CONFIG)
      ? { text: env.ZOOMTRAIL_CONFIG!, origin: { source: 'env', name: configDefinition.env } as SettingOrigin }
      : undefined;
  const configFile = explicit ? path.resolve(cwd, explicit.text) : existsSync(path.join(cwd, DEFAULT_CONFIG_FILE)) ? path.join(cwd, DEFAULT_CONFIG_FILE) : undefined;
  values.config = configFile;
  origins.config = explicit?.origin ?? { source: 'default', name: 'default' };
  const file = configFile ? readConfigFile(configFile) : {};

  for (const definition of SETTINGS) {
    if (definition.key === 'config') continue;
    const found = rawValue(definition, flags, env, file, configFile);
    const origin = found?.origin ?? { source: 'default' as const, name: 'default' };
    const textValue = found?.text ?? definition.default;
    values[definition.key] = textValue === undefined ? undefined : parseSetting(definition, textValue, origin.name, cwd);
    origins[definition.key] = origin;
  }
  return Object.freeze({
    values: Object.freeze(values as SettingValues),
    origins: Object.freeze(origins as Record<SettingKey, SettingOrigin>),
    configFile,
  });
}

function given(value: string | number | undefined | null): boolean {
  return value !== undefined && value !== null && String(value).trim() !== '';
}

function rawValue(
  definition: SettingDefinition,
  flags: Partial<Record<SettingKey, string | number | undefined>>,
  env: NodeJS.ProcessEnv,
  file: Record<string, unknown>,
  configFile: string | undefined,
): { text: string; origin: SettingOrigin } | undefined {
  const flag = flags[definition.key];
  if (definition.flag && given(flag)) return { text: String(flag), origin: { source: 'flag', name: definition.flag } };
  const fromEnv = env[definition.env];
  if (given(fromEnv)) return { text: fromEnv!, origin: { source: 'env', name: definition.env } };
  if (!definition.file) return undefined;
  const fromFile = file[definition.file];
  if (fromFile === undefined || fromFile === null) return undefined;
  if (typeof fromFile === 'number' && definition.numeric) return { text: String(fromFile), origin: { source: 'file', name: `${definition.file} in ${configFile}` } };
  if (typeof fromFile !== 'string') {
    throw new ActionableError(
      'bad_config',
      `Setting "${definition.file}" in ${configFile} must be ${definition.numeric ? 'a number' : 'text'}.`,
      definition.numeric ? `Write ${definition.file} as a plain number.` : `Quote the value of ${definition.file}.`,
    );
  }
  if (fromFile.trim() === '') return undefined;
  return { text: fromFile, origin: { source: 'file', name: `${definition.file} in ${configFile}` } };
}

function parseSetting(definition: SettingDefinition, text: string, origin: string, cwd: string): unknown {
  try {
    return definition.parse(text, { origin, cwd });
  } catch (error) {
    if (!(error instanceof SettingValueError)) throw error;
    throw new ActionableError('bad_config', error.problem, `Set ${settingWays(definition)} to ${error.expected} (this value came from ${origin}).`);
  }
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ActionableError(
      'bad_config',
      `Cannot read the config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
      'Check the path given to --config or ZOOMTRAIL_CONFIG.',
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ActionableError('bad_config', `The config file ${file} is not valid YAML: ${(error as Error).message}`, 'Fix the YAML syntax at the line named.');
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ActionableError('bad_config', `The config file ${file} must be a mapping of settings.`, `Write it as "key: value" lines; known keys: ${FILE_KEYS.join(', ')}.`);
  }
  const record = parsed as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!FILE_KEYS.includes(key)) {
      throw new ActionableError('bad_config', `Unknown setting "${key}" in ${file}.`, `Known settings: ${FILE_KEYS.join(', ')}.`);
    }
  }
  return record;
}
