import { SeededRandom } from './seeded-random.js';

/**
 * Failures seen between a collector and Zoom. Malformed records are not a
 * fault: they are data (SimAccount.addRawRecord).
 */
export type FaultKind = 'http5xx' | 'http429' | 'reset' | 'truncated' | 'nonJson' | 'expirePageToken';

export const FAULT_KINDS: readonly FaultKind[] = ['reset', 'http5xx', 'http429', 'nonJson', 'truncated', 'expirePageToken'];

/** Per-request probabilities (0..1) of each fault on report requests, plus a fixed delay. Mutable at runtime. */
export interface FaultSettings {
  /** 500/502/503 with an HTML body, as Zoom's edge answers. */
  http5xx: number;
  /** A per-second 429 that does not consume the account's budget. */
  http429: number;
  /** The connection is destroyed without a response. */
  reset: number;
  /** 200 with a JSON content type, half the body, then the connection ends. */
  truncated: number;
  /** 200 with an HTML body (a maintenance page, a proxy's login page). */
  nonJson: number;
  /** The page-token-expired error even for a fresh token (only requests carrying one). */
  expirePageToken: number;
  /** Added to every report request, real time (setTimeout), not the simulator clock. */
  latencyMs: number;
}

export function defaultFaultSettings(): FaultSettings {
  return { http5xx: 0, http429: 0, reset: 0, truncated: 0, nonJson: 0, expirePageToken: 0, latencyMs: 0 };
}

export interface FaultMatch {
  /** Request path, e.g. `/oauth/token` or `/v2/report/activities` (`/report/activities` also matches). */
  path?: string;
}

interface QueuedFault {
  kind: FaultKind;
  remaining: number;
  match?: FaultMatch;
}

export interface FaultRequest {
  path: string;
  /** Random faults only hit report requests; queued ones without a path do too. */
  isReport: boolean;
  hasPageToken: boolean;
}

const HTTP_5XX = [500, 502, 503] as const;

/** Decides, per request, which fault (if any) the simulator plays: queued one-shots first, then the seeded dice. */
export class FaultInjector {
  readonly settings: FaultSettings = defaultFaultSettings();
  readonly #random: SeededRandom;
  readonly #queue: QueuedFault[] = [];

  constructor(seed: number, initial?: Partial<FaultSettings>) {
    this.#random = SeededRandom.forKey(seed, 'faults');
    Object.assign(this.settings, initial);
  }

  failNext(kind: FaultKind, count = 1, match?: FaultMatch): void {
    if (!FAULT_KINDS.includes(kind)) throw new Error(`unknown fault kind ${String(kind)}`);
    if (!(count >= 1)) return;
    this.#queue.push({ kind, remaining: Math.floor(count), ...(match ? { match } : {}) });
  }

  get queued(): number {
    return this.#queue.reduce((sum, q) => sum + q.remaining, 0);
  }

  take(request: FaultRequest): FaultKind | undefined {
    const index = this.#queue.findIndex((q) => this.#applies(q, request));
    const queued = this.#queue[index];
    if (queued) {
      queued.remaining -= 1;
      if (queued.remaining <= 0) this.#queue.splice(index, 1);
      return queued.kind;
    }
    if (!request.isReport) return undefined;
    for (const kind of FAULT_KINDS) {
      if (kind === 'expirePageToken' && !request.hasPageToken) continue;
      const rate = this.settings[kind];
      if (rate > 0 && this.#random.chance(rate)) return kind;
    }
    return undefined;
  }

  pick5xxStatus(): number {
    return this.#random.pick(HTTP_5XX);
  }

  #applies(queued: QueuedFault, request: FaultRequest): boolean {
    // A page token can only expire on a request that carries one; the queued
    // fault waits for such a request instead of being wasted.
    if (queued.kind === 'expirePageToken' && !request.hasPageToken) return false;
    const path = queued.match?.path;
    if (path === undefined) return request.isReport;
    return request.path === path || request.path === `/v2${path}`;
  }
}
