import type { FaultKind } from './fault-injector.js';

export interface SimRequestLogEntry {
  /** Simulator clock (ms) when the request arrived. */
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** HTTP status sent; 0 when the connection was reset without a response. */
  status: number;
  clientId?: string;
  accountId?: string;
  fault?: FaultKind;
}

/** The log entry of a request in flight; routes fill in who called and what was played. */
export interface RequestContext {
  readonly entry: SimRequestLogEntry;
  done: boolean;
}

/** Every request the simulator answered, in the order the answers went out. */
export class RequestLog {
  readonly entries: SimRequestLogEntry[] = [];
  readonly #inFlight = new WeakMap<object, RequestContext>();

  begin(key: object, entry: Omit<SimRequestLogEntry, 'status'>): RequestContext {
    const context: RequestContext = { entry: { ...entry, status: 0 }, done: false };
    this.#inFlight.set(key, context);
    return context;
  }

  context(key: object): RequestContext | undefined {
    return this.#inFlight.get(key);
  }

  finish(context: RequestContext, status: number): void {
    if (context.done) return;
    context.done = true;
    context.entry.status = status;
    this.entries.push(context.entry);
  }

  count(filter?: { pathPrefix?: string; status?: number }): number {
    let n = 0;
    for (const entry of this.entries) {
      if (filter?.pathPrefix !== undefined && !entry.path.startsWith(filter.pathPrefix)) continue;
      if (filter?.status !== undefined && entry.status !== filter.status) continue;
      n += 1;
    }
    return n;
  }
}
