import { randomBytes } from 'node:crypto';

/** Zoom puts one on every response so support can find the request; collectors log it with errors. */
export function newTrackingId(): string {
  return `v=2.0;clid=sim;rid=WEB_${randomBytes(16).toString('hex')}`;
}
