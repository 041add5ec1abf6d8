// A TCP proxy between the server and PostgreSQL that counts round trips: each Sync (the end of
// an extended-protocol query, as node-postgres sends a query with parameters) and each simple
// Query is one wait for the database.
import net from 'node:net';

export interface CountingProxy {
  /** The database URL through the proxy. */
  url: string;
  roundTrips(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function countingProxy(databaseUrl: string): Promise<CountingProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    let started = false;
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // Frontend messages: the startup message (length first, no type), then type + length.
      for (;;) {
        const header = started ? 5 : 4;
        if (pending.length < header) break;
        const length = pending.readInt32BE(started ? 1 : 0) + (started ? 1 : 0);
        if (pending.length < length) break;
        if (!started)
          started = pending.readInt32BE(4) !== 80877103; // an SSLRequest comes before the startup message
        else if (pending[0] === 0x53 || pending[0] === 0x51) count++; // 'S' Sync, 'Q' Query
        pending = pending.subarray(length);
      }
    });
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    roundTrips: () => count,
    reset: () => {
      count = 0;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
