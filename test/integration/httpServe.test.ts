import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../http/serve.ts';
import { httpHarness } from '../support/httpHarness.ts';

describe('serveHttp', () => {
  it('listens on a free port, serves the app, and closes', async () => {
    const h = await httpHarness();
    const server = await serveHttp(h.http, { port: 0, host: '127.0.0.1' });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${server.url}/healthz`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBeTruthy();
    } finally {
      await server.close();
      h.cleanup();
    }
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
