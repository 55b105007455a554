import net from 'node:net';

/**
 * A loopback TCP proxy in front of the database engine, for fault tests: `cut()` drops every
 * connection through it and refuses new ones (the database host vanished, for this client
 * only), `restore()` lets connections through again. No driver or mongoose is mocked.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', close);
      socket.on('close', close);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    /** Drops every open connection and refuses new ones until `restore()`. */
    cut(): void {
      refusing = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    restore(): void {
      refusing = false;
    },
    async close(): Promise<void> {
      this.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>;
