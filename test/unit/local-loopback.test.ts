import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback, startGateway, type Gateway } from '../../infra/local/gateway';
import { startLocalRuntime } from '../../infra/local/runtime';

/** A GET with a Host header of our choosing (fetch will not send one). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { host } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      })
      .on('error', reject);
  });
}

describe('the local runtime stays on this machine', () => {
  it('refuses to start on an address other machines can reach, before starting anything', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'example.com']) {
      await expect(startLocalRuntime({ dataDir: ':memory:', host, port: 0, log: () => {} })).rejects.toThrow(/loopback/);
    }
  });

  it('tells loopback addresses from others', () => {
    for (const h of ['127.0.0.1', '127.5.0.9', 'localhost', '::1', '[::1]', 'LOCALHOST']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '127.0.0.1.example.com', 'localhost.example.com']) expect(isLoopback(h), h).toBe(false);
  });

  describe('a loopback-only gateway', () => {
    let gateway: Gateway;
    const invoked: string[] = [];
    beforeAll(async () => {
      gateway = await startGateway({
        routes: [{ key: 'GET /v1/ping', method: 'GET', path: '/v1/ping', function: 'platform', auth: 'public' }],
        defaultFunction: 'platform',
        invoke: async (fn) => {
          invoked.push(fn);
          return { statusCode: 200, body: 'pong' };
        },
        local: { 'POST /local/token': async () => ({ statusCode: 200, body: '{"token":"x"}' }) },
        loopbackOnly: true,
        log: () => {},
      });
    });
    afterAll(() => gateway.close());

    it('refuses to listen beyond loopback', async () => {
      await expect(
        startGateway({ routes: [], defaultFunction: 'platform', invoke: async () => ({}), host: '0.0.0.0', loopbackOnly: true }),
      ).rejects.toThrow(/loopback/);
    });

    it('answers only Host headers naming its own loopback address and port', async () => {
      const url = `${gateway.url}/v1/ping`;
      for (const host of [`127.0.0.1:${gateway.port}`, `localhost:${gateway.port}`, `LocalHost:${gateway.port}`, `[::1]:${gateway.port}`]) {
        expect((await getWithHost(url, host)).status, host).toBe(200);
      }
      const before = invoked.length;
      // A rebinding page sends its own name; another port is another origin.
      for (const host of ['evil.example', `evil.example:${gateway.port}`, `127.0.0.1:${gateway.port + 1}`, 'localhost']) {
        const res = await getWithHost(url, host);
        expect(res.status, host).toBe(421);
        expect(JSON.parse(res.body).error.code).toBe('misdirected_request');
      }
      expect(invoked.length).toBe(before);
    });

    it('keeps the token issuer behind the same check', async () => {
      const res = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${gateway.url}/local/token`, { method: 'POST', headers: { host: 'attacker.example' } }, (r) => {
          r.resume().on('end', () => resolve(r.statusCode ?? 0));
        });
        req.on('error', reject).end('{}');
      });
      expect(res).toBe(421);
    });
  });
});
