import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A name for this process among the instances sharing a database (`host:pid:random`), used
 * as the holder of leases. The random part keeps a restarted process with a reused pid apart.
 */
export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
