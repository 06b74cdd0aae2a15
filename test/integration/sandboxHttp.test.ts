import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutcomeUnknown, PlatformUnavailable, RateLimited } from '../../src/platforms/contract.ts';
import { createSandboxHttpAdapter } from '../../src/platforms/sandbox/httpAdapter.ts';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/main.ts';
import { waitFor } from '../support/waitFor.ts';

const ADMIN = 'integration-admin-token';
const TOKEN = 'integration-account-token';
const PASSWORD = 'integration password';
const BOT = 'replywright_bot';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(dbPath?: string): Promise<RunningSandbox> {
  let path = dbPath;
  if (!path) {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    path = join(dir, 'sandbox.db');
  }
  const sandbox = await startSandbox({
    port: 0,
    dbPath: path,
    seed: 42,
    trafficPerMin: 0,
    adminToken: ADMIN,
    accountToken: TOKEN,
    password: PASSWORD,
  });
  cleanups.push(() => sandbox.stop());
  return sandbox;
}

function adapterFor(sandbox: { url: string }, timeoutMs = 5000) {
  return createSandboxHttpAdapter({ baseUrl: sandbox.url, account: BOT, token: TOKEN, timeoutMs });
}

async function setFaults(sandbox: RunningSandbox, faults: unknown): Promise<void> {
  const response = await fetch(`${sandbox.url}/admin/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(response.status).toBe(200);
}

async function groundTruth(
  sandbox: RunningSandbox,
): Promise<{ id: string; author: string; in_reply_to_id: string | null }[]> {
  return (await (await fetch(`${sandbox.url}/api/posts?author=${BOT}`)).json()) as never;
}

describe('sandbox over real HTTP', () => {
  it('binds 127.0.0.1 on a free port and serves generated traffic', async () => {
    const sandbox = await start();
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    sandbox.traffic.generate(20);
    const page = await adapterFor(sandbox).mentions(null);
    expect(page.invalid).toEqual([]);
    expect(page.posts.length).toBeGreaterThan(5);
  });

  it('a dropped response: the adapter throws OutcomeUnknown and the post exists exactly once', async () => {
    const sandbox = await start();
    const adapter = adapterFor(sandbox);
    const target = sandbox.platform.createPost({
      author: 'alice',
      text: 'hello @replywright_bot, a question',
    }).post;
    const since = Date.now();
    await setFaults(sandbox, { dropResponseRate: 1 });
    const request = { targetId: target.id, text: 'Happy to help.', idempotencyKey: 'permit-1', attempt: 1 };
    const error = await adapter.createReply(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknown);
    // The socket was destroyed: no HTTP status ever came back.
    expect((error as Error).message).not.toMatch(/HTTP \d+/);
    await setFaults(sandbox, { dropResponseRate: 0 });
    const [found] = await adapter.ownRepliesTo(target.id, since);
    expect(found).toMatchObject({ author: BOT, inReplyToId: target.id, text: 'Happy to help.' });
    // A retry under the same permit is harmless: same post, still exactly one.
    expect(await adapter.createReply(request)).toEqual({ postId: found!.id });
    const mine = await groundTruth(sandbox);
    expect(mine.filter((p) => p.in_reply_to_id === target.id)).toHaveLength(1);
  });

  it('a timeout on create is OutcomeUnknown, and the post lands anyway', async () => {
    const sandbox = await start();
    const target = sandbox.platform.createPost({ author: 'alice', text: 'slow day @replywright_bot?' }).post;
    await setFaults(sandbox, { latencyMs: 400 });
    const error = await adapterFor(sandbox, 100)
      .createReply({ targetId: target.id, text: 'Indeed.', idempotencyKey: 'permit-2', attempt: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknown);
    await waitFor(async () => (await groundTruth(sandbox)).length > 0, { what: 'the slow create to land' });
    expect(await groundTruth(sandbox)).toHaveLength(1);
  });

  it('a 429 becomes RateLimited at the x-ratelimit-reset time', async () => {
    const sandbox = await start();
    await setFaults(sandbox, { rateLimit: { rate429: 1, resetAfterMs: 5000 } });
    const before = Date.now();
    const error = await adapterFor(sandbox)
      .search('replywright', null)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).resetAt).toBeGreaterThanOrEqual(before + 5000);
    expect((error as RateLimited).resetAt).toBeLessThanOrEqual(Date.now() + 5000);
  });

  it('a refused connection is PlatformUnavailable, even for a create', async () => {
    const sandbox = await start();
    const adapter = adapterFor(sandbox);
    await sandbox.stop();
    await expect(adapter.mentions(null)).rejects.toBeInstanceOf(PlatformUnavailable);
    await expect(
      adapter.createReply({ targetId: '1000001', text: 'hi', idempotencyKey: 'k', attempt: 1 }),
    ).rejects.toBeInstanceOf(PlatformUnavailable);
  });

  it('logs in through the form, then posts a reply with the session cookie', async () => {
    const sandbox = await start();
    const target = sandbox.platform.createPost({
      author: 'alice',
      text: 'web question @replywright_bot',
    }).post;
    const login = await fetch(`${sandbox.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ handle: BOT, password: PASSWORD, next: `/posts/${target.id}` }),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe(`/posts/${target.id}`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const page = await (await fetch(`${sandbox.url}/posts/${target.id}`, { headers: { cookie } })).text();
    expect(page).toContain('aria-label="Reply text"');
    const posted = await fetch(`${sandbox.url}/api/posts`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', 'idempotency-key': 'web-1' },
      body: JSON.stringify({ in_reply_to_id: target.id, text: 'Answered from the browser.' }),
    });
    expect(posted.status).toBe(201);
    const body = (await posted.json()) as { id: string; author: string };
    expect(body.author).toBe(BOT);
    const after = await (await fetch(`${sandbox.url}/posts/${target.id}`, { headers: { cookie } })).text();
    expect(after).toContain('Answered from the browser.');
    const anonymous = await fetch(`${sandbox.url}/api/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ in_reply_to_id: target.id, text: 'sneaky' }),
    });
    expect(anonymous.status).toBe(401);
  });

  it('keeps posts, ids and the traffic sequence across a restart (WAL file DB)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'sandbox.db');
    const first = await start(path);
    const before = first.traffic.generate(5).map((p) => p.id);
    await first.stop();
    const second = await start(path);
    const after = second.traffic.generate(1)[0]!;
    expect(after.id).toBe(String(Number(before.at(-1)) + 1));
    expect(second.platform.groundTruth()).toHaveLength(6);
  });
});
