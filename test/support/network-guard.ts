import net from 'node:net';

/**
 * Tests may only talk to this machine. Any TCP connection to another address fails at
 * once with a loud error, before a packet leaves, so a test that would reach a real
 * platform (api.telegram.org, slack.com, a registry) breaks instead of quietly passing.
 */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0', '::ffff:127.0.0.1']);

export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined || host === '') return true; // Node defaults to localhost
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host) || host.endsWith('.localhost');
}

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;
const originalConnect = net.Socket.prototype.connect as unknown as Connect;

function targetOf(args: unknown[]): { host?: string; path?: string } {
  const [first, second] = args;
  if (Array.isArray(first)) return targetOf(first as unknown[]); // internal normalized form
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; path?: string };
    return { host: options.host, path: options.path };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { host: typeof second === 'string' ? second : undefined };
}

(net.Socket.prototype as unknown as { connect: Connect }).connect = function guardedConnect(
  this: net.Socket,
  ...args: unknown[]
) {
  const target = targetOf(args);
  if (target.path === undefined && !isLoopbackHost(target.host)) {
    throw new Error(
      `Network guard: a test tried to connect to ${String(target.host)}. Tests may only use loopback; ` +
        'fake the platform with a server on 127.0.0.1.',
    );
  }
  return originalConnect.apply(this, args);
};
