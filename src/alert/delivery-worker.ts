import type { Logger } from 'pino';
import type { RuleMeta } from '../detect/rule.js';
import type { Clock } from '../shared/clock.js';
import { metrics } from '../shared/metrics.js';
import type { DeliveryRecord, DestinationStore } from '../store/destination-store.js';
import type { AlertStore } from '../store/alert-store.js';
import { buildNotification } from './alert-notification.js';
import type { DeliveryResult } from './destination.js';
import { senderFor } from './destination-registry.js';

/** Retries: 30 s doubling to one hour, for three days; then the delivery is `failed` (shown in the delivery log). */
export const DELIVERY_RETRY = { baseMs: 30_000, maxMs: 60 * 60_000, giveUpAfterMs: 3 * 24 * 60 * 60_000 } as const;

export interface DeliveryWorkerOptions {
  store: AlertStore & DestinationStore;
  clock: Clock;
  logger: Logger;
  /** The rule metadata for a rule id (description, runbook, ...), undefined for unknown ids. */
  ruleMeta: (ruleId: string) => RuleMeta | undefined;
  /** How deliveries connect: the app's guarded fetch (app.outbound), which refuses private addresses and never follows redirects. */
  fetch: typeof fetch;
  /** Base URL of the console, for links in alerts; null for none. */
  publicUrl?: string | null;
  /**
   * With several instances: claim due deliveries under this owner (for
   * `claimMs`, default 5 min) so each is sent by one instance. Without it,
   * every due delivery is taken (one instance).
   */
  owner?: string;
  claimMs?: number;
  /** Deliveries sent per pass; default 50. */
  batchSize?: number;
  /** Longest sleep between passes when nothing is due; default 30 s (another process may queue work). */
  idleMs?: number;
}

/**
 * Sends the delivery outbox: each alert to each destination that wants it,
 * in order, with retries and backoff, every attempt logged in the store.
 * Nothing is lost while a destination is down or across a restart: a
 * delivery leaves `pending` only when it was delivered or gave up. A crash
 * between a send and its record means one more send: deliveries are
 * at-least-once, and carry the alert id (PagerDuty's dedup_key) so receivers
 * can tell.
 */
export class DeliveryWorker {
  readonly #o: DeliveryWorkerOptions;
  #wake: (() => void) | null = null;
  #woken = false;

  constructor(options: DeliveryWorkerOptions) {
    this.#o = options;
  }

  /** Ends the current idle wait (new alerts were queued). */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Sends every delivery due now; returns how many were attempted. */
  async deliverDue(signal?: AbortSignal): Promise<number> {
    const { store, clock } = this.#o;
    const batchSize = this.#o.batchSize ?? 50;
    let attempted = 0;
    while (!signal?.aborted) {
      const { owner } = this.#o;
      const due = owner ? await store.claimDueDeliveries(owner, clock.now(), batchSize, this.#o.claimMs ?? 5 * 60_000) : await store.dueDeliveries(clock.now(), batchSize);
      for (const delivery of due) {
        if (signal?.aborted) break;
        await this.#attempt(delivery);
        attempted++;
      }
      if (due.length < batchSize) break;
    }
    return attempted;
  }

  /** Delivers until `signal` aborts: each pass, then a sleep until the next delivery is due (or woken). */
  async run(signal: AbortSignal): Promise<void> {
    const { store, clock, logger } = this.#o;
    const idleMs = this.#o.idleMs ?? 30_000;
    while (!signal.aborted) {
      this.#woken = false;
      try {
        await this.deliverDue(signal);
      } catch (error) {
        logger.error({ err: error }, 'alert delivery pass failed; retrying');
      }
      if (signal.aborted || this.#woken) continue;
      const next = await store.nextDeliveryDueAt().catch(() => null);
      const waitMs = next === null ? idleMs : Math.min(idleMs, Math.max(0, next - clock.now()));
      await this.#sleep(waitMs, signal);
    }
  }

  async #sleep(ms: number, signal: AbortSignal): Promise<void> {
    const woken = new AbortController();
    const onAbort = () => woken.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    this.#wake = () => woken.abort();
    try {
      await this.#o.clock.sleep(ms, woken.signal).catch(() => undefined);
    } finally {
      this.#wake = null;
      signal.removeEventListener('abort', onAbort);
    }
  }

  async #attempt(delivery: DeliveryRecord): Promise<void> {
    const { store, clock, logger } = this.#o;
    const started = clock.now();
    let result: DeliveryResult;
    const destination = await store.getDestination(delivery.destinationId);
    const alert = await store.getAlert(delivery.alertId);
    if (!destination || !alert) {
      result = { ok: false, retryable: false, status: null, message: destination ? 'the alert no longer exists' : 'the destination was removed' };
    } else {
      try {
        const sender = senderFor(destination.kind);
        const secret = await store.getDestinationSecret(destination.id);
        const notification = buildNotification(alert, this.#o.ruleMeta(alert.ruleId), delivery.notice, this.#o.publicUrl ?? null);
        result = await sender.send(notification, destination.settings, secret, { fetch: this.#o.fetch, clock, logger });
      } catch (error) {
        // A bug or an unreadable secret: retried, and visible in the delivery log.
        result = { ok: false, retryable: true, status: null, message: error instanceof Error ? error.message : String(error) };
      }
    }
    const at = clock.now();
    const retryAt = result.ok ? null : nextAttemptAt(delivery, result, at);
    await store.recordDeliveryAttempt({ deliveryId: delivery.id, at, ok: result.ok, status: result.status, message: result.message, durationMs: at - started, retryAt });
    metrics.deliveries.inc({ destination_kind: destination?.kind ?? 'removed', outcome: result.ok ? 'delivered' : retryAt === null ? 'failed' : 'retry' });
    const fields = { deliveryId: delivery.id, alertId: delivery.alertId, destination: destination?.name ?? delivery.destinationId, attempt: delivery.attempts + 1 };
    if (result.ok) logger.info(fields, `alert ${delivery.notice} delivered to ${fields.destination}`);
    else if (retryAt === null) logger.error({ ...fields, status: result.status }, `alert delivery to ${fields.destination} failed for good: ${result.message}`);
    else
      logger.warn({ ...fields, status: result.status, retryAt: new Date(retryAt).toISOString() }, `alert delivery to ${fields.destination} failed, will retry: ${result.message}`);
  }
}

/** When to try again after a failure, or null to give up (not retryable, or retried for three days). */
export function nextAttemptAt(delivery: Pick<DeliveryRecord, 'attempts' | 'createdAt'>, result: Extract<DeliveryResult, { ok: false }>, nowMs: number): number | null {
  if (!result.retryable) return null;
  const backoff = Math.min(DELIVERY_RETRY.maxMs, DELIVERY_RETRY.baseMs * 2 ** delivery.attempts);
  const at = nowMs + Math.max(backoff, result.retryAfterMs ?? 0);
  return at - delivery.createdAt > DELIVERY_RETRY.giveUpAfterMs ? null : at;
}
