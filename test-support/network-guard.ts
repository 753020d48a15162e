import net from 'node:net';

/**
 * Test-wide guard: no test may open a connection off this machine. Every socket connect to a host
 * other than loopback fails at once with an error naming the host, so a connector that would reach a
 * real vendor fails its test instead of depending on the network.
 */
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\]|::ffff:127\.\d+\.\d+\.\d+)$/;

function hostOf(args: unknown[]): string | undefined {
  const [first, second] = args;
  // net.connect() hands Socket#connect its normalized arguments as one array.
  if (Array.isArray(first)) return hostOf(first);
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    if ('path' in first && typeof first.path === 'string') return undefined; // Unix socket: local.
    const host = 'host' in first ? first.host : undefined;
    return typeof host === 'string' ? host : 'localhost';
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return typeof second === 'string' ? second : 'localhost';
  }
  return undefined; // A path: a Unix socket.
}

const original = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
  const host = hostOf(args);
  if (host !== undefined && !LOOPBACK.test(host)) {
    throw new Error(`Test guard: refused a connection to ${host}; tests may only reach loopback.`);
  }
  return Reflect.apply(original, this, args);
} as typeof original;
