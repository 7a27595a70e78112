import { describe, expect, it } from 'vitest';
import { parsePantherSchema } from './panther-schema.js';

const ACTIVITY = `schema: Zoom.Activity
parser:
    native:
        name: Zoom.Activity
description: Sign in / sign out activity logs of users under a Zoom account
referenceURL: https://marketplace.zoom.us/docs/api-reference/zoom-api/reports/reportsigninsignoutactivities
version: 0
fields:
    - name: email
      required: true
      description: The email address of the user used for activity.
      type: string
      indicators:
        - email
    - name: time
      required: true
      description: The timestamp of user activity
      type: timestamp
      timeFormat: rfc3339
      isEventTime: true
    - name: ip_address
      type: string
      indicators:
        - ip
`;

describe('parsePantherSchema: valid schemas', () => {
  it('reads a seed-shaped schema into exact types', () => {
    expect(parsePantherSchema(ACTIVITY, 'a.yml')).toEqual({
      schema: 'Zoom.Activity',
      parser: { native: { name: 'Zoom.Activity' } },
      description: 'Sign in / sign out activity logs of users under a Zoom account',
      referenceURL: 'https://marketplace.zoom.us/docs/api-reference/zoom-api/reports/reportsigninsignoutactivities',
      version: 0,
      fields: [
        {
          name: 'email',
          required: true,
          description: 'The email address of the user used for activity.',
          type: 'string',
          indicators: ['email'],
        },
        {
          name: 'time',
          required: true,
          description: 'The timestamp of user activity',
          type: 'timestamp',
          timeFormat: 'rfc3339',
          isEventTime: true,
        },
        { name: 'ip_address', type: 'string', indicators: ['ip'] },
      ],
    });
  });

  it('reads nested objects and arrays', () => {
    const yaml = `schema: Custom.Nested
fields:
  - name: actor
    type: object
    fields:
      - name: id
        type: bigint
        required: true
      - name: emails
        type: array
        element:
          type: string
          indicators: [email]
  - name: tags
    type: array
    element:
      type: object
      fields:
        - name: key
          type: string
  - name: raw
    type: json
`;
    expect(parsePantherSchema(yaml, 'n.yml')).toEqual({
      schema: 'Custom.Nested',
      fields: [
        {
          name: 'actor',
          type: 'object',
          fields: [
            { name: 'id', type: 'bigint', required: true },
            { name: 'emails', type: 'array', element: { type: 'string', indicators: ['email'] } },
          ],
        },
        { name: 'tags', type: 'array', element: { type: 'object', fields: [{ name: 'key', type: 'string' }] } },
        { name: 'raw', type: 'json' },
      ],
    });
  });
});

/** A schema with one field written as `field` (YAML lines, two-space indented list item). */
const withFields = (fieldsYaml: string): string => `schema: Test.Log\nfields:\n${fieldsYaml}`;

