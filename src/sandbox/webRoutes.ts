import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { readLimitedText } from '../edge/limitedBody.ts';
import { tokenMatches } from '../tokens.ts';
import { SESSION_COOKIE } from './auth.ts';
import { loginPage, notFoundPage, postPage, timelinePage } from './html.ts';
import type { SandboxPlatform } from './platform.ts';
import { BODY_LIMIT_BYTES } from './validation.ts';

const loginForm = z.object({ handle: z.string(), password: z.string(), next: z.string().optional() });

/**
 * Where the login form may send the browser: `next` resolved the way a browser resolves it
 * (which drops tabs and newlines, and reads `\` as `/`) against the sandbox's own origin, and
 * refused unless it stays there. Only the path, query and fragment are kept — the URL
 * parser's own serialisation, so always a valid header value — and a path that begins `//`
 * (another host, to a browser) is refused too.
 */
export function safeNext(next: string | undefined, origin: string): string {
  if (!next) return '/';
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  if (url.origin !== new URL(origin).origin) return '/';
  const local = `${url.pathname}${url.search}${url.hash}`;
  return /^\/(?![/\\])/.test(local) ? local : '/';
}

/**
 * The login form's fields, read with the body limit (BodyTooLarge is a 413). Parsed by the
 * platform's own form decoder, so urlencoded and multipart both work; anything else has no
 * fields.
 */
async function limitedForm(request: Request): Promise<Record<string, string>> {
  const text = await readLimitedText(request, BODY_LIMIT_BYTES);
  const type = request.headers.get('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return {};
  try {
    const data = await new Response(text, { headers: { 'content-type': type } }).formData();
    const fields: Record<string, string> = {};
    data.forEach((value, name) => {
      if (typeof value === 'string') fields[name] = value;
    });
    return fields;
  } catch {
    return {};
  }
}

/** The browser-facing pages: a timeline, a post with its replies and composer, and login. */
export function createWebRoutes(platform: SandboxPlatform, password: string) {
  const web = new Hono();
  const viewer = (token: string | undefined) => (token ? platform.sessions.handle(token) : null);

  web.get('/', (c) => c.html(timelinePage(platform.latest(50), viewer(getCookie(c, SESSION_COOKIE)))));

  web.get('/posts/:id', (c) => {
    const who = viewer(getCookie(c, SESSION_COOKIE));
    const post = platform.getPost(c.req.param('id'));
    if (!post) return c.html(notFoundPage(`Post ${c.req.param('id')}`, who), 404);
    return c.html(postPage(post, platform.repliesTo(post.id), who));
  });

  web.get('/login', (c) => c.html(loginPage(safeNext(c.req.query('next'), c.req.url), null)));

  web.post('/login', async (c) => {
    const form = loginForm.safeParse(await limitedForm(c.req.raw));
    const next = safeNext(form.success ? form.data.next : undefined, c.req.url);
    if (!form.success) return c.html(loginPage(next, 'Enter a handle and a password.'), 400);
    const handle = form.data.handle.trim().replace(/^@/, '').toLowerCase();
    const passwordOk = tokenMatches(form.data.password, password);
    if (handle !== platform.account || !passwordOk) {
      return c.html(loginPage(next, 'Wrong handle or password.'), 401);
    }
    setCookie(c, SESSION_COOKIE, platform.sessions.create(handle), {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: 7 * 24 * 3600,
    });
    return c.redirect(next, 303);
  });

  web.post('/logout', (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) platform.sessions.delete(token);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/', 303);
  });

  return web;
}
