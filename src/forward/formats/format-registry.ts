import { ecsFormat } from './ecs-format.js';
import type { EventFormat, FormatName } from './event-format.js';
import { ocsfFormat } from './ocsf-format.js';
import { pantherFormat } from './panther-format.js';

const FORMATS = { panther: pantherFormat, ocsf: ocsfFormat, ecs: ecsFormat } satisfies Record<FormatName, EventFormat>;

/** The format named `name`; throws on a name unknown to this build (a row written by a newer version). */
export function formatFor(name: string): EventFormat {
  const format = (FORMATS as Record<string, EventFormat>)[name];
  if (!format) throw new Error(`unknown forwarding format "${name}"`);
  return format;
}
