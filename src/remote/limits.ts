import net = require('node:net');
import { clearTimeout as nodeClearTimeout, setTimeout as nodeSetTimeout } from 'node:timers';
import type { Endpoint } from './config';

/**
 * Time limits of requests to the server, kept apart from the connection so that the main
 * thread's bridge and the worker's first probe use them without loading the Redis client.
 */

export class RemoteTimeoutError extends Error {
  override readonly name = 'RemoteTimeoutError';
}

/**
 * A transfer gets the request timeout plus one second per 8 MiB: a 100 MB record may take
 * seconds on a slow link, and a stalled server still costs a bounded time.
 */
const BYTES_PER_SECOND = 8 * 1024 * 1024;

export function transferAllowanceMs(bytes: number): number {
  return Math.ceil((bytes / BYTES_PER_SECOND) * 1000);
}

/**
 * Opens and closes a plain socket to the server. The worker does this before it loads the Redis
 * client (150-190 ms of CPU measured on the team machine), so a server that is down costs the
 * first lookup a refused connect, not the client's load as well.
 */
export function probe(endpoint: Endpoint, shown: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = endpoint.kind === 'unix' ? net.connect({ path: endpoint.path }) : net.connect({ host: endpoint.host, port: endpoint.port });
    const timer = nodeSetTimeout(() => {
      socket.destroy();
      reject(new RemoteTimeoutError(`connect to ${shown} took more than ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      nodeClearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) => {
      nodeClearTimeout(timer);
      socket.destroy();
      reject(error);
    });
  });
}
