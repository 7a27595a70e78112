import type { Logger } from 'pino';
import type { Clock } from '../shared/clock.js';
import type { OutboundAddressPolicy } from '../shared/outbound-address-policy.js';
import type { SinkRecord, SinkStore } from '../store/sink-store.js';
import type { SinkContext } from './sink.js';

/** What a sink's context is made of besides the sink itself. */
export interface SinkContextDeps {
  store: Pick<SinkStore, 'getSinkSecret'>;
  clock: Clock;
  logger: Logger;
  /** The app's guarded fetch. */
  fetch: typeof fetch;
  policy?: OutboundAddressPolicy;
  timeoutMs?: number;
}

/** A fresh context for sending to `sink` (its secret opened); release it with the sink module's `close`. */
export async function openSinkContext(sink: SinkRecord, deps: SinkContextDeps): Promise<SinkContext> {
  return {
    url: sink.url,
    settings: sink.settings,
    secret: sink.hasSecret ? await deps.store.getSinkSecret(sink.id) : null,
    fetch: deps.fetch,
    ...(deps.policy ? { policy: deps.policy } : {}),
    clock: deps.clock,
    logger: deps.logger,
    ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
    resources: new Map(),
  };
}
