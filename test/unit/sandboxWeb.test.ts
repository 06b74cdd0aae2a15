import { afterEach, describe, expect, it } from 'vitest';
import { defaultPassword } from '../../src/sandbox/auth.ts';
import type { SandboxPlatform } from '../../src/sandbox/platform.ts';
import { createSandboxApp } from '../../src/sandbox/server.ts';
import { memorySandbox } from '../support/sandbox.ts';

let platform: SandboxPlatform;
afterEach(() => platform?.close());

async function setup() {
  ({ platform } = await memorySandbox());
  const app = createSandboxApp(platform, { password: 'correct horse' });
  const login = (fields: Record<string, string>) =>
    app.request('/login', { method: 'POST', body: new URLSearchParams(fields) });
  return { app, login };
}

describe('sandbox web UI', () => {
  it('logs the bot in with an HttpOnly session cookie and redirects to a local page', async () => {
    const { app, login } = await setup();
    const response = await login({
      handle: '@ReplyWright_Bot',
      password: 'correct horse',
      next: '/posts/1000001',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/posts/1000001');
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^sandbox_session=[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const home = await (await app.request('/', { headers: { cookie: cookie.split(';')[0]! } })).text();
    expect(home).toContain('@replywright_bot');
    expect(home).toContain('Log out');
  });

  it.each([
    [{ handle: 'replywright_bot', password: 'wrong' }, 401],
    [{ handle: 'alice', password: 'correct horse' }, 401],
    [{ handle: 'replywright_bot', password: defaultPassword('replywright_bot') }, 401],
    [{ handle: 'replywright_bot' }, 400],
  ])('refuses login %j', async (fields, status) => {
    const { login } = await setup();
    const response = await login(fields);
    expect(response.status).toBe(status);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it.each(['//evil.example/x', 'https://evil.example', '/\\evil.example'])(
    'never redirects off-site (%s)',
    async (next) => {
      const { login } = await setup();
      const response = await login({ handle: 'replywright_bot', password: 'correct horse', next });
      expect(response.headers.get('location')).toBe('/');
    },
  );

  // Issue #11, finding 3: a tab or newline inside `next` slipped past the old prefix check;
  // browsers drop both from URLs, so `/\t/evil.example` became `//evil.example` — off-site.
  it.each([
    '/\t/evil.example/x',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '/.//evil.example',
    '/%2F/x/../\\evil.example',
    ' //evil.example',
  ])('resolves %j against its own origin, never off-site and never a 500', async (next) => {
    const { login } = await setup();
    const response = await login({ handle: 'replywright_bot', password: 'correct horse', next });
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(new URL(location, 'http://sandbox.test').origin).toBe('http://sandbox.test');
    expect(location).toMatch(/^\/(?![/\\])/);
  });

  it('keeps a local next with its query and fragment', async () => {
    const { login } = await setup();
    const response = await login({
      handle: 'replywright_bot',
      password: 'correct horse',
      next: '/posts/7?x=1#r',
    });
    expect(response.headers.get('location')).toBe('/posts/7?x=1#r');
  });

  it('shows a post, its replies, the bot label, and a login link instead of the composer', async () => {
    const { app } = await setup();
    const root = platform.createPost({ author: 'alice', text: 'a <b>root</b> post' }).post;
    platform.createPost({ author: 'replywright_bot', text: 'a bot reply', inReplyToId: root.id });
    const page = await (await app.request(`/posts/${root.id}`)).text();
    expect(page).toContain('a &lt;b&gt;root&lt;/b&gt; post');
    expect(page).toContain('a bot reply');
    expect(page).toContain('<span class="label bot">bot</span>');
    expect(page).toContain(`<a href="/login?next=/posts/${root.id}">Log in to reply</a>`);
    expect(page).not.toContain('aria-label="Reply text"');
  });

  it('shows the composer to a logged-in user', async () => {
    const { app, login } = await setup();
    const root = platform.createPost({ author: 'alice', text: 'a root post' }).post;
    const cookie = (await login({ handle: 'replywright_bot', password: 'correct horse' })).headers.get(
      'set-cookie',
    )!;
    const page = await (
      await app.request(`/posts/${root.id}`, { headers: { cookie: cookie.split(';')[0]! } })
    ).text();
    expect(page).toContain('<textarea name="text" aria-label="Reply text"');
    expect(page).toContain('<button>Post</button>');
    expect(page).toContain('data-testid="posted-id"');
    expect(page).toContain("fetch('/api/posts'");
    expect(page).not.toContain('Log in to reply');
  });

  it('answers 404 for a missing post page', async () => {
    const { app } = await setup();
    expect((await app.request('/posts/424242')).status).toBe(404);
  });
});
