/**
 * The OCSF 1.2.0 class definitions the `ocsf` format uses, as published
 * (github.com/ocsf/ocsf-schema, tag v1.2.0: events/base_event.json,
 * events/iam/{account_change,authentication,entity_management}.json,
 * events/application/api.json, the includes and objects they name): each
 * class's category, activities, required attributes, the attributes it
 * defines and its constraints, and the required attributes and constraints of
 * the objects our records use. Written down from the schema files, not
 * generated; `ocsfProblems` checks a record against them.
 */

interface OcsfClass {
  name: string;
  category: number;
  /** Class-specific activity ids; 0 Unknown and 99 Other are valid in every class. */
  activities: number[];
  required: string[];
  /** Every attribute of the class without a profile. */
  attributes: string[];
  atLeastOne?: string[];
}

/** Attributes every class has (base_event.json, classification.json, occurrence.json). */
const BASE_ATTRIBUTES = [
  'activity_id',
  'activity_name',
  'category_name',
  'category_uid',
  'class_name',
  'class_uid',
  'count',
  'duration',
  'end_time',
  'enrichments',
  'message',
  'metadata',
  'observables',
  'raw_data',
  'severity',
  'severity_id',
  'start_time',
  'status',
  'status_code',
  'status_detail',
  'status_id',
  'time',
  'timezone_offset',
  'type_name',
  'type_uid',
  'unmapped',
];
const BASE_REQUIRED = ['activity_id', 'category_uid', 'class_uid', 'metadata', 'severity_id', 'time', 'type_uid'];

/** Profile attributes (profiles/*.json), allowed when metadata.profiles names the profile. */
const PROFILES: Readonly<Record<string, string[]>> = { host: ['device', 'actor'], cloud: ['cloud', 'api'] };

export const OCSF_CLASSES: Readonly<Record<number, OcsfClass>> = {
  0: { name: 'Base Event', category: 0, activities: [], required: BASE_REQUIRED, attributes: BASE_ATTRIBUTES },
  3001: {
    name: 'Account Change',
    category: 3,
    activities: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    required: [...BASE_REQUIRED, 'user'],
    attributes: [...BASE_ATTRIBUTES, 'actor', 'http_request', 'policy', 'src_endpoint', 'user', 'user_result'],
  },
  3002: {
    name: 'Authentication',
    category: 3,
    activities: [1, 2, 3, 4, 5, 6],
    required: [...BASE_REQUIRED, 'user'],
    attributes: [
      ...BASE_ATTRIBUTES,
      'auth_factors',
      'auth_protocol',
      'auth_protocol_id',
      'certificate',
      'dst_endpoint',
      'http_request',
      'is_cleartext',
      'is_mfa',
      'is_new_logon',
      'is_remote',
      'logon_process',
      'logon_type',
      'logon_type_id',
      'service',
      'session',
      'src_endpoint',
      'user',
    ],
    atLeastOne: ['service', 'dst_endpoint'],
  },
  3004: {
    name: 'Entity Management',
    category: 3,
    activities: [1, 2, 3, 4],
    required: [...BASE_REQUIRED, 'entity'],
    attributes: [...BASE_ATTRIBUTES, 'comment', 'entity', 'entity_result', 'http_request', 'src_endpoint'],
  },
  6003: {
    name: 'API Activity',
    category: 6,
    activities: [1, 2, 3, 4],
    required: [...BASE_REQUIRED, 'actor', 'api', 'src_endpoint'],
    attributes: [...BASE_ATTRIBUTES, 'actor', 'api', 'dst_endpoint', 'http_request', 'resources', 'src_endpoint'],
  },
};

