import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IP_KINDS, IP_LOCATION_FIELDS } from '../domain/ip-location.js';
import { DEFAULT_SCHEMA_DIR } from './log-type-registry.js';
import { parsePantherSchema } from './panther-schema.js';

describe('schemas/p-enrichment.yml documents the stored enrichment', () => {
  const schema = parsePantherSchema(readFileSync(new URL('p-enrichment.yml', DEFAULT_SCHEMA_DIR), 'utf8'), 'p-enrichment.yml');

  it('names exactly the fields of IpLocation, in order', () => {
    expect(schema.fields.map((f) => f.name)).toEqual([...IP_LOCATION_FIELDS]);
  });

  it('lists every kind', () => {
    const kind = schema.fields.find((f) => f.name === 'kind');
    for (const k of IP_KINDS) expect(kind?.description).toContain(`\`${k}\``);
  });
});
