import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');

let yaml: YamlModule | undefined;

/**
 * `yaml`'s parse, the package loaded on first use (its CommonJS build, loaded
 * synchronously): commands that read no YAML (`zoomtrail --help`, `rules list`,
 * `source list`) start without it.
 */
export function parseYaml(text: string): unknown {
  yaml ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return yaml.parse(text);
}
