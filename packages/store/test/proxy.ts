import net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket | undefined;
}

/**
 * A loopback TCP proxy in front of a PostgreSQL port that a test can cut (connections reset, new ones
 * refused), hang (bytes swallowed, as a black-holed network does) and restore.
 */
export class TcpProxy {
  private mode: 'open' | 'cut' | 'hang' = 'open';
  private readonly pairs = new Set<Pair>();

  private constructor(
    private readonly server: net.Server,
    private readonly target: URL,
    readonly port: number,
  ) {}

  static async start(targetUrl: string): Promise<TcpProxy> {
    const target = new URL(targetUrl);
    let proxy: TcpProxy | undefined;
    const server = net.createServer((socket) => proxy?.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy: no TCP address');
    proxy = new TcpProxy(server, target, address.port);
    return proxy;
  }

  /** The target's URL (user, database) pointing at the proxy instead. */
  get url(): string {
    const url = new URL(this.target.toString());
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  get connections(): number {
    return this.pairs.size;
  }

  /** Resets every connection and refuses new ones until restore(). */
  cut(): void {
    this.mode = 'cut';
    for (const pair of this.pairs) this.destroy(pair);
  }

  /** Swallows bytes both ways on every connection, old and new, until restore(). */
  hang(): void {
    this.mode = 'hang';
  }

  /** Back to forwarding. Connections that hung are reset: their protocol state is lost. */
  restore(): void {
    if (this.mode === 'hang') for (const pair of this.pairs) this.destroy(pair);
    this.mode = 'open';
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) this.destroy(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.mode === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client, upstream: undefined };
    this.pairs.add(pair);
    client.on('error', () => this.destroy(pair));
    client.on('close', () => this.destroy(pair));
    if (this.mode === 'hang') {
      client.on('data', () => undefined); // Read and drop, like a black hole.
      return;
    }
    const upstream = net.connect(Number(this.target.port || 5432), this.target.hostname);
    pair.upstream = upstream;
    upstream.on('error', () => this.destroy(pair));
    upstream.on('close', () => this.destroy(pair));
    client.on('data', (chunk) => {
      if (this.mode === 'open') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.mode === 'open') client.write(chunk);
    });
  }

  private destroy(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.resetAndDestroy();
    pair.upstream?.destroy();
  }
}
