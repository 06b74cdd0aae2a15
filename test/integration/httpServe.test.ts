import { maxHeaderSize } from 'node:http';
import { describe, expect, it } from 'vitest';
import { serveHttp } from '../../http/serve.ts';
import { httpHarness } from '../support/httpHarness.ts';
import { rawRequest } from '../support/rawHttp.ts';

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

describe('serveHttp: requests Node refuses before the app sees them', () => {
  const served = async () => {
    const h = await httpHarness();
    const server = await serveHttp(h.http, { port: 0, host: '127.0.0.1' });
    return {
      server,
      host: new URL(server.url).host,
      async close() {
        await server.close();
        h.cleanup();
      },
    };
  };

  it('a request line and headers over the limit: 431 with a JSON error, like every refusal', async () => {
    const s = await served();
    try {
      const path = `/api/actors?window=${'a'.repeat(maxHeaderSize + 100)}`;
      const res = await rawRequest(
        s.server.url,
        `GET ${path} HTTP/1.1\r\nHost: ${s.host}\r\nConnection: close\r\n\r\n`,
      );
      expect(res?.status).toBe(431);
      expect(res?.headers.get('content-type')).toContain('application/json');
      const body = JSON.parse(res!.body) as { error: string; message: string };
      expect(body.error).toBe('request_too_large');
      expect(body.message).toContain(String(maxHeaderSize));
      // The server still serves.
      expect((await fetch(`${s.server.url}/healthz`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('a malformed request: 400 with a JSON error', async () => {
    const s = await served();
    try {
      const res = await rawRequest(s.server.url, 'GET /healthz HTTP/1.1\r\nHost ::: nonsense\r\n\r\n');
      expect(res?.status).toBe(400);
      expect(res?.headers.get('content-type')).toContain('application/json');
      expect((JSON.parse(res!.body) as { error: string }).error).toBe('bad_request');
    } finally {
      await s.close();
    }
  });
});
