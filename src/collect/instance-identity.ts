import { randomBytes } from 'node:crypto';
import os from 'node:os';

/** This process as a lease owner: `<host>/<pid>/<random>`, unique across restarts. */
export function instanceOwner(): string {
  return `${os.hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

/**
 * Whether a lease owner is a process of this host that no longer exists (a
 * crashed instance): its leases can be taken at once instead of after they
 * expire. A stopped (SIGSTOP) process still exists, so its leases run out
 * normally.
 */
export function ownerIsDeadHere(owner: string): boolean {
  const [host, pidText] = owner.split('/');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
