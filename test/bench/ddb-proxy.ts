import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** DynamoDB requests by operation (`GetItem`, `Query`…), as named by their `X-Amz-Target` header. */
export type OpCounts = Record<string, number>;

export interface CountingProxy {
  url: string;
  /** The requests counted since the last call; counting starts afresh. */
  take(): OpCounts;
  close(): Promise<void>;
}

/**
 * A reverse proxy on 127.0.0.1 in front of DynamoDB Local that counts the requests passing through. The handlers
 * build their SDK clients inside the store, out of reach, so their requests are counted on the wire instead.
 * Bodies are streamed through untouched and headers kept as sent: the request signature covers the Host header.
 */
export async function countingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  let counts: OpCounts = {};
  const server = http.createServer((req, res) => {
    const op = /^DynamoDB_\d+\.(\w+)$/.exec(String(req.headers['x-amz-target']))?.[1] ?? 'unknown';
    // A retry is a request too, but one the code did not ask for: counted apart, so that it shows.
    const attempt = Number(/attempt=(\d+)/.exec(String(req.headers['amz-sdk-request']))?.[1] ?? 1);
    const key = attempt > 1 ? `${op}(retry)` : op;
    counts[key] = (counts[key] ?? 0) + 1;
    const forward = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // The SDK sees a dropped connection and retries, as it would with the emulator itself.
    forward.once('error', () => res.destroy());
    req.pipe(forward);
  });
  // Longer than the SDK keeps an idle socket, so the server never closes one the SDK is about to reuse (which
  // the SDK would retry, adding a request the handler did not make).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    take() {
      const taken = counts;
      counts = {};
      return taken;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      agent.destroy();
    },
  };
}

/** `{GetItem: 2, Query: 1}` → `GetItem×2 Query×1`. */
export const describeCounts = (c: OpCounts) =>
  Object.entries(c)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op}×${n}`)
    .join(' ') || '—';

export const totalOf = (c: OpCounts) => Object.values(c).reduce((a, b) => a + b, 0);
