import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/main.ts';
import { ADMIN_TOKEN } from '../support/httpHarness.ts';
import { rawRequest, requestHead } from '../support/rawHttp.ts';
import { type ServedHarness, servedHarness } from '../support/servedHarness.ts';

/**
 * Finding 5 of issue #11 (DNS rebinding): the Host header was not checked, so a page on
 * evil.example whose name resolves to 127.0.0.1 could read a local instance's open API. Bound
 * to loopback, both servers now answer only to 127.0.0.1, localhost and [::1] with their port
 * (plus REPLYWRIGHT_ALLOWED_HOSTS for replywright).
 */
let s: ServedHarness | undefined;
let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
  await sandbox?.stop();
  sandbox = undefined;
});

const statusWithHost = async (url: string, path: string, host: string) =>
  (await rawRequest(url, requestHead('GET', path, host)))?.status;

describe('replywright bound to loopback', () => {
  it('answers loopback names with its port, and refuses any other Host', async () => {
    s = await servedHarness();
    const { port } = new URL(s.url);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect(await statusWithHost(s.url, '/api/status', host), host).toBe(200);
    }
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1:${Number(port) + 1}`,
      '127.0.0.1',
      `localhost.:${port}`,
      `127.0.0.1.evil.example:${port}`,
    ]) {
      const res = await rawRequest(s.url, requestHead('GET', '/api/status', host));
      expect(res?.status, host).toBe(403);
      expect(JSON.parse(res!.body)).toMatchObject({ error: 'host_not_allowed' });
    }
  });

  it('checks the host of an absolute request target too', async () => {
    s = await servedHarness();
    const { port } = new URL(s.url);
    const res = await rawRequest(
      s.url,
      requestHead('GET', `http://evil.example:${port}/api/status`, `127.0.0.1:${port}`),
    );
    expect(res?.status).toBe(403);
  });

  it('keeps /healthz open to any Host, for load balancers and container checks', async () => {
    s = await servedHarness();
    expect(await statusWithHost(s.url, '/healthz', 'evil.example')).toBe(200);
  });

  it('adds the names of REPLYWRIGHT_ALLOWED_HOSTS, with or without a port; * allows any', async () => {
    s = await servedHarness({
      REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN,
      REPLYWRIGHT_ALLOWED_HOSTS: 'dash.example.com, ops.example.com:9000',
    });
    const { port } = new URL(s.url);
    expect(await statusWithHost(s.url, '/api/status', 'dash.example.com')).toBe(200);
    expect(await statusWithHost(s.url, '/api/status', 'Dash.Example.com:443')).toBe(200);
    expect(await statusWithHost(s.url, '/api/status', 'ops.example.com:9000')).toBe(200);
    expect(await statusWithHost(s.url, '/api/status', 'ops.example.com:9001')).toBe(403);
    expect(await statusWithHost(s.url, '/api/status', `127.0.0.1:${port}`)).toBe(200);
    expect(await statusWithHost(s.url, '/api/status', 'evil.example')).toBe(403);
    await s.close();
    s = await servedHarness({ REPLYWRIGHT_ADMIN_TOKEN: ADMIN_TOKEN, REPLYWRIGHT_ALLOWED_HOSTS: '*' });
    expect(await statusWithHost(s.url, '/api/status', 'evil.example')).toBe(200);
  });
});

describe('the sandbox bound to loopback', () => {
  it('refuses any Host but its loopback names', async () => {
    sandbox = await startSandbox({ port: 0, dbPath: ':memory:', seed: 1, trafficPerMin: 0 });
    expect(await statusWithHost(sandbox.url, '/api/posts', `127.0.0.1:${sandbox.port}`)).toBe(200);
    expect(await statusWithHost(sandbox.url, '/api/posts', `localhost:${sandbox.port}`)).toBe(200);
    expect(await statusWithHost(sandbox.url, '/api/posts', `evil.example:${sandbox.port}`)).toBe(403);
    expect(await statusWithHost(sandbox.url, '/login', `evil.example:${sandbox.port}`)).toBe(403);
  });
});