/** Objects: required attributes and at-least-one constraints (objects/*.json, with what they extend). */
const OBJECTS: Readonly<Record<string, { required?: string[]; atLeastOne?: string[] }>> = {
  metadata: { required: ['product', 'version'] },
  product: { required: ['vendor_name'], atLeastOne: ['name', 'uid'] },
  user: { atLeastOne: ['account', 'name', 'uid'] },
  actor: { atLeastOne: ['process', 'user', 'invoked_by', 'session', 'app_name', 'app_uid'] },
  network_endpoint: { atLeastOne: ['ip', 'uid', 'name', 'hostname', 'svc_name', 'instance_uid', 'interface_uid', 'interface_name'] },
  location: { atLeastOne: ['city', 'country', 'postal_code', 'region'] },
  autonomous_system: { atLeastOne: ['number', 'name'] },
  service: { atLeastOne: ['name', 'uid'] },
  managed_entity: { atLeastOne: ['name', 'uid'] },
  api: { required: ['operation'] },
  request: { required: ['uid'] },
  resource_details: { atLeastOne: ['name', 'uid'] },
};

/** Where each object sits in the records we write. */
const OBJECT_PATHS: ReadonlyArray<[string, string]> = [
  ['metadata', 'metadata'],
  ['metadata.product', 'product'],
  ['user', 'user'],
  ['actor', 'actor'],
  ['actor.user', 'user'],
  ['src_endpoint', 'network_endpoint'],
  ['src_endpoint.location', 'location'],
  ['src_endpoint.autonomous_system', 'autonomous_system'],
  ['service', 'service'],
  ['entity', 'managed_entity'],
  ['api', 'api'],
  ['api.service', 'service'],
  ['api.request', 'request'],
];

function at(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

const present = (o: Record<string, unknown>, key: string) => o[key] !== undefined && o[key] !== null;

function objectProblems(value: Record<string, unknown>, object: string, where: string): string[] {
  const spec = OBJECTS[object]!;
  const problems = (spec.required ?? []).filter((k) => !present(value, k)).map((k) => `${where}.${k} is required (${object})`);
  if (spec.atLeastOne && !spec.atLeastOne.some((k) => present(value, k))) problems.push(`${where} needs one of ${spec.atLeastOne.join(', ')} (${object})`);
  return problems;
}

/** What in `record` breaks its class's definition (empty: none). */
export function ocsfProblems(record: Record<string, unknown>): string[] {
  const spec = OCSF_CLASSES[record.class_uid as number];
  if (!spec) return [`class_uid ${String(record.class_uid)} is not one this check knows`];
  const problems: string[] = [];
  if (record.category_uid !== spec.category) problems.push(`category_uid ${String(record.category_uid)}, the class is in ${spec.category}`);
  const activity = record.activity_id as number;
  if (![0, 99, ...spec.activities].includes(activity)) problems.push(`activity_id ${activity} is not an activity of ${spec.name}`);
  if (record.type_uid !== (record.class_uid as number) * 100 + activity) problems.push(`type_uid ${String(record.type_uid)} is not class_uid * 100 + activity_id`);
  if (typeof record.time !== 'number' || !Number.isInteger(record.time)) problems.push('time is not a timestamp in ms');
  for (const key of spec.required) if (!present(record, key)) problems.push(`${key} is required in ${spec.name}`);
  if (spec.atLeastOne && !spec.atLeastOne.some((k) => present(record, k))) problems.push(`${spec.name} needs one of ${spec.atLeastOne.join(', ')}`);
  const profiles = (at(record, 'metadata.profiles') as string[] | undefined) ?? [];
  const allowed = new Set([...spec.attributes, ...profiles.flatMap((p) => PROFILES[p] ?? [])]);
  for (const key of Object.keys(record))
    if (!allowed.has(key)) problems.push(`${key} is not an attribute of ${spec.name}${profiles.length ? ` (profiles: ${profiles.join(', ')})` : ''}`);
  for (const [path, object] of OBJECT_PATHS) {
    const value = at(record, path);
    if (value !== undefined && value !== null) problems.push(...objectProblems(value as Record<string, unknown>, object, path));
  }
  const resources = record.resources as Array<Record<string, unknown>> | undefined;
  for (const [i, resource] of (resources ?? []).entries()) problems.push(...objectProblems(resource, 'resource_details', `resources[${i}]`));
  return problems;
}