describe('parsePantherSchema: errors name the file and the field', () => {
  it.each<[string, string, string]>([
    ['invalid YAML', 'schema: [unclosed\n', 'bad.yml: invalid YAML'],
    ['duplicate YAML key', 'schema: A\nschema: B\nfields: []\n', 'bad.yml: invalid YAML'],
    ['document is a list', '- a\n- b\n', 'bad.yml: document: expected a mapping, got array'],
    ['empty document', '', 'bad.yml: document: expected a mapping, got null'],
    ['no schema name', 'fields:\n  - name: a\n    type: string\n', 'bad.yml: "schema": must be a non-empty string'],
    ['no fields', 'schema: Test.Log\n', 'bad.yml: "fields": expected a non-empty list of fields'],
    ['empty fields', 'schema: Test.Log\nfields: []\n', 'bad.yml: "fields": expected a non-empty list of fields'],
    ['unknown top-level key', 'schema: Test.Log\nversoin: 1\nfields:\n  - name: a\n    type: string\n', 'bad.yml: schema document: unknown key "versoin"'],
    ['negative version', 'schema: Test.Log\nversion: -1\nfields:\n  - name: a\n    type: string\n', 'bad.yml: "version": must be a non-negative integer'],
    ['unsupported parser', 'schema: Test.Log\nparser:\n  csv: {}\nfields:\n  - name: a\n    type: string\n', 'bad.yml: "parser": parser "csv" is not supported'],
    ['field without name', withFields('  - type: string\n'), 'bad.yml: "fields"[0]: "name" must be a non-empty string'],
    ['field not a mapping', withFields('  - email\n'), 'bad.yml: "fields"[0]: expected a mapping, got string'],
    ['unknown type', withFields('  - name: time\n    type: datetime\n'), 'bad.yml: field "time": unknown type "datetime"'],
    ['missing type', withFields('  - name: time\n'), 'bad.yml: field "time": unknown type undefined'],
    ['unknown field key', withFields('  - name: email\n    type: string\n    requird: true\n'), 'bad.yml: field "email": unknown key "requird"'],
    ['required not a boolean', withFields('  - name: email\n    type: string\n    required: yes please\n'), 'bad.yml: field "email": "required" must be true or false'],
    ['duplicate name', withFields('  - name: a\n    type: string\n  - name: a\n    type: int\n'), 'bad.yml: field "a": defined twice'],
    ['reserved p_ name', withFields('  - name: p_event_time\n    type: string\n'), 'bad.yml: field "p_event_time": names starting with "p_" are reserved'],
    ['__proto__ name', withFields('  - name: __proto__\n    type: string\n'), 'bad.yml: field "__proto__": this name is not allowed'],
    ['object without fields', withFields('  - name: actor\n    type: object\n'), 'bad.yml: field "actor": an object needs "fields"'],
    ['object with empty fields', withFields('  - name: actor\n    type: object\n    fields: []\n'), 'bad.yml: field "actor" "fields": expected a non-empty list of fields'],
    [
      'fields on a string',
      withFields('  - name: a\n    type: string\n    fields:\n      - name: b\n        type: string\n'),
      'bad.yml: field "a": "fields" is only allowed on type object (this field is string)',
    ],
    ['array without element', withFields('  - name: tags\n    type: array\n'), 'bad.yml: field "tags": an array needs an "element" mapping'],
    ['element with a bad type', withFields('  - name: tags\n    type: array\n    element:\n      type: strng\n'), 'bad.yml: field "tags[]": unknown type "strng"'],
    ['element with a name', withFields('  - name: tags\n    type: array\n    element:\n      name: x\n      type: string\n'), 'bad.yml: field "tags[]": unknown key "name"'],
    ['timestamp without timeFormat', withFields('  - name: time\n    type: timestamp\n'), 'bad.yml: field "time": a timestamp needs a "timeFormat"'],
    ['unknown timeFormat', withFields('  - name: time\n    type: timestamp\n    timeFormat: iso8601\n'), 'bad.yml: field "time": unknown timeFormat "iso8601"'],
    ['timeFormat on a string', withFields('  - name: time\n    type: string\n    timeFormat: rfc3339\n'), 'bad.yml: field "time": "timeFormat" is only allowed on type timestamp'],
    [
      'two isEventTime fields',
      withFields('  - name: a\n    type: timestamp\n    timeFormat: unix\n    isEventTime: true\n  - name: b\n    type: timestamp\n    timeFormat: unix\n    isEventTime: true\n'),
      'bad.yml: field "b": "isEventTime" is already set on field "a"',
    ],
    ['isEventTime on a string', withFields('  - name: a\n    type: string\n    isEventTime: true\n'), 'bad.yml: field "a": "isEventTime" is only allowed on a timestamp field'],
    [
      'isEventTime nested',
      withFields('  - name: a\n    type: object\n    fields:\n      - name: t\n        type: timestamp\n        timeFormat: unix\n        isEventTime: true\n'),
      'bad.yml: field "a.t": "isEventTime" is only allowed on a top-level field',
    ],
    [
      'indicators on an int',
      withFields('  - name: n\n    type: int\n    indicators: [ip]\n'),
      'bad.yml: field "n": "indicators" is only allowed on type string (this field is int)',
    ],
    ['indicators not a list', withFields('  - name: e\n    type: string\n    indicators: email\n'), 'bad.yml: field "e": "indicators" must be a non-empty list'],
    ['bad indicator name', withFields('  - name: e\n    type: string\n    indicators: [E-Mail]\n'), 'bad.yml: field "e": invalid indicator "E-Mail"'],
    ['indicator twice', withFields('  - name: e\n    type: string\n    indicators: [email, email]\n'), 'bad.yml: field "e": indicator "email" listed twice'],
    ['description not a string', withFields('  - name: e\n    type: string\n    description: [a]\n'), 'bad.yml: field "e": "description" must be a string'],
    [
      'nested field error path',
      withFields(
        '  - name: actor\n    type: object\n    fields:\n      - name: ids\n        type: array\n        element:\n          type: object\n          fields:\n            - name: n\n              type: number\n',
      ),
      'bad.yml: field "actor.ids[].n": unknown type "number"',
    ],
  ])('%s', (_, yaml, message) => {
    expect(() => parsePantherSchema(yaml, 'bad.yml')).toThrow(message);
  });
});
